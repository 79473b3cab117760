package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// Migration 00014 takes over the claims of stopped old workers, whose rows
// (moved to 'sending') need not be a run of the batch's open rows: a claim
// took pending rows in no order, beside other claims and rows given back.
// The sweeper then calls unknown only the rows each old claim held up to
// its journal; a row it never held, though between two of its rows, stays
// pending.
func TestMigratedClaimsOfOldWorkersMakeUnknownOnlyTheirOwnRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	run := frozenRun(t, st, 6)
	var ids []int64
	if err := st.DB().Select(&ids, `SELECT subscriber_id FROM deliveries WHERE run_id = $1 ORDER BY subscriber_id`, run); err != nil {
		t.Fatal(err)
	}
	m, err := st.NewMigrator(store.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.DownOne(ctx); err != nil { // back to 00013: claims move rows to 'sending'
		t.Fatal(err)
	}
	// old claim a holds rows 0 and 3, b holds row 2; rows 1, 4, 5 are pending
	var a, b int64 // their journals' tokens are 1 and 2
	for i, k := range []*int64{&a, &b} {
		if err := st.DB().Get(k, `INSERT INTO claims (run_id, batch, lease_until, journal, journal_epoch)
			VALUES ($1, 0, now() - interval '1 minute', $2, 'e') RETURNING id`, run, i+1); err != nil {
			t.Fatal(err)
		}
	}
	for claim, rows := range map[int64][]int64{a: {ids[0], ids[3]}, b: {ids[2]}} {
		if _, err := st.DB().Exec(`UPDATE deliveries SET status = 'sending', attempts = 1, claim = $2
			WHERE run_id = $1 AND subscriber_id = ANY($3)`, run, claim, pq.Array(rows)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	// a journaled both its rows (up to row 3), b none
	fence := func(_ context.Context, js []store.Journal) ([]int64, error) {
		out := make([]int64, len(js))
		for i, j := range js {
			if j.Token == 1 {
				out[i] = ids[3]
			}
		}
		return out, nil
	}
	if _, err := st.ExpireClaims(ctx, time.Now(), fence); err != nil {
		t.Fatal(err)
	}
	var unknown []int64
	if err := st.DB().Select(&unknown, `SELECT subscriber_id FROM deliveries WHERE run_id = $1 AND status = 'unknown' ORDER BY 1`, run); err != nil {
		t.Fatal(err)
	}
	if len(unknown) != 2 || unknown[0] != ids[0] || unknown[1] != ids[3] {
		t.Errorf("unknown %v, want only a's rows %v", unknown, []int64{ids[0], ids[3]})
	}
	var left int
	if err := st.DB().Get(&left, `SELECT count(*) FROM claims WHERE run_id = $1`, run); err != nil || left != 0 {
		t.Errorf("%d claims left after the sweep (%v)", left, err)
	}
	countsAgree(t, st, run)
}
