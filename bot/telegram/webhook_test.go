package telegram

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/jobs/redistest"
)

// syncBuffer is a log that handlers write to from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// webhookBot runs the handlers (one worker: updates are handled in order)
// behind the webhook handler, logging to logs.
func webhookBot(t *testing.T, logs *syncBuffer) (*harness, *httptest.Server) {
	t.Helper()
	rdb := redis.NewClient(redistest.New(t))
	t.Cleanup(func() { rdb.Close() })
	h, cancel := newBot(t, Config{WebhookSecret: "s3cret", Workers: 1}, conv.Config{}, func(_ *harness, _ *conv.Deps, d *Deps) {
		d.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		d.Seen = RedisSeen{R: rdb}
	})
	runCtx, stop := context.WithCancel(h.ctx)
	done := make(chan error, 1)
	go func() { done <- h.bot.StartWorkers(runCtx) }()
	srv := httptest.NewServer(h.bot.WebhookHandler())
	t.Cleanup(func() {
		srv.Close()
		stop()
		if err := <-done; err != nil {
			t.Errorf("workers: %v", err)
		}
		cancel()
	})
	return h, srv
}

func postUpdate(t *testing.T, srv *httptest.Server, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL, bytes.NewReader(body))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// Issue 9, item 6: a malformed webhook body is logged as a size and a
// hash, never verbatim.
func TestWebhookMalformedBodyIsNotLogged(t *testing.T) {
	var logs syncBuffer
	_, srv := webhookBot(t, &logs)
	body := []byte(`{"update_id": 1, "message": {"text": "gọi tôi 0912345678` + strings.Repeat("x", 900_000) + `"`)
	if got := postUpdate(t, srv, body); got != http.StatusBadRequest {
		t.Errorf("status %d, want 400", got)
	}
	sum := sha256.Sum256(body)
	out := logs.String()
	if strings.Contains(out, "0912345678") || strings.Contains(out, "xxxxxxxx") || len(out) > 2000 {
		t.Errorf("the body reached the log (%d bytes of log):\n%.500s", len(out), out)
	}
	if !strings.Contains(out, fmt.Sprint(len(body))) || !strings.Contains(out, hex.EncodeToString(sum[:])) {
		t.Errorf("log lacks the size %d and the sha256:\n%s", len(body), out)
	}
}

// Issue 9, item 6: an update delivered twice is handled once.
func TestWebhookRepeatedUpdateIsHandledOnce(t *testing.T) {
	var logs syncBuffer
	h, srv := webhookBot(t, &logs)
	u := tgfake.User{ID: 9001, FirstName: "An"}
	h.fake.AddChat(u)
	update := func(id int, cmd string) []byte {
		return []byte(fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1700000000,"chat":{"id":9001,"type":"private"},`+
			`"from":{"id":9001,"is_bot":false,"first_name":"An"},"text":%q,"entities":[{"type":"bot_command","offset":0,"length":%d}]}}`,
			id, id, cmd, len(cmd)))
	}
	for _, up := range [][]byte{update(77, "/help"), update(77, "/help"), update(77, "/help"), update(78, "/lang")} {
		if got := postUpdate(t, srv, up); got != http.StatusOK {
			t.Fatalf("status %d", got)
		}
	}
	// one worker handles them in order: once 78 (/lang, the reply with
	// buttons) is answered, the repeats of 77 have been handled or ignored
	ctx, cancel := context.WithTimeout(h.ctx, 10*time.Second)
	defer cancel()
	for n := 1; ; n++ {
		all, err := h.fake.WaitSent(ctx, u.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		if len(all[n-1].Buttons()) > 0 {
			if n != 2 {
				t.Errorf("%d replies to updates 77, 77, 77, 78; want 2", n)
			}
			break
		}
	}
	if !strings.Contains(logs.String(), "repeated update ignored") {
		t.Errorf("log:\n%s", logs.String())
	}
}
