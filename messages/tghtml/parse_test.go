package tghtml

import (
	"errors"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"Chào mừng Ngày Chuyển đổi số quốc gia 🇻🇳", "Chào mừng Ngày Chuyển đổi số quốc gia 🇻🇳"},
		{"<b>Hà Nội</b> <i>10/10</i>", "Hà Nội 10/10"},
		{"<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>", "abcdefg"},
		{`<a href="https://dichvucong.gov.vn/p?a=1&b=2">Cổng DVC</a>`, "Cổng DVC"},
		{`<a href='tg://resolve?domain=loa'>bot</a>`, "bot"},
		{`<a href="mailto:cds@hanoi.gov.vn">thư</a>`, "thư"},
		{`<a>https://vneid.gov.vn</a>`, "https://vneid.gov.vn"},
		{`<pre><code class="language-go">x := 1</code></pre>`, "x := 1"},
		{`<span class="tg-spoiler">bí mật</span><tg-spoiler>!</tg-spoiler>`, "bí mật!"},
		{`<blockquote expandable>trích</blockquote><blockquote>dẫn</blockquote>`, "tríchdẫn"},
		{`<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`, "👍"},
		{"&lt;&gt;&amp;&quot; &#65;&#x1F600; &lt", `<>&" A😀 <`},
		{"<B>đậm</b>", "đậm"},
		{"<b>x</>", "x"},
		{`<b onclick="alert(1)">x</b >`, "x"},
		{`<i    aba  =  190azAz-.  >x</i>`, "x"},
		{"a > b", "a > b"},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("Parse(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	cases := []struct {
		in     string
		offset int
		msg    string
	}{
		{"<div>x</div>", 0, `can't parse entities: unsupported start tag "div" at byte offset 0`},
		{"Hà <script>", 4, `unsupported start tag "script" at byte offset 4`},
		{"a < b", 2, `unsupported start tag "" at byte offset 2`},
		{"abc <", 4, "unclosed start tag at byte offset 4"},
		{"<b>x", 0, `can't find end tag corresponding to start tag "b"`},
		{"<b>x</i>", 4, `unmatched end tag at byte offset 4, expected "</b>", found "</i>"`},
		{"<B>x</B>", 4, `expected "</b>", found "</B>"`},
		{"x</b>", 1, "unexpected end tag at byte offset 1"},
		{"<i>a</i   ", 4, "unclosed end tag at byte offset 4"},
		{"AT&T", 2, `"&" starts no entity`},
		{"&nbsp;", 0, `"&" starts no entity`},
		{"&#0;", 0, `"&" starts no entity`},
		{"&#xD800;", 0, `"&" starts no entity`},
		{`<a href="javascript:alert(1)">x</a>`, 0, "invalid link"},
		{`<a href="/relative">x</a>`, 0, "invalid link"},
		{`<span>x</span>`, 0, `tag "span" must have class "tg-spoiler"`},
		{`<tg-emoji emoji-id="abc">x</tg-emoji>`, 0, "invalid custom emoji identifier"},
		{`<b x=a/b>`, 5, "unexpected end of name token at byte offset 5"},
		{`<b x>`, 0, "expected equal sign"},
		{`<b ="a">`, 0, "empty attribute name"},
		{"ok \xff", 3, "invalid UTF-8 at byte offset 3"},
	}
	for _, c := range cases {
		_, err := Parse(c.in)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) err = %v, want *ParseError", c.in, err)
			continue
		}
		if pe.Offset != c.offset || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Parse(%q) = %q (offset %d), want offset %d and %q", c.in, err, pe.Offset, c.offset, c.msg)
		}
	}
}

func TestLen(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"Chuyển đổi số", 13},     // NFC: one unit per letter
		{"Chuye\u0302\u0309n", 8}, // combining marks count separately
		{"😀", 2},                  // surrogate pair
		{"🇻🇳", 4},                 // two regional indicators
		{"👍🏽", 4},
		{"Hà Nội ❤️", 9}, // U+2764 U+FE0F are in the BMP
	}
	for _, c := range cases {
		if got := Len(c.in); got != c.want {
			t.Errorf("Len(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestTokenizeCanonicalTags(t *testing.T) {
	toks, err := Tokenize(`<a href="https://x.vn/?a=1&b=2" onclick="x">l</a><code class="language-go">c</code>`)
	if err != nil {
		t.Fatal(err)
	}
	if toks[0].Tag != `<a href="https://x.vn/?a=1&amp;b=2">` {
		t.Errorf("a tag = %q", toks[0].Tag)
	}
	if toks[3].Tag != `<code class="language-go">` {
		t.Errorf("code tag = %q", toks[3].Tag)
	}
}

func TestParseNoAllocPlainText(t *testing.T) {
	s := "Chào mừng Ngày Chuyển đổi số quốc gia"
	if n := testing.AllocsPerRun(100, func() { _, _ = Parse(s) }); n != 0 {
		t.Errorf("Parse of plain text allocates %v times", n)
	}
}

func BenchmarkParse(b *testing.B) {
	para := `<b>Ngày Chuyển đổi số quốc gia 10/10</b>: người dân Hà Nội hãy cài <a href="https://vneid.gov.vn/?a=1&amp;b=2">VNeID</a> &amp; dùng <i>dịch vụ công trực tuyến</i> 😀.` + "\n\n"
	for _, size := range []struct {
		name string
		s    string
	}{{"short", para}, {"4k", strings.Repeat(para, 4096/len(para)+1)}} {
		b.Run(size.name, func(b *testing.B) {
			b.SetBytes(int64(len(size.s)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(size.s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
