package tghtml

import (
	"testing"
)

func TestSanitize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"<b>đậm</b>", "<b>đậm</b>"},
		{`<script>alert("x")</script>`, `&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;`},
		{`<b onclick="steal()">x</b>`, "<b>x</b>"},
		{`<a href="javascript:alert(1)">x</a>`, "x"},
		{`<a href="https://hanoi.gov.vn" target="_blank">x</a>`, `<a href="https://hanoi.gov.vn">x</a>`},
		{"<b><i>mở", "<b><i>mở</i></b>"},
		{"<b><i>x</b> y</i>", "<b><i>x</i></b> y&lt;/i&gt;"},
		{"AT&T &amp; a < b", "AT&amp;T &amp; a &lt; b"},
		{"<span>x</span>", "x"},
		{"<DIV>x</DIV>", "&lt;DIV&gt;x&lt;/DIV&gt;"},
		{"bad \xff", "bad \uFFFD"},
		{"</b>", "&lt;/b&gt;"},
	}
	for _, c := range cases {
		got := Sanitize(c.in)
		if got != c.want {
			t.Errorf("Sanitize(%q) = %q, want %q", c.in, got, c.want)
		}
		if _, err := Parse(got); err != nil {
			t.Errorf("Parse(Sanitize(%q)): %v", c.in, err)
		}
	}
}

func TestEscape(t *testing.T) {
	if got := Escape(`<b>"Tom" & Jerry</b>`); got != "&lt;b&gt;&quot;Tom&quot; &amp; Jerry&lt;/b&gt;" {
		t.Errorf("Escape = %q", got)
	}
	s := "Nguyễn Văn An"
	if n := testing.AllocsPerRun(100, func() { _ = Escape(s) }); n != 0 {
		t.Errorf("Escape allocates %v times on safe text", n)
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		"<b>x</b>", "<script>", "<a href='https://x'>y", "&#x1F600;&", "<b x=\"&", "<</>>",
		"<blockquote expandable><pre><code class=\"language-go\">", "<tg-emoji emoji-id=1>", "\xff<i",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		plain, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Sanitize(%q)) = %q: %v", s, out, err)
		}
		if again := Sanitize(out); again != out {
			t.Fatalf("Sanitize not idempotent on %q: %q then %q", s, out, again)
		}
		_ = Len(plain)
	})
}
