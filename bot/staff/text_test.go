package staff

import (
	"strings"
	"testing"
)

func TestLocalesHaveTheSameKeys(t *testing.T) {
	if m := defaultTexts.Missing(); len(m) > 0 {
		t.Fatalf("keys missing: %v", m)
	}
	got := defaultTexts.T("vi", "link_ok", "Name", "<b>x</b>", "Role", "admin")
	if got == "link_ok" || !strings.Contains(got, "&lt;b&gt;x") {
		t.Fatalf("escaping: %q", got)
	}
}
