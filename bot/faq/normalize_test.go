package faq

import "testing"

func TestNormalize(t *testing.T) {
	e, _ := testEngine(t)
	cases := []struct{ lang, in, want string }{
		{"vi", "vnid la j z", "vneid la gi vay"},
		{"vi", "lm dc ko", "lam duoc khong"},
		{"vi", "quen mk vneid", "quen mat khau vneid"},
		{"vi", "nha mk o phuong kim ma", "nha minh o phuong kim ma"},
		{"vi", "chuyeenr ddooir soos laf gif", "chuyen doi so la gi"},
		{"vi", "nd13 2023 con hieu luc", "nd 13 2023 con hieu luc"},
		{"vi", "dang ky vneid muc 2", "dang ky vneid muc 2"},
		{"en", "wat is project 06", "what is project 06"},
		{"en", "u log in w what rn", "you log in w what now"},
		{"en", "pass the otp", "pass the otp"},
		{"en", "there is this ihanoi app what is it", "what is there is this ihanoi app"},
		{"en", "what is it", "what is it"},
	}
	for _, c := range cases {
		if got := e.normalize(c.lang, c.in); got != c.want {
			t.Errorf("normalize(%s, %q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}

func TestTelexFold(t *testing.T) {
	for in, want := range map[string]string{"chuyeenr": "chuyen", "ddooir": "doi", "soos": "so", "laf": "la",
		"vneidd": "vneid", "dduowcj": "duoc", "ok": "ok", "bus": "bu"} {
		if got := telexFold(in); got != want {
			t.Errorf("telexFold(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkNormalizeUnchanged(b *testing.B) {
	e := NewEngine(map[string]*KB{})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		e.normalize("vi", "dang ky dinh danh dien tu muc 2 o dau")
	}
}

func TestStemEN(t *testing.T) {
	for _, g := range [][]string{
		{"approve", "approved", "approving", "approves"},
		{"apply", "applies", "applied"},
		{"scam", "scams", "scammed", "scamming"},
		{"service", "services"},
	} {
		for _, w := range g[1:] {
			if stemEN(w) != stemEN(g[0]) {
				t.Errorf("stemEN(%q) = %q, stemEN(%q) = %q: want equal", w, stemEN(w), g[0], stemEN(g[0]))
			}
		}
	}
}

func TestIsYear(t *testing.T) {
	for _, y := range []string{"1990", "2023", "2099"} {
		if !isYear(y) {
			t.Errorf("%s not a year", y)
		}
	}
	for _, n := range []string{"1656", "5656", "202", "20245", "muc2", "1989"} {
		if isYear(n) {
			t.Errorf("%s taken for a year", n)
		}
	}
}

func TestMoneySplit(t *testing.T) {
	for w, want := range map[string]int{"5tr": 1, "500k": 3, "20trieu": 2, "tr": 0, "5": 0, "nd13": 0, "5g": 0} {
		if got := moneySplit(w); got != want {
			t.Errorf("moneySplit(%q) = %d, want %d", w, got, want)
		}
	}
}
