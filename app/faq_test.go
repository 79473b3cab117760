package app

import (
	"encoding/json"
	"strings"
	"testing"
)

// loa ask answers old-ward questions from the seed data, with no database.
func TestAskOldWard(t *testing.T) {
	code, out, stderr := runAsk(t, "ask", "--json", "Phường Dịch Vọng Hậu cũ giờ thuộc phường nào?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got askResult
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Action != "locality" || !strings.Contains(got.Answer, "Phường Cầu Giấy") || !strings.Contains(got.Answer, "1656/NQ-UBTVQH15") ||
		strings.Join(got.Wards, ",") != "phuong-cau-giay,phuong-nghia-do" {
		t.Errorf("old ward: %+v", got)
	}
	_, out, _ = runAsk(t, "ask", "quận Cầu Giấy bây giờ chia thành những phường nào")
	for _, w := range []string{"Phường Cầu Giấy", "Phường Nghĩa Đô", "Phường Yên Hòa"} {
		if !strings.Contains(out, w) {
			t.Errorf("district answer lacks %s: %s", w, out)
		}
	}
}

func TestAskDeclinesAndSmalltalk(t *testing.T) {
	for q, want := range map[string]string{
		"Đà Nẵng sau sáp nhập có bao nhiêu phường?": "Đà Nẵng",
		"giá vàng hôm nay": "ngoài phạm vi",
		"xin chào":         "Xin chào",
	} {
		code, out, _ := runAsk(t, "ask", q)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("ask %q = %d %q, want %q", q, code, out, want)
		}
	}
}

func TestAskNamesTheCommandARequestAsksFor(t *testing.T) {
	code, out, _ := runAsk(t, "ask", "--json", "cho mình hủy đăng ký nhận tin")
	if code != 0 || !strings.Contains(out, `"action":"command"`) || !strings.Contains(out, `"command":"unsubscribe"`) {
		t.Errorf("ask = %d %s", code, out)
	}
}

func TestFAQStaleFiles(t *testing.T) {
	code, out, stderr := runAsk(t, "faq", "stale", "--files", "--older-than", "1", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rows []staleRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || rows[0].AsOf == "" || rows[0].AgeDays < 1 {
		t.Errorf("stale rows: %s", out)
	}
	_, out, _ = runAsk(t, "faq", "stale", "--files", "--older-than", "100000")
	if !strings.HasPrefix(out, "0 entries") {
		t.Errorf("nothing is 100000 days old: %s", out)
	}
	if code, _, _ := runAsk(t, "faq", "stale", "--older-than", "0"); code == 0 {
		t.Error("--older-than 0 succeeded")
	}
}
