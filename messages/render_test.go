package messages

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/loa-vn/loa/messages/tghtml"
)

// squeeze removes whitespace, which a cut may drop.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// checkParts asserts every part is valid, fits, and that together they
// show the original text.
func checkParts(t *testing.T, text string, parts []Part) {
	t.Helper()
	want, err := tghtml.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for i, p := range parts {
		plain, err := tghtml.Parse(p.Text)
		if err != nil {
			t.Fatalf("part %d is invalid HTML: %v\n%s", i, err, p.Text)
		}
		if n := tghtml.Len(plain); n > MaxTextLen || strings.TrimSpace(plain) == "" {
			t.Fatalf("part %d has %d characters", i, n)
		}
		got.WriteString(plain)
	}
	if squeeze(got.String()) != squeeze(want) {
		t.Fatal("concatenated parts differ from the original text")
	}
}

func paragraph(i int) string {
	return "<b>Đoạn " + strings.Repeat("x", i%7) + "</b>: người dân Hà Nội hãy cài <a href=\"https://vneid.gov.vn/?a=1&amp;b=2\">VNeID</a> &amp; dùng <i>dịch vụ công trực tuyến</i> 😀. "
}

func TestRenderSplitParagraphs(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 30000; i++ {
		b.WriteString(paragraph(i))
		if i%5 == 4 {
			b.WriteString("\n\n")
		}
	}
	text := b.String()
	parts, err := Render(Variant{Text: text, ButtonText: "Mở", ButtonURL: "https://dichvucong.gov.vn"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) < 2 {
		t.Fatalf("got %d parts", len(parts))
	}
	checkParts(t, text, parts)
	for i, p := range parts {
		if hasButton := p.ButtonURL != ""; hasButton != (i == len(parts)-1) {
			t.Errorf("part %d button = %q", i, p.ButtonURL)
		}
		// Cut at paragraph ends: each part but the last ends a paragraph.
		if i < len(parts)-1 && !strings.HasSuffix(p.Text, "😀.") {
			t.Errorf("part %d ends %q", i, p.Text[len(p.Text)-20:])
		}
	}
}

func TestRenderSplitReopensTags(t *testing.T) {
	inner := strings.Repeat("Chuyển đổi số vì người dân. ", 250) // ~7000 characters, no newline
	text := `<blockquote expandable><b>Mở đầu <a href="https://hanoi.gov.vn">` + inner + `</a></b></blockquote> hết.`
	parts, err := Render(Variant{Text: text}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 {
		t.Fatalf("got %d parts", len(parts))
	}
	checkParts(t, text, parts)
	if !strings.HasSuffix(parts[0].Text, "vì người dân.</a></b></blockquote>") {
		t.Errorf("part 0 should end at a sentence and close its tags: ...%s", parts[0].Text[len(parts[0].Text)-60:])
	}
	if !strings.HasPrefix(parts[1].Text, `<blockquote expandable><b><a href="https://hanoi.gov.vn">Chuyển`) {
		t.Errorf("part 1 should reopen the tags: %s...", parts[1].Text[:80])
	}
}

func TestRenderSplitLinesAndHardCut(t *testing.T) {
	lines := strings.Repeat("dòng "+strings.Repeat("a", 90)+"\n", 60)
	word := "<code>" + strings.Repeat("😀", 5000) + "</code>" // one 10000-unit word
	named := strings.Repeat("{name} ", 400)                  // 400*65 units, never cut inside {name}
	for _, text := range []string{lines, word, named} {
		parts, err := Render(Variant{Text: text}, true)
		if err != nil {
			t.Fatal(err)
		}
		checkParts(t, text, parts)
		for _, p := range parts {
			if n := measure(mustParse(t, p.Text)); n > MaxTextLen {
				t.Errorf("part measures %d with names", n)
			}
			if strings.Count(p.Text, "{") != strings.Count(p.Text, "{name}") {
				t.Errorf("a {name} was cut")
			}
		}
	}
}

func mustParse(t *testing.T, s string) string {
	t.Helper()
	p, err := tghtml.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRenderPhoto(t *testing.T) {
	photo := "https://hanoi.gov.vn/banner.jpg"
	parts, err := Render(Variant{Text: "<b>Chào</b>", PhotoURL: photo, ButtonText: "Mở", ButtonURL: "https://x.vn"}, false)
	if err != nil || len(parts) != 1 || parts[0].PhotoURL != photo || parts[0].Text != "<b>Chào</b>" || parts[0].ButtonURL == "" {
		t.Fatalf("short caption: %+v, %v", parts, err)
	}
	long := strings.Repeat("a", 2000)
	parts, err = Render(Variant{Text: long, PhotoURL: photo, ButtonText: "Mở", ButtonURL: "https://x.vn"}, false)
	if err != nil || len(parts) != 2 || parts[0].PhotoURL != photo || parts[0].Text != "" || parts[0].ButtonURL != "" ||
		parts[1].Text != long || parts[1].ButtonURL == "" {
		t.Fatalf("long caption: %+v, %v", parts, err)
	}
}

func TestRenderErrors(t *testing.T) {
	if _, err := Render(Variant{Text: strings.Repeat("a", 5000)}, false); !errors.Is(err, ErrTooLong) {
		t.Errorf("too long: %v", err)
	}
	if _, err := Render(Variant{Text: "  "}, true); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	var pe *tghtml.ParseError
	if _, err := Render(Variant{Text: "<div>"}, true); !errors.As(err, &pe) {
		t.Errorf("bad html: %v", err)
	}
	if _, err := Render(Variant{Text: strings.Repeat(strings.Repeat("x", 4000)+"\n\n", 11)}, true); !errors.Is(err, ErrTooManyParts) {
		t.Errorf("too many parts: %v", err)
	}
}

func FuzzRenderSplit(f *testing.F) {
	f.Add("<b>a\n\nb</b>", 7)
	f.Add("<i>x. y z</i>\n<code>{name}</code>", 3)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		text := tghtml.Sanitize(s)
		toks, err := tghtml.Tokenize(text)
		if err != nil {
			t.Fatal(err)
		}
		limit = MaxNameLen + (limit&0xff)%64
		for _, p := range splitHTML(toks, limit) {
			plain, err := tghtml.Parse(p)
			if err != nil {
				t.Fatalf("part %q: %v", p, err)
			}
			if measure(plain) > limit {
				t.Fatalf("part %q over %d", p, limit)
			}
		}
	})
}
