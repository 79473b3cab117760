package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

func draftInput(name string) store.DraftInput {
	at := time.Now().Add(24 * time.Hour)
	return store.DraftInput{Name: name, Content: messages.Content{Variants: map[string]messages.Variant{"vi": {Text: "Xin chào"}}},
		Audience: messages.Audience{Localities: []string{"phuong-hoan-kiem"}}, Schedule: messages.Schedule{At: &at}}
}

// TestCountMatchesFreeze: the API's count and the engine's freeze agree.
func TestCountMatchesFreeze(t *testing.T) {
	ctx := context.Background()
	st := storetest.NewSeeded(t)
	hk, _ := st.LocalityByCode(ctx, "phuong-hoan-kiem")
	bd, _ := st.LocalityByCode(ctx, "phuong-ba-dinh")
	st.GenerateSubscribers(ctx, store.Generated{N: 300, ChatIDBase: 1, EnglishPct: 10, Localities: []int64{hk.ID, bd.ID}, Prefix: "c"})
	for _, a := range []messages.Audience{{}, {Localities: []string{"phuong-hoan-kiem"}}, {Languages: []string{"en"}},
		{FormerDistricts: []string{"quan-ba-dinh"}}, {Localities: []string{"phuong-ba-dinh"}, Languages: []string{"vi"}}} {
		n, err := st.CountAudience(ctx, a, nil)
		if err != nil {
			t.Fatal(err)
		}
		in := draftInput("c")
		in.Audience = a
		b, _ := st.CreateDraft(ctx, store.CLIActor, in)
		run, err := st.CreateRun(ctx, b.ID, time.Now(), store.CLIActor)
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.FreezeAudience(ctx, run, 100)
		if err != nil || p.Total != n {
			t.Errorf("%+v: count %d, freeze %d (%v)", a, n, p.Total, err)
		}
	}
}

// BenchmarkCountAudience1M counts audiences over 1,000,000 active
// subscribers (inserted once with generate_series):
//
//	go test ./store -run '^$' -bench CountAudience1M -benchtime 20x
func BenchmarkCountAudience1M(b *testing.B) {
	ctx := context.Background()
	st := storetest.NewSeeded(b)
	var locs []int64
	if err := st.DB().SelectContext(ctx, &locs, `SELECT id FROM localities WHERE kind <> 'city' ORDER BY id`); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if _, _, err := st.GenerateSubscribers(ctx, store.Generated{N: 1_000_000, ChatIDBase: 1, EnglishPct: 10, Localities: locs, Prefix: "m"}); err != nil {
		b.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `ANALYZE subscribers`); err != nil {
		b.Fatal(err)
	}
	b.Logf("inserted 1,000,000 subscribers in %v", time.Since(start))
	for _, c := range []struct {
		name string
		a    messages.Audience
	}{
		{"everyone", messages.Audience{}},
		{"one_ward", messages.Audience{Localities: []string{"phuong-hoan-kiem"}}},
		{"former_district_en", messages.Audience{FormerDistricts: []string{"quan-ba-dinh"}, Languages: []string{"en"}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				var err error
				if n, err = st.CountAudience(ctx, c.a, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "recipients")
		})
	}
}
