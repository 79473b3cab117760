package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// Issue 9, item 1: a panic in any handler is a logged error id and a 500 in
// the documented error shape, not an empty reply; issue 9, item 16: every
// answer, a CSV one too, carries no-store and nosniff.
func TestPanicIsA500WithAnErrorID(t *testing.T) {
	var logs bytes.Buffer
	s := New(Deps{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	s.mux.HandleFunc("GET /api/v1/test-panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	s.mux.HandleFunc("GET /api/v1/test.csv", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		_, _ = w.Write([]byte("a,b\n"))
	})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	res, err := http.Get(srv.URL + "/api/v1/test-panic")
	if err != nil {
		t.Fatalf("no reply: %v", err)
	}
	defer res.Body.Close()
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != 500 || body.Error.Code != "internal" {
		t.Fatalf("status %d, body %+v, %v", res.StatusCode, body, err)
	}
	m := regexp.MustCompile(`\(error id ([0-9a-f]+)\)`).FindStringSubmatch(body.Error.Message)
	if m == nil || !strings.Contains(logs.String(), m[1]) || !strings.Contains(logs.String(), "boom") {
		t.Fatalf("message %q; log %s", body.Error.Message, logs.String())
	}
	for _, path := range []string{"/api/v1/test-panic", "/api/v1/test.csv", "/api/v1/nothing-here"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", path, res.Header)
		}
	}
}
