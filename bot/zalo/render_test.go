package zalo

import (
	"errors"
	"strings"
	"testing"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/messages/tghtml"
)

func TestPlainText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"Xin chào Hà Nội", "Xin chào Hà Nội"},
		{"<b>Ngày Chuyển đổi số</b> <i>10/10</i> <u>u</u> <s>s</s>", "Ngày Chuyển đổi số 10/10 u s"},
		{`<a href="https://dichvucong.gov.vn/p?a=1&amp;b=2">Cổng DVC</a>`, "Cổng DVC (https://dichvucong.gov.vn/p?a=1&b=2)"},
		{`<a href="https://vneid.gov.vn">https://vneid.gov.vn</a>`, "https://vneid.gov.vn"},
		{`<a href="https://vneid.gov.vn/">vneid.gov.vn</a>`, "vneid.gov.vn"},
		{`<a href="https://vneid.gov.vn"></a>`, "https://vneid.gov.vn"},
		{`<a href="https://x.vn"><b>đậm</b> link</a>!`, "đậm link (https://x.vn)!"},
		{`<a href="mailto:cds@hanoi.gov.vn">thư</a>`, "thư (cds@hanoi.gov.vn)"},
		{`<a href="mailto:cds@hanoi.gov.vn">cds@hanoi.gov.vn</a>`, "cds@hanoi.gov.vn"},
		{"<a>không có href</a>", "không có href"},
		{"<code>x := 1</code> <pre>y</pre>", "x := 1 y"},
		{"<blockquote>trích dẫn</blockquote>\n\n<tg-spoiler>bí mật</tg-spoiler>", "trích dẫn\n\nbí mật"},
		{`<span class="tg-spoiler">a</span>`, "a"},
		{"&lt;b&gt; &amp; &quot;x&quot; &#65;", `<b> & "x" A`},
		// Invalid markup is repaired, never shown as tags.
		{"AT&T <script>x</script>", "AT&T <script>x</script>"},
		{"<b>không đóng", "không đóng"},
		{"<div>x</div>", "<div>x</div>"},
	}
	for _, c := range cases {
		if got := PlainText(c.in); got != c.want {
			t.Errorf("PlainText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLen(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"", 0}, {"abc", 3}, {"Chuyển đổi số", 13}, {"😀", 2}, {"Chào {name}!", 6 + messages.MaxNameLen},
	}
	for _, c := range cases {
		if got := Len(c.in); got != c.want {
			t.Errorf("Len(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestSplit(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		limit int
		want  []string
	}{
		{"fits", "Xin chào", 20, []string{"Xin chào"}},
		{"trims", "  a b  ", 20, []string{"a b"}},
		{"paragraphs first", "aaaa bbbb.\ncccc\n\ndddd eeee", 20, []string{"aaaa bbbb.\ncccc", "dddd eeee"}},
		{"then lines", "aaaa bbbb. cc\ndddd eeee", 16, []string{"aaaa bbbb. cc", "dddd eeee"}},
		{"then sentences", "Một hai. Ba bốn năm sáu", 14, []string{"Một hai.", "Ba bốn năm sáu"}},
		{"then spaces", "một hai ba bốn", 9, []string{"một hai", "ba bốn"}},
		{"hard cut", "aaaaaaaaaa", 4, []string{"aaaa", "aaaa", "aa"}},
		{"emoji counts 2", "😀😀😀", 4, []string{"😀😀", "😀"}},
		{"name is never cut", "ab{name}", 65, []string{"ab", "{name}"}},
		{"combining marks stay", "Chuye\u0302\u0309n", 5, []string{"Chuy", "e\u0302\u0309n"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Split(c.in, c.limit, 0)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("Split(%q, %d) = %q, want %q", c.in, c.limit, got, c.want)
			}
		})
	}
	if _, err := Split(" \n ", 10, 0); !errors.Is(err, messages.ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	if _, err := Split(strings.Repeat("a ", 100), 10, 3); !errors.Is(err, messages.ErrTooManyParts) {
		t.Errorf("too many parts: %v", err)
	}
}

func TestRender(t *testing.T) {
	long := strings.Repeat("Người dân Hà Nội hãy cài VNeID. ", 70) // ~2240 characters
	cases := []struct {
		name  string
		v     messages.Variant
		split bool
		want  []Part
		err   error
	}{
		{"text", messages.Variant{Text: "<b>Chào</b> {name}"}, false, []Part{{Text: "Chào {name}"}}, nil},
		{"button becomes a line", messages.Variant{Text: "Cài VNeID", ButtonText: "Mở", ButtonURL: "https://vneid.gov.vn"}, false,
			[]Part{{Text: "Cài VNeID\n\nMở: https://vneid.gov.vn"}}, nil},
		{"button that is its URL", messages.Variant{Text: "x", ButtonText: "https://vneid.gov.vn", ButtonURL: "https://vneid.gov.vn"}, false,
			[]Part{{Text: "x\n\nhttps://vneid.gov.vn"}}, nil},
		{"photo with caption", messages.Variant{Text: "Ảnh", PhotoURL: "https://x.vn/a.jpg"}, false,
			[]Part{{PhotoURL: "https://x.vn/a.jpg", Text: "Ảnh"}}, nil},
		{"photo alone", messages.Variant{PhotoURL: "https://x.vn/a.jpg"}, false, []Part{{PhotoURL: "https://x.vn/a.jpg"}}, nil},
		{"empty", messages.Variant{Text: "<b> </b>"}, false, nil, messages.ErrEmpty},
		{"too long without split", messages.Variant{Text: long}, false, nil, messages.ErrTooLong},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Render(c.v, c.split)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err = %v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("Render = %+v, want %+v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("part %d = %+v, want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
	parts, err := Render(messages.Variant{Text: long, PhotoURL: "https://x.vn/a.jpg"}, true)
	if err != nil || len(parts) != 3 || parts[0].Text != "" || parts[0].PhotoURL == "" {
		t.Fatalf("long text with photo = %+v, %v; want the photo, then two texts", parts, err)
	}
	for _, p := range parts[1:] {
		if Len(p.Text) > MaxTextLen || !strings.HasSuffix(p.Text, ".") {
			t.Errorf("part of %d characters ending %q", Len(p.Text), p.Text[len(p.Text)-5:])
		}
	}
}

func TestPersonalize(t *testing.T) {
	if got := Personalize("Chào {name}!", " Lan <3 & Mai "); got != "Chào Lan <3 & Mai!" {
		t.Errorf("Personalize = %q (plain text: no escaping)", got)
	}
	long := strings.Repeat("ễ", 100)
	if got := Personalize("{name}", long); Len(got) != messages.MaxNameLen {
		t.Errorf("a long name became %d characters, want %d", Len(got), messages.MaxNameLen)
	}
	if got := Personalize("không tên", "Lan"); got != "không tên" {
		t.Error(got)
	}
}

// FuzzPlainTextAndSplit: whatever the markup, PlainText keeps every piece
// of visible text in order, and Split's parts are non-empty, within the
// limit (but for one indivisible unit wider than it) and, joined, keep
// every non-space character in order.
func FuzzPlainTextAndSplit(f *testing.F) {
	for _, s := range []string{
		"<b>x</b>", `<a href="https://x.vn">y</a>`, "<a href='https://x'>", "&#x1F600;&", "a\n\nb\nc. d e",
		"{name}{name}", "e\u0302\u0309", "<blockquote expandable><pre><code class=\"language-go\">", "\xff<i",
	} {
		f.Add(s, 7)
	}
	f.Fuzz(func(t *testing.T, in string, limit int) {
		limit = 1 + int(uint(limit)%200)
		plain := PlainText(in)
		if toks, err := tghtml.Tokenize(in); err == nil {
			rest := plain
			for _, tk := range toks {
				i := strings.Index(rest, tk.Text)
				if tk.Kind != tghtml.Text || tk.Text == "" {
					continue
				}
				if i < 0 {
					t.Fatalf("PlainText(%q) = %q lost %q", in, plain, tk.Text)
				}
				rest = rest[i+len(tk.Text):]
			}
		}
		parts, err := Split(plain, limit, 0)
		if err != nil {
			if strings.TrimSpace(plain) != "" {
				t.Fatalf("Split(%q): %v", plain, err)
			}
			return
		}
		var joined strings.Builder
		for _, p := range parts {
			if strings.TrimSpace(p) == "" || (Len(p) > limit && !oneUnit(p)) {
				t.Fatalf("Split(%q, %d): bad part %q (%d units)", plain, limit, p, Len(p))
			}
			joined.WriteString(p)
		}
		if noSpace(joined.String()) != noSpace(plain) {
			t.Fatalf("Split(%q, %d) lost or moved characters: %q", plain, limit, parts)
		}
	})
}

// oneUnit: a part may exceed the limit only when it is one indivisible
// unit wider than the limit (a {name}, or an emoji when the limit is 1).
func oneUnit(p string) bool {
	_, size := unitAt(p, 0)
	return size == len(p)
}

func noSpace(s string) string { return strings.Join(strings.Fields(s), "") }
