package conv_test

import (
	"strings"
	"testing"

	"github.com/loa-vn/loa/bot/conv"
)

func texts(rs []conv.Reply) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Text + "\n")
	}
	return b.String()
}

// Issue 9, item 22: nothing close is "not found, try again"; an exact name
// is the place at once; part of a name offers only plausible places, and
// "none of these".
func TestWardPicker(t *testing.T) {
	h := newHarness(t, conv.Config{})
	h.cmd(lan, "/subscribe")
	none := h.text(lan, "phuong xyz khong co")
	contains(t, none.Text, "chưa tìm thấy")
	if len(none.Choices) != 0 {
		t.Errorf("unrelated places offered for nothing close: %+v", none.Choices)
	}
	done := h.text(lan, "phuong hoan kiem")
	contains(t, done.Text, "Đã xong", "Phường Hoàn Kiếm")
	if len(done.Choices) != 0 {
		t.Errorf("an exact name still offers a list: %+v", done.Choices)
	}
	if got := h.subscriber(richChannel, lan.id); !got.LocalityID.Valid {
		t.Fatalf("not subscribed: %+v", got)
	}

	h.cmd(john, "/subscribe")
	list := h.text(john, "hoan")
	if n := len(list.Choices); n < 2 || n > 6 {
		t.Fatalf("%d choices for part of a name: %+v", n, list.Choices)
	}
	for _, row := range list.Choices[:len(list.Choices)-1] {
		if !strings.Contains(strings.ToLower(row[0].Label), "hoàn") && !strings.Contains(strings.ToLower(row[0].Label), "hoàng") {
			t.Errorf("implausible place offered for %q: %q", "hoan", row[0].Label)
		}
	}
	last := list.Choices[len(list.Choices)-1][0]
	if last.Label != "None of these" {
		t.Fatalf("last choice %+v, want none of these", last)
	}
	contains(t, h.choose(john, last.Data).Text, "type the name")
	// still choosing a place
	contains(t, h.text(john, "cau giay").Text, "Done", "Phường Cầu Giấy")
}

// Issue 9, item 23: subscribing again to another ward says which
// subscription it replaced.
func TestResubscribeSaysWhatItReplaced(t *testing.T) {
	h := newHarness(t, conv.Config{})
	h.cmd(lan, "/subscribe")
	h.text(lan, "Cầu Giấy")
	h.cmd(lan, "/subscribe")
	got := texts(h.handle(lan.msg(conv.KindText, "phuong hoan kiem")))
	contains(t, got, "Phường Hoàn Kiếm", "thay cho <b>Phường Cầu Giấy</b>")
	// the same ward again replaces nothing
	h.cmd(lan, "/subscribe")
	if got := texts(h.handle(lan.msg(conv.KindText, "phuong hoan kiem"))); strings.Contains(got, "thay cho") {
		t.Errorf("same ward said replaced: %q", got)
	}
}
