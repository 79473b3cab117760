package faq

import "testing"

// A phrase typed with other diacritics than a Hanoi name is not that
// place: "không dùng tiền mặt" is a payment question, not Xã Dũng Tiến.
func TestAPhraseTypedWithOtherMarksIsNotTheHanoiPlace(t *testing.T) {
	e, _ := testEngine(t)
	res := e.Answer("vi", "nộp học phí cho con không dùng tiền mặt được không")
	if res.Action == ActionLocality {
		t.Errorf("a cashless payment question got the locality of %q", res.Locality.Text)
	}
	for raw, want := range map[string]bool{
		"không dùng tiền mặt":           true,
		"xã Dũng Tiến cũ còn không":     false,
		"xa dung tien cu con khong":     false, // typed without marks: not judged
		"phường Thanh Xuân Hoà giờ sao": false, // the tone on another vowel is the same word
	} {
		name := "Dũng Tiến"
		if raw == "phường Thanh Xuân Hoà giờ sao" {
			name = "Thanh Xuân Hòa"
		}
		if got := typedAsOther(raw, name); got != want {
			t.Errorf("typedAsOther(%q, %q) = %v, want %v", raw, name, got, want)
		}
	}
}

// A name right after a unit word is the place asked about, not a longer
// name that swallows the unit word: "phường Trung Hòa" is Trung Hòa, not
// Xã Phương Trung; "quận Thanh Xuân" is not Phường Quán Thánh.
func TestTheNameAfterTheUnitWordIsThePlace(t *testing.T) {
	e, _ := testEngine(t)
	for q, want := range map[string]string{
		"Phường Trung Hòa cũ giờ là phường nào?":              "trung hoa",
		"quận Thanh Xuân cũ chia thành những phường mới nào?": "thanh xuan",
	} {
		res := e.Answer("vi", q)
		if res.Action != ActionLocality || res.Locality.Text != want {
			t.Errorf("%q: %s %+v, want the locality of %q", q, res.Action, res.Locality, want)
		}
	}
}
