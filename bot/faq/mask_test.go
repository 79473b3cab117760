package faq

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMaskNumbers(t *testing.T) {
	m := MaskedDigits
	for _, c := range []struct{ in, want string }{
		{"sđt của tôi 0912345678 nhé", "sđt của tôi " + m + " nhé"},
		{"gọi 0912 345 678 giúp", "gọi " + m + " giúp"},
		{"số 0912.345.678.", "số " + m + "."},
		{"0912-345-678", m},
		{"+84 912 345 678 là số tôi", m + " là số tôi"},
		{"(+84)912345678", "(+84)" + m},
		{"nhà 024 3825 1234", "nhà " + m},
		{"CMND 123456789 bị lộ", "CMND " + m + " bị lộ"},
		{"căn cước 001099012345", "căn cước " + m},
		{"stk 19036612345678 techcombank", "stk " + m + " techcombank"},
		{"tk 38251234", "tk " + m},
		{"Ngày 10/10 là ngày gì", "Ngày 10/10 là ngày gì"},
		{"tổng đài 156 và 5656", "tổng đài 156 và 5656"},
		{"DTI 2024 năm 2025", "DTI 2024 năm 2025"},
		{"VNeID mức 2", "VNeID mức 2"},
		{"gọi 024.1022 nhánh 7", "gọi 024.1022 nhánh 7"},
		{"chuyển 10.000.000 có cần quét mặt", "chuyển 10.000.000 có cần quét mặt"},
		{"ngày 12/10/2024", "ngày 12/10/2024"},
		{"QĐ 4098/QĐ-UBND", "QĐ 4098/QĐ-UBND"},
		{"", ""},
		{"không có số", "không có số"},
		{"hai số 0912345678, 0987654321", "hai số " + m + ", " + m},
	} {
		if got := MaskNumbers(c.in); got != c.want {
			t.Errorf("MaskNumbers(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// longestRun is the property MaskNumbers guarantees: no run (as scanRun
// reads it) of maskMinDigits digits or more survives.
func longestRun(s string) int {
	best := 0
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		end, n := scanRun(s, i)
		best = max(best, n)
		i = end
	}
	return best
}

func FuzzMaskNumbers(f *testing.F) {
	for _, s := range []string{
		"0912345678", "+84 912 345 678", "10/10", "mức 2", "10.000.000",
		"024.1022", "1-2-3-4-5-6-7-8-9", "001099012345", "a 1 2 3 4 5 6 7 8", "++84--9",
		"số ٠١٢٣٤٥٦٧٨٩ ả rập", "０９１２３４５６７８",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := MaskNumbers(s)
		if n := longestRun(got); n >= maskMinDigits {
			t.Fatalf("MaskNumbers(%q) = %q keeps a run of %d digits", s, got, n)
		}
		if again := MaskNumbers(got); again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, got, again)
		}
		if !strings.ContainsAny(s, "0123456789") && got != s {
			t.Fatalf("changed a string without digits: %q -> %q", s, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("broke UTF-8: %q -> %q", s, got)
		}
	})
}
