package zalofake

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type gotEvent struct {
	EventName string `json:"event_name"`
	Message   struct {
		From struct {
			ID          string `json:"id"`
			DisplayName string `json:"display_name"`
			IsBot       bool   `json:"is_bot"`
		} `json:"from"`
		Chat struct {
			ID       string `json:"id"`
			ChatType string `json:"chat_type"`
		} `json:"chat"`
		Text      string `json:"text"`
		Photo     string `json:"photo"`
		Caption   string `json:"caption"`
		Sticker   string `json:"sticker"`
		MessageID string `json:"message_id"`
		Date      int64  `json:"date"`
	} `json:"message"`
}

func TestGetUpdatesOneEventPerCall(t *testing.T) {
	s := New()
	defer s.Close()
	id1 := s.SendText(lan, "Xin chào")
	s.SendImage(lan, "https://x.vn/a.jpg", "ảnh")
	s.SendSticker(lan, "0e078a2fb66a5f34067b", "https://stickers.zaloapp.com/x")
	s.SendUnsupported(lan)
	want := []string{EventText, EventImage, EventSticker, EventUnsupported}
	for i, name := range want {
		code, a := call(t, s, "getUpdates", map[string]any{"timeout": "0"})
		if code != 200 {
			t.Fatalf("getUpdates %d: %d %s", i, code, a.Description)
		}
		if strings.HasPrefix(strings.TrimSpace(string(a.Result)), "[") {
			t.Fatalf("result is an array: %s", a.Result)
		}
		var e gotEvent
		if err := json.Unmarshal(a.Result, &e); err != nil {
			t.Fatal(err)
		}
		if e.EventName != name || e.Message.Chat.ID != lan.ID || e.Message.Chat.ChatType != "PRIVATE" ||
			e.Message.From.DisplayName != "Lan" || e.Message.Date < 1e12 {
			t.Errorf("event %d = %+v", i, e)
		}
		if i == 0 && (e.Message.MessageID != id1 || e.Message.Text != "Xin chào") {
			t.Errorf("text event = %+v", e)
		}
		if i == 1 && (e.Message.Photo != "https://x.vn/a.jpg" || e.Message.Caption != "ảnh") {
			t.Errorf("image event = %+v", e)
		}
	}
	if code, a := call(t, s, "getUpdates", map[string]any{"timeout": "0"}); code != 408 || a.Description != "Request timeout" {
		t.Errorf("empty getUpdates = %d %q, want 408 Request timeout", code, a.Description)
	}
	if code, _ := call(t, s, "getUpdates", map[string]any{"timeout": "soon"}); code != 400 {
		t.Errorf("bad timeout = %d, want 400", code)
	}
}

func TestGetUpdatesWaitsForAnEvent(t *testing.T) {
	s := New()
	defer s.Close()
	done := make(chan string)
	go func() {
		_, a := call(t, s, "getUpdates", map[string]any{"timeout": "30"})
		var e gotEvent
		_ = json.Unmarshal(a.Result, &e)
		done <- e.Message.Text
	}()
	for s.Polling() == 0 {
		time.Sleep(time.Millisecond)
	}
	s.SendText(lan, "đăng ký")
	if got := <-done; got != "đăng ký" {
		t.Errorf("long poll got %q", got)
	}
}

func TestRedeliverQueuesTheSameEvent(t *testing.T) {
	s := New()
	defer s.Close()
	id := s.SendText(lan, "hủy")
	if !s.Redeliver(id) || s.Redeliver("nope") {
		t.Fatal("Redeliver of a known id must succeed, of an unknown one fail")
	}
	_, a := call(t, s, "getUpdates", map[string]any{"timeout": "0"})
	_, b := call(t, s, "getUpdates", map[string]any{"timeout": "0"})
	if string(a.Result) != string(b.Result) {
		t.Errorf("redelivered event differs:\n%s\n%s", a.Result, b.Result)
	}
}

