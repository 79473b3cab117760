package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/locales"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/web/api"
)

// Issue 9 item 3 and issue 12 item 6: the unanswered report shows no
// number that could identify a resident, and only FAQ curators and admins
// read it.
func TestUnansweredReportMasksAndIsForCurators(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	q := "Số CCCD 001203004567 của tôi, gọi lại 0912.345.678 giúp"
	if _, err := e.st.LogQuestion(ctx, store.Question{Locale: "vi", Question: q, Normalized: faq.Fold(q), Outcome: store.OutcomeFallback}); err != nil {
		t.Fatal(err)
	}
	// a row written before masking, straight into the table
	if _, err := e.st.DB().ExecContext(ctx, `INSERT INTO question_log (locale, question, normalized, score, outcome)
		VALUES ('vi', 'stk 19036612345678 bị khóa', 'stk 19036612345678 bi khoa', 0, 'fallback')`); err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := e.st.DB().GetContext(ctx, &stored, `SELECT question || ' ' || normalized FROM question_log WHERE question LIKE 'Số CCCD%'`); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"editor", "admin"} {
		body := string(e.must(e.call(who, "GET", "/api/v1/faq/unanswered", nil), 200).Body)
		for _, s := range []string{body, stored} {
			for _, digits := range []string{"001203004567", "345.678", "0912", "19036612345678"} {
				if strings.Contains(s, digits) {
					t.Errorf("%s sees %s in %s", who, digits, s)
				}
			}
		}
		if !strings.Contains(body, faq.MaskedDigits) {
			t.Errorf("no masked question in the report: %s", body)
		}
	}
	for _, who := range []string{"viewer", "manager_b", "approver"} {
		e.must(e.call(who, "GET", "/api/v1/faq/unanswered", nil), 403)
	}
}

func TestStaleFAQ(t *testing.T) {
	files, err := faq.LoadFS(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)
	e := newEnv(t, func(d *api.Deps) {
		d.FAQFiles, d.FAQStaleDays, d.Now = files, 365, func() time.Time { return now }
	})
	// a curated entry with no file behind it is dated by its last edit
	e.must(e.call("editor", "POST", "/api/v1/faq", map[string]any{"key": "moi-them", "locale": "vi", "topic": "vneid",
		"questions": []string{"Câu mới?"}, "answer": "Trả lời.", "source": "Bộ Công an"}), 201)
	var got []struct {
		Key     string `json:"key"`
		Locale  string `json:"locale"`
		AsOf    string `json:"as_of"`
		AgeDays int    `json:"age_days"`
	}
	e.must(e.call("editor", "GET", "/api/v1/faq/stale", nil), 200).json(t, &got)
	want := map[string]bool{}
	for _, s := range faq.Stale(files, now, 365*24*time.Hour) {
		want[s.Lang+"/"+s.ID] = true
	}
	if len(want) == 0 {
		t.Fatal("the files have no entry older than a year at 12/2026: pick another date")
	}
	// the table holds only moi-them (vi), so vi is built from it alone and
	// en keeps the files
	for _, g := range got {
		if g.Locale == "en" && !want["en/"+g.Key] {
			t.Errorf("%s/%s listed, not stale in the files", g.Locale, g.Key)
		}
	}
	e.must(e.call("editor", "GET", "/api/v1/faq/stale?older_than=100000", nil), 200).json(t, &got)
	for _, g := range got {
		if g.AsOf != "" {
			t.Errorf("older_than=100000 lists %+v", g)
		}
	}
	e.must(e.call("admin", "GET", "/api/v1/faq/stale?older_than=1", nil), 200)
	e.must(e.call("viewer", "GET", "/api/v1/faq/stale", nil), 403)
	e.must(e.call("manager", "GET", "/api/v1/faq/stale", nil), 403)
	e.must(e.call("editor", "GET", "/api/v1/faq/stale?older_than=abc", nil), 400)
}
