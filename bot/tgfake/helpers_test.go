package tgfake

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/go-telegram/bot"
)

var (
	lan  = User{ID: 1001, FirstName: "Lan", Username: "lan_hn", LanguageCode: "vi"}
	minh = User{ID: 1002, FirstName: "Minh", LanguageCode: "en"}
)

func newFake(t testing.TB, opts ...Option) *Server {
	t.Helper()
	srv := New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// newClient is a go-telegram/bot client without polling.
func newClient(t testing.TB, srv *Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	opts = append([]bot.Option{bot.WithServerURL(srv.URL()), bot.WithSkipGetMe()}, opts...)
	b, err := bot.New(srv.Token(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// callJSON posts JSON params the way any Bot API client might and decodes
// the result, so tests can reach methods go-telegram/bot hides.
func callJSON(ctx context.Context, srv *Server, method string, params map[string]any, dest any) error {
	body, _ := json.Marshal(params)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+"/bot"+srv.Token()+"/"+method, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return readAnswer(resp.Body, dest)
}
