package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// A cancel skips what no claim holds; a row that a claim held and sent all
// the same is recorded sent, and one it gives back untried stays skipped.
func TestCancelLeavesClaimedRowsToTheirSenders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	run := frozenRun(t, st, 10)
	k, err := st.ClaimDeliveries(ctx, run, 0, 4, time.Now().Add(time.Minute), store.Journal{Token: 1})
	if err != nil || len(k.Rows) != 4 {
		t.Fatalf("claim %+v %v", k, err)
	}
	if _, n, err := st.CancelRunCounted(ctx, run, store.CLIActor); err != nil || n != 6 {
		t.Fatalf("cancel skipped %d (%v), want the 6 unclaimed", n, err)
	}
	rs := []store.Result{{SubscriberID: k.Rows[0].SubscriberID, Status: "sent"},
		{SubscriberID: k.Rows[1].SubscriberID, Status: "skipped", Reason: "cancelled"},
		{SubscriberID: k.Rows[2].SubscriberID, Status: "pending", Unclaim: true},
		{SubscriberID: k.Rows[3].SubscriberID, Status: "sent"}}
	if _, err := st.RecordResults(ctx, run, k.ID, rs, true); err != nil {
		t.Fatal(err)
	}
	p, err := st.RunProgress(ctx, run)
	if err != nil || p.ByStatus["sent"] != 2 || p.ByStatus["skipped"] != 7 || p.ByStatus["pending"] != 1 {
		t.Errorf("progress %v (%v), want 2 sent, 7 skipped, 1 pending (given back)", p.ByStatus, err)
	}
}

// A claim taken while a cancel ran (each missed the other's change) may
// send rows the cancel skipped: what was sent is recorded sent.
func TestARowSkippedAsItWasClaimedIsRecordedSent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	run := frozenRun(t, st, 3)
	k, err := st.ClaimDeliveries(ctx, run, 0, 3, time.Now().Add(time.Minute), store.Journal{Token: 1})
	if err != nil || len(k.Rows) != 3 {
		t.Fatalf("claim %+v %v", k, err)
	}
	// the cancel's snapshot did not see the claim
	if _, err := st.DB().Exec(`UPDATE deliveries SET status = 'skipped', reason = 'cancelled' WHERE run_id = $1`, run); err != nil {
		t.Fatal(err)
	}
	rs := []store.Result{{SubscriberID: k.Rows[0].SubscriberID, Status: "sent"},
		{SubscriberID: k.Rows[1].SubscriberID, Status: "pending", Unclaim: true},
		{SubscriberID: k.Rows[2].SubscriberID, Status: "skipped", Reason: "cancelled"}}
	rec, err := st.RecordResults(ctx, run, k.ID, rs, true)
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.RunProgress(ctx, run)
	if err != nil || p.ByStatus["sent"] != 1 || p.ByStatus["skipped"] != 2 || rec.Late == 0 {
		t.Errorf("progress %v, recorded %+v (%v), want 1 sent (late) and 2 skipped", p.ByStatus, rec, err)
	}
}

// A claim writes one claims row and none of the rows it holds: they were
// written once at the freeze and are written again only when recorded.
// Two claims of a batch never hold the same row.
func TestAClaimWritesNoneOfItsRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	run := frozenRun(t, st, 10)
	versions := func() []string {
		var xs []string
		if err := st.DB().Select(&xs, `SELECT xmin::text FROM deliveries WHERE run_id = $1 ORDER BY subscriber_id`, run); err != nil {
			t.Fatal(err)
		}
		return xs
	}
	before := versions()
	lease := time.Now().Add(time.Minute)
	k1, err1 := st.ClaimDeliveries(ctx, run, 0, 4, lease, store.Journal{Token: 1})
	k2, err2 := st.ClaimDeliveries(ctx, run, 0, 4, lease, store.Journal{Token: 2})
	if err1 != nil || err2 != nil || len(k1.Rows) != 4 || len(k2.Rows) != 4 {
		t.Fatalf("claims %+v %v, %+v %v", k1, err1, k2, err2)
	}
	if k2.Rows[0].SubscriberID <= k1.Rows[3].SubscriberID {
		t.Errorf("the second claim starts at %d, inside the first (up to %d)", k2.Rows[0].SubscriberID, k1.Rows[3].SubscriberID)
	}
	if after := versions(); !slices.Equal(before, after) {
		t.Errorf("claimed rows were rewritten: row versions %v, then %v", before, after)
	}
}

// A late record never puts a row back to pending inside a newer claim's
// range (neither that claim's to send nor free): it stays unknown.
func TestALateGiveBackInsideANewerClaimStaysUnknown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	run := frozenRun(t, st, 10)
	lease := time.Now().Add(time.Minute)
	k1, _ := st.ClaimDeliveries(ctx, run, 0, 4, lease, store.Journal{Token: 1})
	k2, _ := st.ClaimDeliveries(ctx, run, 0, 3, lease.Add(time.Hour), store.Journal{Token: 2})
	if len(k1.Rows) != 4 || len(k2.Rows) != 3 {
		t.Fatalf("claims of %d and %d rows", len(k1.Rows), len(k2.Rows))
	}
	// k1's first row failed for now (given back pending), its second was
	// journaled; then its worker stalled past the lease
	if _, err := st.RecordResults(ctx, run, k1.ID, []store.Result{{SubscriberID: k1.Rows[0].SubscriberID, Status: "pending", Reason: "429"}}, false); err != nil {
		t.Fatal(err)
	}
	fence := func(context.Context, []store.Journal) ([]int64, error) { return []int64{k1.Rows[1].SubscriberID}, nil }
	if _, err := st.ExpireClaims(ctx, lease.Add(time.Second), fence); err != nil {
		t.Fatal(err)
	}
	k3, err := st.ClaimDeliveries(ctx, run, 0, 10, lease, store.Journal{Token: 3})
	if err != nil || len(k3.Rows) != 3 {
		t.Fatalf("the newer claim took %d rows (%v), want rows 1, 3 and 4 of the first", len(k3.Rows), err)
	}
	// the stalled sender wakes and gives its journaled row back untried
	if _, err := st.RecordResults(ctx, run, k1.ID, []store.Result{{SubscriberID: k1.Rows[1].SubscriberID, Status: "pending", Unclaim: true}}, true); err != nil {
		t.Fatal(err)
	}
	var status string
	if err := st.DB().Get(&status, `SELECT status FROM deliveries WHERE run_id = $1 AND subscriber_id = $2`, run, k1.Rows[1].SubscriberID); err != nil || status != "unknown" {
		t.Errorf("the row inside the newer claim is %q (%v), want unknown", status, err)
	}
}

// frozenRun is a run of an approved broadcast to n new subscribers, its
// audience frozen in batches of 10.
func frozenRun(t *testing.T, st *store.Store, n int) int64 {
	t.Helper()
	ctx := context.Background()
	if _, _, err := st.GenerateSubscribers(ctx, store.Generated{N: n, ChatIDBase: 1}); err != nil {
		t.Fatal(err)
	}
	bc, _ := st.CreateBroadcast(ctx, store.NewBroadcast{Spec: spec("x", messages.Audience{}), Approved: true}, store.CLIActor)
	run, _ := st.CreateRun(ctx, bc.ID, time.Now(), store.CLIActor)
	if _, err := st.FreezeAudience(ctx, run, 10); err != nil {
		t.Fatal(err)
	}
	return run
}
