package fold

import "testing"

func TestString(t *testing.T) {
	cases := map[string]string{
		"Hàng Bạc":             "hang bac",
		"  Phường   Hàng Bạc ": "phuong hang bac",
		"Hoà":                  "hoa",
		"Hòa":                  "hoa",
		"Thuỵ Khuê":            "thuy khue",
		"Thụy Khuê":            "thuy khue",
		"ĐỐNG ĐA":              "dong da",
		"Cầu Giấy, Hà Nội!":    "cau giay ha noi",
		"hang bac":             "hang bac",
		"":                     "",
		"Hoa\u0300":            "hoa", // decomposed grave accent
		"10/10":                "10 10",
	}
	for in, want := range cases {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkString(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		String("Ngày Chuyển đổi số quốc gia là ngày nào vậy?")
	}
}
