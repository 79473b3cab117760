package app

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

func TestUnansweredQuestionsAreListedMaskedAndExportedAsADevSetToLabel(t *testing.T) {
	dsn := storetest.NewDatabase(t, true)
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, q := range []store.Question{
		{Locale: "vi", Question: "thẻ BHYT của tôi 0912345678 hết hạn", Normalized: "the bhyt cua toi 0912345678 het han", Outcome: store.OutcomeFallback},
		{Locale: "vi", Question: "thẻ BHYT của tôi 0912345678 hết hạn", Normalized: "the bhyt cua toi 0912345678 het han", Outcome: store.OutcomeFallback},
		{Locale: "en", Question: "how do I renew my \"residence\"\ncard", Normalized: "how do i renew my residence card", Outcome: store.OutcomeFallback},
		{Locale: "vi", Question: "VNeID là gì?", Normalized: "vneid la gi", EntryKey: "vneid-la-gi", Score: 0.9, Outcome: store.OutcomeAnswered},
	} {
		if _, err := st.LogQuestion(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	run := runner(env(map[string]string{"DATABASE_URL": dsn}))
	out, errOut, code := run("faq", "unanswered")
	if code != 0 || !strings.Contains(out, "2 questions") || strings.Contains(out, "0912345678") || strings.Contains(out, "VNeID là gì") {
		t.Fatalf("report: exit %d %s %s", code, out, errOut)
	}
	out, errOut, code = run("faq", "unanswered", "--eval")
	if code != 0 {
		t.Fatalf("eval: exit %d %s", code, errOut)
	}
	cases, err := faq.LoadEvalFile(fstest.MapFS{"x.yaml": {Data: []byte(out)}}, "x.yaml")
	if err != nil || len(cases) != 2 {
		t.Fatalf("the export does not load as an eval set (%v):\n%s", err, out)
	}
	if c := cases[0]; c.Expect != "?" || c.Kind != faq.KindAccented || c.Lang != "vi" || strings.Contains(c.Q, "0912345678") {
		t.Errorf("first case %+v", c)
	}
	if c := cases[1]; c.Kind != faq.KindEnglish || c.Q != `how do I renew my "residence" card` {
		t.Errorf("second case %+v", c)
	}
	if !strings.Contains(out, "asked 2×") {
		t.Errorf("no count in the export:\n%s", out)
	}
	for _, bad := range [][]string{{"--days", "0"}, {"--limit", "5000"}, {"--locale", "fr"}} {
		if _, errOut, code := run(append([]string{"faq", "unanswered"}, bad...)...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d %q, want a usage error", bad, code, errOut)
		}
	}
}
