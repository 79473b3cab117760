package messages

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPersonalize(t *testing.T) {
	cases := []struct{ text, name, want string }{
		{"Chào {name}!", "Lan", "Chào Lan!"},
		{"Chào {name}! {name} ơi", "An", "Chào An! An ơi"},
		{"Chào {name}!", `<b>Tú</b> & "Bảo"`, "Chào &lt;b&gt;Tú&lt;/b&gt; &amp; &quot;Bảo&quot;!"},
		{"Không có tên", "Lan", "Không có tên"},
		{"Chào {Name}", "Lan", "Chào {Name}"},
	}
	for _, c := range cases {
		if got := Personalize(c.text, c.name); got != c.want {
			t.Errorf("Personalize(%q, %q) = %q, want %q", c.text, c.name, got, c.want)
		}
	}
}

func TestPersonalizeNoPlaceholderNoAlloc(t *testing.T) {
	text := "<b>Ngày Chuyển đổi số quốc gia</b> 10/10"
	if n := testing.AllocsPerRun(100, func() { _ = Personalize(text, "Lan") }); n != 0 {
		t.Errorf("Personalize allocates %v times without {name}", n)
	}
}

func TestPersonalizeForPlainText(t *testing.T) {
	if got := PersonalizeFor("Chào {name}!", ` <b>Tú</b> & "Bảo" `, MarkupPlain); got != `Chào <b>Tú</b> & "Bảo"!` {
		t.Errorf("plain: %q (a name is put in as written)", got)
	}
	if got := PersonalizeFor("Chào {name}!", "<b>", MarkupHTML); got != "Chào &lt;b&gt;!" {
		t.Errorf("html: %q", got)
	}
	long := strings.Repeat("ễ", 100) + "😀"
	got := PersonalizeFor("{name}", long, MarkupPlain)
	if measure(got) != MaxNameLen || !utf8.ValidString(got) {
		t.Errorf("a long name became %d units (%q), want %d", measure(got), got, MaxNameLen)
	}
	if got := PersonalizeFor("{name}", strings.Repeat("a", 63)+"😀", MarkupPlain); got != strings.Repeat("a", 63) {
		t.Errorf("an emoji across the limit is dropped whole: %q", got)
	}
}
