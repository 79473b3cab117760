package store_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// countsAgree compares a run's counters (run_counts, run_minutes) with a
// count of its delivery rows.
func countsAgree(t *testing.T, st *store.Store, run int64) {
	t.Helper()
	read := func(q string) map[string]int {
		var rows []struct {
			K string `db:"k"`
			N int    `db:"n"`
		}
		if err := st.DB().Select(&rows, q, run); err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, r := range rows {
			out[r.K] = r.N
		}
		return out
	}
	if got, want := read(`SELECT channel || '/' || status || '/' || reason AS k, sum(n) AS n FROM run_counts WHERE run_id = $1 GROUP BY 1 HAVING sum(n) <> 0`),
		read(`SELECT channel || '/' || status || '/' || reason AS k, count(*) AS n FROM deliveries WHERE run_id = $1 GROUP BY 1`); !maps.Equal(got, want) {
		t.Errorf("run_counts %v, deliveries %v", got, want)
	}
	if got, want := read(`SELECT minute::text AS k, sum(n) AS n FROM run_minutes WHERE run_id = $1 GROUP BY 1 HAVING sum(n) <> 0`),
		read(`SELECT date_trunc('minute', updated_at)::text AS k, count(*) AS n FROM deliveries
			WHERE run_id = $1 AND status NOT IN ('pending', 'sending') AND updated_at IS NOT NULL GROUP BY 1`); !maps.Equal(got, want) {
		t.Errorf("run_minutes %v, deliveries %v", got, want)
	}
}

// The counters follow every change of the deliveries: freeze, claim,
// record, a sweep that calls rows unknown, the dead sender's late record
// (unknown → sent moves the row, never counts it twice), cancel, /forget,
// and deleting the run.
func TestRunCountersStayExact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	first, _, err := st.GenerateSubscribers(ctx, store.Generated{N: 20, ChatIDBase: 1})
	if err != nil {
		t.Fatal(err)
	}
	bc, _ := st.CreateBroadcast(ctx, store.NewBroadcast{Spec: spec("x", messages.Audience{}), Approved: true}, store.CLIActor)
	run, _ := st.CreateRun(ctx, bc.ID, time.Now(), store.CLIActor)
	if _, err := st.FreezeAudience(ctx, run, 10); err != nil {
		t.Fatal(err)
	}
	countsAgree(t, st, run)
	lease := time.Now().Add(time.Minute)
	k, err := st.ClaimDeliveries(ctx, run, 0, 6, lease, store.Journal{Token: 1})
	if err != nil || len(k.Rows) != 6 {
		t.Fatalf("claim %+v %v", k, err)
	}
	countsAgree(t, st, run)
	if _, err := st.RecordResults(ctx, run, k.ID, []store.Result{{SubscriberID: k.Rows[0].SubscriberID, Status: store.DeliverySent},
		{SubscriberID: k.Rows[1].SubscriberID, Status: store.DeliveryFailed, Reason: "bad"}}, false); err != nil {
		t.Fatal(err)
	}
	countsAgree(t, st, run)
	// the sender dies: rows 2, 3 journaled become unknown, 4, 5 pending
	journal := func(context.Context, []store.Journal) ([]int64, error) { return []int64{k.Rows[3].SubscriberID}, nil }
	if _, err := st.ExpireClaims(ctx, lease.Add(time.Second), journal); err != nil {
		t.Fatal(err)
	}
	countsAgree(t, st, run)
	rec, err := st.RecordResults(ctx, run, k.ID, []store.Result{{SubscriberID: k.Rows[2].SubscriberID, Status: store.DeliverySent}}, true)
	if err != nil || rec.Late != 1 || len(rec.ByStatus) != 0 {
		t.Errorf("late record %+v %v", rec, err)
	}
	countsAgree(t, st, run)
	p, err := st.RunProgress(ctx, run)
	if err != nil || p.ByStatus[store.DeliverySent] != 2 || p.ByStatus[store.DeliveryUnknown] != 1 || p.ByStatus[store.DeliveryFailed] != 1 ||
		p.ByStatus[store.DeliveryPending] != 16 {
		t.Errorf("progress %v %v", p.ByStatus, err)
	}
	if _, n, err := st.CancelRunCounted(ctx, run, store.CLIActor); err != nil || n != 16 {
		t.Errorf("cancel skipped %d %v", n, err)
	}
	countsAgree(t, st, run)
	if _, err := st.DB().Exec(`DELETE FROM deliveries WHERE subscriber_id = $1`, first); err != nil {
		t.Fatal(err)
	}
	countsAgree(t, st, run)
	mins, err := st.RunMinutes(ctx, run, time.Now().Add(-time.Hour), time.Now().Add(time.Minute))
	if err != nil || len(mins) == 0 {
		t.Errorf("minutes %v %v", mins, err)
	}
	total := 0
	for _, m := range mins {
		total += m.N
	}
	if total != 19 {
		t.Errorf("%d deliveries final in the chart, want 19", total)
	}
	if _, err := st.DB().Exec(`DELETE FROM runs WHERE id = $1`, run); err != nil {
		t.Fatalf("delete run: %v", err)
	}
	var left int
	st.DB().Get(&left, `SELECT count(*) FROM run_counts WHERE run_id = $1`, run)
	if left != 0 {
		t.Errorf("%d counter rows left of a deleted run", left)
	}
}
