package api_test

import (
	"context"
	"testing"

	"github.com/loa-vn/loa/store"
)

func TestFAQCuration(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	entry := map[string]any{"key": "vneid-mat-khau", "locale": "vi", "topic": "vneid",
		"questions": []string{"Quên mật khẩu VNeID thì làm sao?"}, "answer": "Chọn Quên mật khẩu trên ứng dụng.", "source": "Bộ Công an"}
	var got store.FAQEntry
	e.must(e.call("editor", "POST", "/api/v1/faq", entry), 201).json(t, &got)
	e.must(e.call("editor", "POST", "/api/v1/faq", entry), 409)
	entry["answer"] = "Mở VNeID, chọn Quên mật khẩu."
	e.must(e.call("editor", "PUT", "/api/v1/faq/vneid-mat-khau/vi", entry), 200).json(t, &got)
	if got.Answer != "Mở VNeID, chọn Quên mật khẩu." {
		t.Fatalf("edit: %+v", got)
	}
	entry["locale"] = "en"
	e.must(e.call("editor", "PUT", "/api/v1/faq/vneid-mat-khau/vi", entry), 422)
	e.must(e.call("editor", "POST", "/api/v1/faq/vneid-mat-khau/vi/retire", nil), 200).json(t, &got)
	if got.Status != "retired" {
		t.Fatalf("retire: %+v", got)
	}
	e.must(e.call("editor", "POST", "/api/v1/faq/vneid-mat-khau/vi/restore", nil), 200)
	e.must(e.call("editor", "GET", "/api/v1/faq/nope/vi", nil), 404)
	r := e.must(e.call("editor", "POST", "/api/v1/faq", map[string]any{"key": "Bad Key", "locale": "fr", "topic": "", "questions": []string{""}, "answer": "", "source": ""}), 422)
	for _, f := range []string{"key", "locale", "topic", "questions[0]", "answer", "source"} {
		if !r.apiErr(t).hasField(f) {
			t.Errorf("no field error for %s: %s", f, r.Body)
		}
	}
	for _, a := range []string{"faq.create", "faq.update", "faq.retire", "faq.restore"} {
		if e.auditCount(a) != 1 {
			t.Errorf("audit %s: %d", a, e.auditCount(a))
		}
	}

	// unanswered questions, grouped by normalised text
	for _, q := range []store.Question{
		{Locale: "vi", Question: "Đổi số điện thoại VNeID?", Normalized: "doi so dien thoai vneid", Outcome: store.OutcomeFallback},
		{Locale: "vi", Question: "doi so dien thoai vneid", Normalized: "doi so dien thoai vneid", Outcome: store.OutcomeFallback},
		{Locale: "vi", Question: "Đổi SĐT VNeID", Normalized: "doi so dien thoai vneid", EntryKey: "vneid-la-gi", Outcome: store.OutcomeSuggested},
		{Locale: "vi", Question: "VNeID là gì", Normalized: "vneid la gi", EntryKey: "vneid-la-gi", Outcome: store.OutcomeAnswered},
		{Locale: "vi", Question: "giá vàng", Normalized: "gia vang", Outcome: store.OutcomeFallback},
	} {
		if _, err := e.st.LogQuestion(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var groups []store.UnansweredGroup
	e.must(e.call("editor", "GET", "/api/v1/faq/unanswered", nil), 200).json(t, &groups)
	if len(groups) != 2 || groups[0].Normalized != "doi so dien thoai vneid" || groups[0].Count != 3 || groups[0].Fallbacks != 2 {
		t.Fatalf("groups %+v", groups)
	}
	var created store.FAQEntry
	e.must(e.call("editor", "POST", "/api/v1/faq/unanswered/entry", map[string]any{"normalized": "doi so dien thoai vneid",
		"key": "vneid-doi-sdt", "locale": "vi", "topic": "vneid", "answer": "Vào Cá nhân, Đổi số điện thoại.", "source": "Bộ Công an"}), 201).json(t, &created)
	if len(created.Questions) != 3 {
		t.Fatalf("entry from group has questions %v", created.Questions)
	}
	e.must(e.call("editor", "POST", "/api/v1/faq/unanswered/entry", map[string]any{"normalized": "khong co", "key": "x", "locale": "vi",
		"topic": "vneid", "answer": "a", "source": "b"}), 404)
}
