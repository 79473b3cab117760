package faqsync_test

import (
	"context"
	"testing"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/faqsync"
	"github.com/loa-vn/loa/locales"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

func TestSeedAndLiveEdits(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	files, err := faq.LoadFS(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	// before seeding, the source answers from the files
	src := faqsync.NewSource(ctx, st, files, nil)
	if src.Current() == nil {
		t.Fatal("no engine")
	}
	n, err := faqsync.SeedFromFiles(ctx, st, files)
	if err != nil || n != len(files["vi"].Entries)+len(files["en"].Entries) {
		t.Fatalf("seed: %d %v", n, err)
	}
	if again, err := faqsync.SeedFromFiles(ctx, st, files); err != nil || again != 0 {
		t.Fatalf("second seed added %d (%v)", again, err)
	}
	if changed, err := src.Refresh(ctx); err != nil || !changed {
		t.Fatalf("refresh after seed: %v %v", changed, err)
	}

	// a new entry through the store (as the API writes it) is answered after a refresh
	q := "Làm thế nào để đăng ký nuôi chim bồ câu điện tử ở phường?"
	if res := src.Current().Answer("vi", q); res.Entry != nil && res.Entry.ID == "bo-cau-dien-tu" {
		t.Fatal("answered before the entry exists")
	}
	_, err = st.CreateFAQ(ctx, store.CLIActor, store.FAQInput{Key: "bo-cau-dien-tu", Locale: "vi", Topic: "vneid",
		Questions: []string{q, "đăng ký nuôi chim bồ câu điện tử"}, Answer: "Đăng ký tại UBND phường.", Source: "Thử nghiệm"})
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := src.Refresh(ctx); err != nil || !changed {
		t.Fatalf("refresh: %v %v", changed, err)
	}
	if res := src.Current().Answer("vi", q); res.Entry == nil || res.Entry.ID != "bo-cau-dien-tu" {
		t.Fatalf("new entry not answered: %+v", res)
	}
	if changed, _ := src.Refresh(ctx); changed {
		t.Fatal("rebuilt without a change")
	}
	// retiring it takes it out
	if _, err := st.SetFAQStatus(ctx, store.CLIActor, "bo-cau-dien-tu", "vi", store.FAQRetired); err != nil {
		t.Fatal(err)
	}
	src.Refresh(ctx)
	if res := src.Current().Answer("vi", q); res.Entry != nil && res.Entry.ID == "bo-cau-dien-tu" {
		t.Fatal("retired entry still answered")
	}
}

// The engine built from the curated table learns its ranking from the same
// labelled questions as the one built from the files: without them it
// would rank worse the moment the table is seeded.
func TestTheCuratedKnowledgeBaseKeepsTheExamplesItLearnsFrom(t *testing.T) {
	files, err := faq.LoadFS(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	var rows []store.FAQEntry
	for _, lang := range faq.Languages {
		for _, e := range files[lang].Entries {
			rows = append(rows, store.FAQEntry{Key: e.ID, Locale: lang, Topic: e.Topic, Questions: e.Questions,
				Answer: e.Answer, Source: e.Source, Status: store.FAQActive})
		}
	}
	kbs := faqsync.Build(rows, files)
	for _, lang := range faq.Languages {
		if len(files[lang].Examples) == 0 {
			t.Fatalf("%s: the files carry no examples", lang)
		}
		if got, want := len(kbs[lang].Examples), len(files[lang].Examples); got != want {
			t.Errorf("%s: built from the table with %d examples, want the files' %d", lang, got, want)
		}
		if len(files[lang].Outside) == 0 || len(kbs[lang].Outside) != len(files[lang].Outside) {
			t.Errorf("%s: built from the table with %d questions outside the KB, want the files' %d",
				lang, len(kbs[lang].Outside), len(files[lang].Outside))
		}
	}
}
