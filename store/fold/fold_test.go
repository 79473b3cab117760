package fold

import "testing"

func TestString(t *testing.T) {
	cases := map[string]string{
		"":                             "",
		"Chuyển đổi số":                "chuyen doi so",
		"ĐĂNG KÝ  định-danh!!":         "dang ky dinh danh",
		"Hoà":                          "hoa",
		"Hòa":                          "hoa",
		"Thuỵ":                         "thuy",
		"Thụy":                         "thuy",
		"Ho\u0300a":                    "hoa", // NFD: o + combining grave
		"  10/10  ":                    "10 10",
		"iHanoi, VNeID & CCCD?":        "ihanoi vneid cccd",
		"already folded":               "already folded",
		"Москва":                       "москва",
		"024.1022":                     "024 1022",
		"Ưu tiên ở Đà Nẵng":            "uu tien o da nang",
		"nghị định 13/2023/NĐ-CP":      "nghi dinh 13 2023 nd cp",
		"tab\tand\nnewline":            "tab and newline",
		"\u00a0nbsp\u00a0":             "nbsp",
		"Quảng Ngãi, Thừa Thiên – Huế": "quang ngai thua thien hue",
		"  Phường   Hàng Bạc ":         "phuong hang bac",
		"Thuỵ Khuê":                    "thuy khue",
		"Cầu Giấy, Hà Nội!":            "cau giay ha noi",
	}
	for in, want := range cases {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStringAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { String("already folded text") }); n != 0 {
		t.Errorf("String of folded text allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { String("Chuyển đổi số Hà Nội") }); n > 1 {
		t.Errorf("String allocates %v times, want ≤ 1", n)
	}
}

func BenchmarkString(b *testing.B) {
	for b.Loop() {
		String("Đăng ký tài khoản định danh điện tử mức 2 ở đâu vậy ạ?")
	}
}

func TestHasMarks(t *testing.T) {
	for s, want := range map[string]bool{"ngay nao": false, "ngày nào": true, "đi": true, "café": true, "Москва": false, "Ho\u0300a": true} {
		if got := HasMarks(s); got != want {
			t.Errorf("HasMarks(%q) = %v, want %v", s, got, want)
		}
	}
}