func TestSetWebhookRules(t *testing.T) {
	s := New()
	defer s.Close()
	good := strings.Repeat("s", 8)
	cases := []struct {
		name string
		body map[string]any
		want int
	}{
		{"no url", map[string]any{"secret_token": good}, 400},
		{"http url", map[string]any{"url": "http://loa.example/zalo", "secret_token": good}, 400},
		{"not a url", map[string]any{"url": "loa.example", "secret_token": good}, 400},
		{"no secret", map[string]any{"url": "https://loa.example/zalo"}, 400},
		{"secret of 7", map[string]any{"url": "https://loa.example/zalo", "secret_token": "1234567"}, 400},
		{"secret of 257", map[string]any{"url": "https://loa.example/zalo", "secret_token": strings.Repeat("a", 257)}, 400},
		{"secret with a space", map[string]any{"url": "https://loa.example/zalo", "secret_token": "abc def ghi"}, 400},
		{"secret of 256", map[string]any{"url": "https://loa.example/zalo", "secret_token": strings.Repeat("a", 256)}, 200},
	}
	for _, c := range cases {
		if code, a := call(t, s, "setWebhook", c.body); code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, code, a.Description, c.want)
		}
	}
	_, info := call(t, s, "getWebhookInfo", nil)
	if !strings.Contains(string(info.Result), `"url":"https://loa.example/zalo"`) {
		t.Errorf("getWebhookInfo = %s", info.Result)
	}
	if code, _ := call(t, s, "getUpdates", map[string]any{"timeout": "0"}); code != 400 {
		t.Errorf("getUpdates while a webhook is set = %d, want 400", code)
	}
	_, del := call(t, s, "deleteWebhook", nil)
	if !strings.Contains(string(del.Result), `"url":""`) {
		t.Errorf("deleteWebhook = %s", del.Result)
	}
	if code, _ := call(t, s, "getUpdates", map[string]any{"timeout": "0"}); code != 408 {
		t.Errorf("getUpdates after deleteWebhook = %d, want 408", code)
	}
}

type delivery struct {
	secret string
	body   string
}

func TestWebhookDeliversWithTheSecret(t *testing.T) {
	got := make(chan delivery, 10)
	fail := make(chan bool, 1)
	fail <- true // the first POST is answered 500: the fake must retry it
	hook := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case <-fail:
			w.WriteHeader(http.StatusInternalServerError)
			return
		default:
		}
		got <- delivery{secret: r.Header.Get(SecretHeader), body: string(body)}
	}))
	defer hook.Close()
	s := New(WithWebhookClient(hook.Client()))
	defer s.Close()
	if code, a := call(t, s, "setWebhook", map[string]any{"url": hook.URL + "/zalo", "secret_token": "hanoi-secret-1"}); code != 200 {
		t.Fatalf("setWebhook: %d %s", code, a.Description)
	}
	id := s.SendText(lan, "Xin chào")
	s.Redeliver(id)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var ds []delivery
	for len(ds) < 2 {
		select {
		case d := <-got:
			ds = append(ds, d)
		case <-ctx.Done():
			t.Fatalf("got %d deliveries", len(ds))
		}
	}
	for _, d := range ds {
		if d.secret != "hanoi-secret-1" {
			t.Errorf("secret header = %q", d.secret)
		}
		var env struct {
			OK     bool     `json:"ok"`
			Result gotEvent `json:"result"`
		}
		if err := json.Unmarshal([]byte(d.body), &env); err != nil || !env.OK || env.Result.Message.MessageID != id {
			t.Errorf("delivery = %s (%v)", d.body, err)
		}
	}
	if ds[0].body != ds[1].body {
		t.Errorf("redelivery differs")
	}
	for {
		ok, failed := s.Deliveries()
		if ok == 2 && failed == 1 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("Deliveries = %d ok, %d failed; want 2, 1", ok, failed)
		}
		time.Sleep(time.Millisecond)
	}
}
