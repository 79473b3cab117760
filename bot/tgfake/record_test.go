package tgfake

import (
	"context"
	"testing"
	"time"

	"github.com/go-telegram/bot"
)

func TestDuplicatesAndDistinctChats(t *testing.T) {
	srv := newFake(t, WithoutRecording())
	b := newClient(t, srv)
	ctx := testCtx(t)
	for chat := int64(1); chat <= 5; chat++ {
		for _, text := range []string{"khuyến mãi", "tin khác"} {
			if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: text}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Chats 2 and 4 get the campaign twice: a broadcaster bug to catch.
	for _, chat := range []int64{2, 4, 4} {
		if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "khuyến mãi"}); err != nil {
			t.Fatal(err)
		}
	}
	if srv.Duplicates() != 2 || srv.DistinctChats() != 5 || srv.Count() != 13 || srv.CountTo(4) != 4 {
		t.Errorf("dups %d distinct %d count %d countTo(4) %d", srv.Duplicates(), srv.DistinctChats(), srv.Count(), srv.CountTo(4))
	}
	if len(srv.Sent()) != 0 {
		t.Errorf("WithoutRecording kept %d records", len(srv.Sent()))
	}
	srv.Reset()
	if srv.Duplicates() != 0 || srv.Count() != 0 || srv.Calls("sendMessage") != 0 {
		t.Error("Reset left counters")
	}
}

func TestRingBufferKeepsLast(t *testing.T) {
	srv := newFake(t, WithRecordLimit(3))
	b := newClient(t, srv)
	ctx := testCtx(t)
	for i, text := range []string{"1", "2", "3", "4", "5"} {
		if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: int64(i%2 + 1), Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	got := srv.Sent()
	if len(got) != 3 || got[0].Text != "3" || got[2].Text != "5" {
		t.Errorf("ring: %+v", got)
	}
	if to1 := srv.SentTo(1); len(to1) != 2 || to1[0].Text != "3" || to1[1].Text != "5" {
		t.Errorf("ring SentTo: %+v", to1)
	}
}

func TestWaitSent(t *testing.T) {
	srv := newFake(t)
	b := newClient(t, srv)
	go func() {
		for i := 0; i < 3; i++ {
			time.Sleep(20 * time.Millisecond)
			_, _ = b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: 9, Text: "x"})
		}
	}()
	got, err := srv.WaitSent(testCtx(t), 9, 3)
	if err != nil || len(got) != 3 {
		t.Fatalf("WaitSent: %d %v", len(got), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if got, err := srv.WaitSent(ctx, 9, 4); err == nil || len(got) != 3 {
		t.Errorf("WaitSent timeout: %d %v", len(got), err)
	}
}
