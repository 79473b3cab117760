package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/seed"
	"github.com/loa-vn/loa/store/storetest"
)

func TestSeedCountsAndIsIdempotent(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := context.Background()
	ds, err := seed.Load(seed.Hanoi(), seed.HanoiCity)
	if err != nil {
		t.Fatal(err)
	}
	first, err := st.Seed(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"current units": 126, "former districts": 30, "former units": 526, "agencies": 11}
	for _, c := range first {
		if n, ok := want[c.Kind]; ok && (c.Total != n || c.Added != n) {
			t.Errorf("first seed %s: total %d added %d, want %d", c.Kind, c.Total, c.Added, n)
		}
	}
	second, err := st.Seed(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range second {
		if c.Added != 0 || c.Updated != 0 {
			t.Errorf("second seed changed %s: %+v", c.Kind, c)
		}
	}
	cur, dist, former, err := st.CountLocalities(ctx)
	if err != nil || cur != 126 || dist != 30 || former != 526 {
		t.Fatalf("counts = %d %d %d (%v), want 126 30 526", cur, dist, former, err)
	}
}

func TestSeedChangeIsReported(t *testing.T) {
	t.Parallel()
	st := storetest.NewSeeded(t)
	ds, err := seed.Load(seed.Hanoi(), seed.HanoiCity)
	if err != nil {
		t.Fatal(err)
	}
	ds.Agencies[1].NameEn = "Changed"
	counts, err := st.Seed(context.Background(), ds)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if c.Kind == "agencies" && c.Updated != 1 {
			t.Errorf("agencies: %+v, want 1 updated", c)
		}
	}
}

func TestSearchLocalities(t *testing.T) {
	t.Parallel()
	st := storetest.NewSeeded(t)
	ctx := context.Background()
	cases := []struct {
		query, wantFirst, wantVia string
	}{
		{"hang bac", "Phường Hoàn Kiếm", store.ViaFormerUnit},
		{"Hàng Bạc", "Phường Hoàn Kiếm", store.ViaFormerUnit},
		{"phuong hang bac", "Phường Hoàn Kiếm", store.ViaFormerUnit},
		{"P. Hàng Bạc", "Phường Hoàn Kiếm", store.ViaFormerUnit},
		{"hang bacc", "Phường Hoàn Kiếm", store.ViaFormerUnit}, // typo
		{"Hoàn Kiếm", "Phường Hoàn Kiếm", store.ViaCurrent},
		{"cau giay", "Phường Cầu Giấy", store.ViaCurrent},
		{"Thuỵ Khuê", "Phường Tây Hồ", store.ViaFormerUnit},
		{"Thụy Khuê", "Phường Tây Hồ", store.ViaFormerUnit},
	}
	for _, c := range cases {
		got, err := st.SearchLocalities(ctx, c.query, 10)
		if err != nil {
			t.Fatalf("%q: %v", c.query, err)
		}
		if len(got) == 0 || got[0].NameVi != c.wantFirst || got[0].Via != c.wantVia {
			t.Errorf("%q: first = %+v, want %s via %s", c.query, first(got), c.wantFirst, c.wantVia)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Score > got[i-1].Score {
				t.Errorf("%q: results not ranked: %v after %v", c.query, got[i].Score, got[i-1].Score)
			}
		}
	}
}

func TestSearchFormerDistrictFindsItsSuccessors(t *testing.T) {
	t.Parallel()
	st := storetest.NewSeeded(t)
	got, err := st.SearchLocalities(context.Background(), "cau giay", 20)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, m := range got {
		names[m.NameVi] = m.Via
	}
	// The former Cầu Giấy district went to Cầu Giấy, Nghĩa Đô and Yên Hòa (and parts elsewhere).
	for _, want := range []string{"Phường Cầu Giấy", "Phường Nghĩa Đô", "Phường Yên Hòa"} {
		if _, ok := names[want]; !ok {
			t.Errorf("cau giay: %s missing from %v", want, names)
		}
	}
	if names["Phường Nghĩa Đô"] != store.ViaFormerDistrict {
		t.Errorf("Nghĩa Đô matched via %q, want former_district", names["Phường Nghĩa Đô"])
	}
}

func TestSearchHoaSpellings(t *testing.T) {
	t.Parallel()
	st := storetest.NewSeeded(t)
	ctx := context.Background()
	a, err := st.SearchLocalities(ctx, "Yên Hoà", 5)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.SearchLocalities(ctx, "Yên Hòa", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) == 0 || len(b) == 0 || a[0].Code != b[0].Code || a[0].NameVi != "Phường Yên Hòa" {
		t.Fatalf("Hoà/Hòa differ: %+v vs %+v", first(a), first(b))
	}
}

func TestSearchRejectsEmpty(t *testing.T) {
	t.Parallel()
	st := storetest.NewSeeded(t)
	_, err := st.SearchLocalities(context.Background(), " ?! ", 5)
	if !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	got, err := st.SearchLocalities(context.Background(), "zzzzqqqq", 5)
	if err != nil || len(got) != 0 {
		t.Fatalf("nonsense query: %v %v, want nothing", got, err)
	}
}

func first(m []store.LocalityMatch) any {
	if len(m) == 0 {
		return "no results"
	}
	return m[0]
}

func BenchmarkSearchLocalities(b *testing.B) {
	st := storetest.NewSeeded(b)
	ctx := context.Background()
	queries := []string{"hang bac", "Cầu Giấy", "phuong thuy khue", "yen hoa", "dong anh", "hang bacc"}
	var took []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := st.SearchLocalities(ctx, queries[i%len(queries)], 10); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		i++
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}

// A row the database refuses (a malformed GSO code passes the loader's checks)
// must roll back the whole seed.
func TestSeedFailureLeavesDatabaseAsItWas(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ds, err := seed.Load(seed.Hanoi(), seed.HanoiCity)
	if err != nil {
		t.Fatal(err)
	}
	ds.Localities[100].GSOCode = "ABC"
	if _, err := st.Seed(context.Background(), ds); err == nil || !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	cur, dist, former, err := st.CountLocalities(context.Background())
	if err != nil || cur+dist+former != 0 {
		t.Fatalf("after a failed seed: %d %d %d (%v), want nothing", cur, dist, former, err)
	}
}
