package jobs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/messages"
)

func TestTelegramSenderClassifiesEveryAnswer(t *testing.T) {
	fake := tgfake.New()
	defer fake.Close()
	s, err := NewTelegramSender(fake.Token(), fake.URL(), true)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	part := messages.Part{Text: "<b>10/10</b> là Ngày Chuyển đổi số quốc gia", ButtonText: "Xem", ButtonURL: "https://dichvucong.gov.vn"}
	cases := []struct {
		fault  tgfake.Fault
		kind   Kind
		reason string
	}{
		{tgfake.TooManyRequests(7), RateLimited, "429"},
		{tgfake.Blocked(), Blocked, "blocked by the user"},
		{tgfake.Deactivated(), Blocked, "user is deactivated"},
		{tgfake.ChatNotFound(), Blocked, "chat not found"},
		{tgfake.Migrated(-1009), Migrated, "migrated"},
		{tgfake.ServerError(502), Transient, "502"},
		{tgfake.Drop(), Transient, "network"},
	}
	for i, c := range cases {
		chat := int64(100 + i)
		fake.FailNext(chat, c.fault, 1)
		got := s.Send(ctx, chat, part)
		if got.Kind != c.kind || !strings.Contains(got.Reason, c.reason) {
			t.Errorf("%+v: got %+v, want %v with %q", c.fault, got, c.kind, c.reason)
		}
		if strings.Contains(got.Reason, fake.Token()) {
			t.Errorf("the reason %q holds the bot token", got.Reason)
		}
		if c.kind == RateLimited && got.RetryAfter != 7*time.Second {
			t.Errorf("retry after %v, want 7s", got.RetryAfter)
		}
		if c.kind == Migrated && got.MigrateTo != -1009 {
			t.Errorf("migrate to %d", got.MigrateTo)
		}
	}
	if got := s.Send(ctx, 1, part); got.Kind != Sent {
		t.Fatalf("plain send: %+v", got)
	}
	sent := fake.SentTo(1)
	if len(sent) != 1 || sent[0].Plain != "10/10 là Ngày Chuyển đổi số quốc gia" || !sent[0].AllowPaidBroadcast ||
		len(sent[0].Buttons()) != 1 || sent[0].Buttons()[0].URL != "https://dichvucong.gov.vn" {
		t.Fatalf("sent %+v", sent)
	}
	if got := s.Send(ctx, 2, messages.Part{Text: "<b>unclosed"}); got.Kind != Failed || !strings.Contains(got.Reason, "parse") {
		t.Fatalf("bad HTML: %+v", got)
	}
	if got := s.Send(ctx, 3, messages.Part{PhotoURL: "https://example.org/a.png", Text: "chú thích"}); got.Kind != Sent ||
		fake.SentTo(3)[0].Method != "sendPhoto" {
		t.Fatalf("photo: %+v", got)
	}
}

func TestTelegramSenderNetworkErrorHidesToken(t *testing.T) {
	s, err := NewTelegramSender("123456:SECRETSECRETSECRETSECRETSECRET99", "http://127.0.0.1:1", false)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Send(context.Background(), 1, messages.Part{Text: "x"})
	if got.Kind != Transient || strings.Contains(got.Reason, "SECRET") || !strings.Contains(got.Reason, "network") {
		t.Fatalf("got %+v", got)
	}
}
