package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

func TestFAQCurationVersion(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	in := store.FAQInput{Key: "a", Locale: "vi", Topic: "t", Questions: []string{"q?", " "}, Answer: "a", Source: "s"}
	n, err := st.SeedFAQ(ctx, []store.FAQInput{in, {Key: "b", Locale: "en", Topic: "t", Questions: []string{"x", "y"}, Answer: "a", Source: "s", Related: []string{"a"}}})
	if err != nil || n != 2 {
		t.Fatalf("seed: %d %v", n, err)
	}
	if n, _ := st.SeedFAQ(ctx, []store.FAQInput{in}); n != 0 {
		t.Fatal("seed not idempotent")
	}
	b, _ := st.FAQByKey(ctx, "b", "en")
	if len(b.Questions) != 2 || len(b.Related) != 1 {
		t.Fatalf("arrays: %+v", b)
	}
	v1, _ := st.FAQVersion(ctx)
	time.Sleep(time.Millisecond)
	if _, err := st.UpdateFAQ(ctx, store.CLIActor, "a", "vi", in); err != nil {
		t.Fatal(err)
	}
	v2, _ := st.FAQVersion(ctx)
	if v2.MaxUpdated.Equal(*v1.MaxUpdated) {
		t.Fatal("version did not move on edit")
	}
	if _, err := st.CreateFAQ(ctx, store.CLIActor, in); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := st.UpdateFAQ(ctx, store.CLIActor, "zzz", "vi", in); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}
