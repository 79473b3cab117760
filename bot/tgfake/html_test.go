package tgfake

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseHTMLAccepts(t *testing.T) {
	cases := []struct {
		in, plain string
		ents      []string // type@offset+length
	}{
		{"plain", "plain", nil},
		{"<b>Xin chào</b> bạn", "Xin chào bạn", []string{"bold@0+8"}},
		{`<a href="https://loa.vn/?a=1&amp;b=2">link</a>`, "link", []string{"text_link@0+4"}},
		{"1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;ok&quot; &#39;x&#x27;", `1 < 2 && 3 > 2 "ok" 'x'`, nil},
		{`<pre><code class="language-go">x := 1</code></pre>`, "x := 1", []string{"pre@0+6"}},
		{`<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>`, "st", []string{"spoiler@0+1", "spoiler@1+1"}},
		{`<blockquote expandable>q</blockquote>`, "q", []string{"expandable_blockquote@0+1"}},
		{`<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`, "👍", []string{"custom_emoji@0+2"}},
		{"😀<i>a</i>", "😀a", []string{"italic@2+1"}},
		{"<pre><code>x</code></pre>", "x", []string{"pre@0+1"}},
		{"<code>c</code>", "c", []string{"code@0+1"}},
		{"a > b", "a > b", nil},
		{"<B>x</B>", "x", []string{"bold@0+1"}},
	}
	for _, c := range cases {
		plain, ents, err := parseHTML(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if plain != c.plain {
			t.Errorf("%q: plain %q, want %q", c.in, plain, c.plain)
		}
		var got []string
		for _, e := range ents {
			got = append(got, e.Type+"@"+strconv.Itoa(e.Offset)+"+"+strconv.Itoa(e.Length))
		}
		if strings.Join(got, ",") != strings.Join(c.ents, ",") {
			t.Errorf("%q: entities %v, want %v", c.in, got, c.ents)
		}
	}
}

func TestParseHTMLRejects(t *testing.T) {
	cases := map[string]string{
		"<div>x</div>":              `Unsupported start tag "div"`,
		"<b>x":                      `Can't find end tag corresponding to start tag "b"`,
		"<b>x</i>":                  "Unmatched end tag",
		"x</b>":                     "Unexpected end tag",
		"a < b":                     `Unsupported start tag ""`,
		"fish & chips":              "Unsupported HTML entity",
		"&nbsp;":                    "Unsupported HTML entity",
		`<a href="x" target="_b">y`: `Unsupported attribute "target"`,
		`<span>x</span>`:            `must have class "tg-spoiler"`,
		"<b":                        "Unclosed start tag",
		"<br/>":                     `Unsupported start tag "br"`,
	}
	for in, want := range cases {
		_, _, err := parseHTML(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want %q", in, err, want)
		}
	}
}
