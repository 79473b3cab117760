package conv

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Issue 9, item 24: button labels are cut at a word boundary, with an ellipsis.
func TestClipAtWordBoundary(t *testing.T) {
	q := "Làm thế nào để kích hoạt tài khoản định danh điện tử mức cao nhất trên ứng dụng VNeID?"
	got := clip(q, 60)
	if !strings.HasSuffix(got, "…") || utf8.RuneCountInString(got) > 60 {
		t.Fatalf("clip = %q", got)
	}
	head := strings.TrimSuffix(got, "…")
	if !strings.HasPrefix(q, head) || q[len(head)] != ' ' {
		t.Errorf("cut mid-word: %q", got)
	}
	if got := clip("ngắn", 60); got != "ngắn" {
		t.Errorf("short label changed: %q", got)
	}
	// one very long word is still cut to fit
	if got := clip(strings.Repeat("a", 100), 60); utf8.RuneCountInString(got) != 60 {
		t.Errorf("long word: %q", got)
	}
}
