package faq

import "testing"

// The scorer tells a question about another province by its own plain
// match on the names of vietnam-provinces-2025.csv, new and former.
func TestTheScorerSeesAnotherProvinceByNameNewOrFormer(t *testing.T) {
	for q, want := range map[string]bool{
		"Đà Nẵng có bao nhiêu phường sau sáp nhập?": true,
		"thu tuc o tinh quang nam cu lam the nao":   true,
		"How many wards does Can Tho have now?":     true,
		"Hà Nội có bao nhiêu phường?":               false,
		"vneid mức 2 đăng ký ở đâu":                 false,
	} {
		if got := MentionsProvince(q); got != want {
			t.Errorf("MentionsProvince(%q) = %v, want %v", q, got, want)
		}
	}
}
