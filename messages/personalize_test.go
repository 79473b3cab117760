package messages

import "testing"

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
