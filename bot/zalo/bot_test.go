package zalo

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/zalofake"
)

// A reply over 2000 characters goes out in parts within the limit, cut at
// paragraphs, and the fake (which refuses longer texts) accepts them all.
func TestLongReplyIsSplitWithinTheLimit(t *testing.T) {
	srv, c := newFake(t)
	para := strings.Repeat("Người dân Hà Nội cài VNeID mức 2 để làm thủ tục trực tuyến. ", 12) // ~720 characters
	text := strings.TrimSpace(strings.Repeat(para+"\n\n", 4))                                  // ~2900
	ch := &chat{c: c, chatID: "chat-long"}
	if err := ch.Send(context.Background(), conv.Reply{Text: text}); err != nil {
		t.Fatal(err)
	}
	sent := srv.SentTo("chat-long")
	if len(sent) != 2 {
		t.Fatalf("%d parts, want 2", len(sent))
	}
	var joined []string
	for _, s := range sent {
		if n := len([]rune(s.Text)); n > MaxTextLen {
			t.Errorf("part of %d characters", n)
		}
		joined = append(joined, s.Text)
	}
	if strings.Join(strings.Fields(strings.Join(joined, " ")), " ") != strings.Join(strings.Fields(text), " ") {
		t.Error("the parts, joined, are not the reply")
	}
	if got := replyParts("  "); got != nil {
		t.Errorf("empty reply: %q", got)
	}
	if got := replyParts("1 < 2 & <b>x</b>"); len(got) != 1 || got[0] != "1 < 2 & <b>x</b>" {
		t.Errorf("plain text is sent as written: %q", got)
	}
}

// A chat the platform cannot reach is reported as blocked to the
// conversations; a refused token as ErrTokenInvalid.
func TestReplyOutcomes(t *testing.T) {
	srv, c := newFake(t)
	ch := &chat{c: c, chatID: "gone"}
	srv.FailNext("gone", zalofake.Forbidden(), 1)
	if err := ch.Send(context.Background(), conv.Reply{Text: "x"}); !isBlocked(err) {
		t.Errorf("403: %v, want conv.ErrBlocked", err)
	}
	srv.FailNext("gone", zalofake.Unauthorized(), 1)
	if err := ch.Send(context.Background(), conv.Reply{Text: "x"}); !isTokenInvalid(err) {
		t.Errorf("401: %v, want ErrTokenInvalid", err)
	}
}

func isBlocked(err error) bool      { return errors.Is(err, conv.ErrBlocked) }
func isTokenInvalid(err error) bool { return errors.Is(err, ErrTokenInvalid) }
