package telegram_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/bot/telegram"
	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/messages"
)

func TestSenderClassifiesEveryAnswer(t *testing.T) {
	fake := tgfake.New()
	defer fake.Close()
	s, err := telegram.NewSender(fake.Token(), fake.URL(), true)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name() != "telegram" || s.Limits().Text != 4096 || s.Limits().Caption != 1024 || !s.Limits().Buttons {
		t.Fatalf("channel %s %+v", s.Name(), s.Limits())
	}
	ctx := context.Background()
	part := messages.Part{Text: "<b>10/10</b> là Ngày Chuyển đổi số quốc gia", ButtonText: "Xem", ButtonURL: "https://dichvucong.gov.vn"}
	cases := []struct {
		fault  tgfake.Fault
		kind   channel.Kind
		reason string
	}{
		{tgfake.TooManyRequests(7), channel.RateLimited, "429"},
		{tgfake.Blocked(), channel.Blocked, "blocked by the user"},
		{tgfake.Deactivated(), channel.Blocked, "user is deactivated"},
		{tgfake.ChatNotFound(), channel.Blocked, "chat not found"},
		{tgfake.Migrated(-1009), channel.Migrated, "migrated"},
		{tgfake.ServerError(502), channel.Transient, "502"},
		{tgfake.Drop(), channel.Transient, "network"},
	}
	for i, c := range cases {
		chat := int64(100 + i)
		fake.FailNext(chat, c.fault, 1)
		got := s.Send(ctx, strconv.FormatInt(chat, 10), part)
		if got.Kind != c.kind || !strings.Contains(got.Reason, c.reason) {
			t.Errorf("%+v: got %+v, want %v with %q", c.fault, got, c.kind, c.reason)
		}
		if strings.Contains(got.Reason, fake.Token()) {
			t.Errorf("the reason %q holds the bot token", got.Reason)
		}
		if c.kind == channel.RateLimited && got.RetryAfter != 7*time.Second {
			t.Errorf("retry after %v, want 7s", got.RetryAfter)
		}
		if c.kind == channel.Migrated && got.MigrateTo != "-1009" {
			t.Errorf("migrate to %q", got.MigrateTo)
		}
	}
	if got := s.Send(ctx, "1", part); got.Kind != channel.Sent {
		t.Fatalf("plain send: %+v", got)
	}
	sent := fake.SentTo(1)
	if len(sent) != 1 || sent[0].Plain != "10/10 là Ngày Chuyển đổi số quốc gia" || !sent[0].AllowPaidBroadcast ||
		len(sent[0].Buttons()) != 1 || sent[0].Buttons()[0].URL != "https://dichvucong.gov.vn" {
		t.Fatalf("sent %+v", sent)
	}
	if got := s.Send(ctx, "2", messages.Part{Text: "<b>unclosed"}); got.Kind != channel.Failed || !strings.Contains(got.Reason, "parse") {
		t.Fatalf("bad HTML: %+v", got)
	}
	if got := s.Send(ctx, "3", messages.Part{PhotoURL: "https://example.org/a.png", Text: "chú thích"}); got.Kind != channel.Sent ||
		fake.SentTo(3)[0].Method != "sendPhoto" {
		t.Fatalf("photo: %+v", got)
	}
	if got := s.Send(ctx, "z-not-a-chat", part); got.Kind != channel.Failed {
		t.Fatalf("bad chat id: %+v", got)
	}
}

func TestSenderNetworkErrorHidesToken(t *testing.T) {
	s, err := telegram.NewSender("123456:SECRETSECRETSECRETSECRETSECRET99", "http://127.0.0.1:1", false)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Send(context.Background(), "1", messages.Part{Text: "x"})
	if got.Kind != channel.Transient || strings.Contains(got.Reason, "SECRET") || !strings.Contains(got.Reason, "network") {
		t.Fatalf("got %+v", got)
	}
}

// BenchmarkSenderSend is one sendMessage round trip to the in-process fake.
func BenchmarkSenderSend(b *testing.B) {
	fake := tgfake.New(tgfake.WithoutRecording())
	defer fake.Close()
	s, err := telegram.NewSender(fake.Token(), fake.URL(), false)
	if err != nil {
		b.Fatal(err)
	}
	part := messages.Part{Text: "<b>Chào bạn!</b> Thông báo thử.", ButtonText: "Xem", ButtonURL: "https://dichvucong.gov.vn"}
	ctx := context.Background()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := int64(0)
		for pb.Next() {
			i++
			if out := s.Send(ctx, strconv.FormatInt(1000+i%5000, 10), part); out.Kind != channel.Sent {
				b.Fatal(out)
			}
		}
	})
}
