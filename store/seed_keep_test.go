package store_test

import (
	"context"
	"testing"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/seed"
	"github.com/loa-vn/loa/store/storetest"
)

// Issue 9, item 21: a seeded agency that staff edited is theirs (a second
// `loa seed` used to restore the seeded note, "updated 1"), and a seed that
// changes nothing writes nothing: no id sequence advances.
func TestSeedKeepsStaffEditsAndWritesNothingWhenUnchanged(t *testing.T) {
	t.Parallel()
	st := storetest.NewSeeded(t)
	ctx := context.Background()
	ds, err := seed.Load(seed.Hanoi(), seed.HanoiCity)
	if err != nil {
		t.Fatal(err)
	}
	code := ds.Agencies[0].Code
	note, name := "ghi chú của cán bộ", "Tên do cán bộ sửa"
	if _, err := st.PatchAgency(ctx, store.CLIActor, code, store.AgencyPatch{Note: &note, NameVi: &name}); err != nil {
		t.Fatal(err)
	}
	sequences := func() map[string]int64 {
		var rows []struct {
			Name string `db:"sequencename"`
			Last *int64 `db:"last_value"`
		}
		if err := st.DB().SelectContext(ctx, &rows, `SELECT sequencename, last_value FROM pg_sequences`); err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for _, r := range rows {
			if r.Last != nil {
				out[r.Name] = *r.Last
			}
		}
		return out
	}
	before := sequences()
	counts, err := st.Seed(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if c.Added != 0 || c.Updated != 0 {
			t.Errorf("seed changed %s: %+v", c.Kind, c)
		}
	}
	a, err := st.AgencyByCode(ctx, code)
	if err != nil || a.Note != note || a.NameVi != name {
		t.Errorf("staff edit undone by seed: %+v %v", a, err)
	}
	after := sequences()
	for name, v := range before {
		if after[name] != v {
			t.Errorf("sequence %s advanced from %d to %d by a seed that changed nothing", name, v, after[name])
		}
	}
	// an agency nobody edited still follows the data set
	other := ds.Agencies[1].Code
	if _, err := st.DB().ExecContext(ctx, `UPDATE agencies SET note = 'stale' WHERE code = $1`, other); err != nil {
		t.Fatal(err)
	}
	counts, err = st.Seed(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := st.AgencyByCode(ctx, other); a.Note == "stale" {
		t.Fatalf("an unedited agency kept a stale note: %+v %+v", a, counts)
	}
}
