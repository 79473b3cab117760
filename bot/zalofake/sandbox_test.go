package zalofake

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

func TestSandboxControlAPI(t *testing.T) {
	s, err := Listen("127.0.0.1:0", WithHTTPWebhooks())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	c := NewClient(s.URL())
	id, err := c.Send(ctx, lan, "đăng ký Hoàn Kiếm")
	if err != nil || id == "" {
		t.Fatalf("Send: %q, %v", id, err)
	}
	_, a := call(t, s, "getUpdates", map[string]any{"timeout": "1"})
	var e gotEvent
	if err := json.Unmarshal(a.Result, &e); err != nil || e.Message.Text != "đăng ký Hoàn Kiếm" || e.Message.MessageID != id {
		t.Fatalf("the bot got %s", a.Result)
	}
	if err := c.Redeliver(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := c.Redeliver(ctx, "unknown"); err == nil {
		t.Error("Redeliver of an unknown id succeeded")
	}
	for _, f := range []func() (string, error){
		func() (string, error) { return c.SendImage(ctx, lan, "https://x.vn/a.jpg", "") },
		func() (string, error) { return c.SendSticker(ctx, lan, "abc") },
		func() (string, error) { return c.SendUnsupported(ctx, lan) },
	} {
		if _, err := f(); err != nil {
			t.Error(err)
		}
	}
	if s.Pending() != 4 {
		t.Errorf("Pending = %d, want 4", s.Pending())
	}

	msgs, cursor, err := c.Messages(ctx, lan.ID, 0, 0)
	if err != nil || len(msgs) != 0 {
		t.Fatalf("Messages before any reply: %v, %v", msgs, err)
	}
	call(t, s, "sendMessage", map[string]any{"chat_id": lan.ID, "text": "Bạn đã đăng ký."})
	call(t, s, "sendMessage", map[string]any{"chat_id": "someone-else", "text": "không phải cho Lan"})
	msgs, cursor, err = c.Messages(ctx, lan.ID, cursor, 5*time.Second)
	if err != nil || len(msgs) != 1 || msgs[0].Text != "Bạn đã đăng ký." {
		t.Fatalf("Messages = %+v, %v", msgs, err)
	}
	msgs, _, err = c.Messages(ctx, lan.ID, cursor, 0)
	if err != nil || len(msgs) != 0 {
		t.Errorf("Messages after the cursor = %+v, %v", msgs, err)
	}
}
