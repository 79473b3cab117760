package zalofake

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaultsPerChatAndGlobal(t *testing.T) {
	s := New()
	defer s.Close()
	s.FailNext("blocked-chat", Forbidden(), 1)
	s.FailNext(AnyChat, QuotaExceeded(), 1)
	s.FailNext("down", ServerError(502), 1)
	s.FailNext("bad-token", Unauthorized(), 1)
	send := func(chat string) (int, answer) {
		return call(t, s, "sendMessage", map[string]any{"chat_id": chat, "text": "x"})
	}
	if code, _ := send("blocked-chat"); code != 403 {
		t.Errorf("per-chat fault = %d, want 403", code)
	}
	code, a := send("anyone")
	if code != 429 || a.RetryAfter != nil || a.Parameters != nil {
		t.Errorf("global fault = %d %+v, want 429 without retry_after", code, a)
	}
	if code, _ := send("down"); code != 502 {
		t.Errorf("5xx fault = %d", code)
	}
	if code, _ := send("bad-token"); code != 401 {
		t.Errorf("401 fault = %d", code)
	}
	if code, _ := send("blocked-chat"); code != 200 {
		t.Errorf("after the fault was used up = %d, want 200", code)
	}
	if s.TooManyCount() != 1 {
		t.Errorf("TooManyCount = %d", s.TooManyCount())
	}
}

func TestFaultHookSlowAndDrop(t *testing.T) {
	s := New()
	defer s.Close()
	s.SetFault(func(method, chatID string) *Fault {
		switch chatID {
		case "drop":
			f := Drop()
			return &f
		case "slow":
			f := Slow(time.Millisecond)
			return &f
		}
		if method == "getMe" {
			f := ServerError(503)
			return &f
		}
		return nil
	})
	if code, _ := call(t, s, "getMe", nil); code != 503 {
		t.Errorf("hooked getMe = %d", code)
	}
	if code, _ := call(t, s, "sendMessage", map[string]any{"chat_id": "slow", "text": "x"}); code != 200 {
		t.Errorf("slow = %d, want 200 in the end", code)
	}
	_, err := http.Post(s.URL()+"/bot"+s.Token()+"/sendMessage", "application/json",
		bytes.NewReader([]byte(`{"chat_id":"drop","text":"x"}`)))
	if err == nil {
		t.Error("dropped connection: no error")
	}
	if s.CountTo("drop") != 0 {
		t.Error("a dropped send was recorded")
	}
	s.SetFault(nil)
	if code, _ := call(t, s, "getMe", nil); code != 200 {
		t.Errorf("after SetFault(nil) = %d", code)
	}
}

// TestWindow checks the sliding window on a made-up clock.
func TestWindow(t *testing.T) {
	w := newWindow(3)
	t0 := time.Unix(1_700_000_000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	steps := []struct {
		ms   int
		want bool
	}{{0, true}, {100, true}, {200, true}, {300, false}, {999, false}, {1000, true}, {1050, false}, {1100, true}, {1200, true}, {1300, false}}
	for _, st := range steps {
		if got := w.allow(at(st.ms)); got != st.want {
			t.Errorf("allow at %d ms = %v, want %v", st.ms, got, st.want)
		}
	}
}

func TestRateLimitAnswersQuotaExceeded(t *testing.T) {
	s := New(WithRateLimit(1))
	defer s.Close()
	// Two sends within one second: whatever the machine's speed, the limiter
	// admits one per second, so the window's second send is refused unless a
	// whole second passed between them. Only the refusal's shape is asserted.
	for range 3 {
		code, a := call(t, s, "sendMessage", map[string]any{"chat_id": lan.ID, "text": "x"})
		if code == 429 {
			if !strings.Contains(a.Description, "quota") || a.RetryAfter != nil {
				t.Errorf("429 = %+v", a)
			}
			return
		}
	}
	t.Skip("the machine was too slow to send twice within a second")
}
