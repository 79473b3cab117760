package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// A claim taken while a cancel ran may see the cancel's skip only when it
// records. A row of it that then failed transiently (given back pending,
// not sent) stays skipped: a cancelled run has no sender left for a
// pending row, which would stay pending for good.
func TestATransientFailureAfterARacingCancelStaysSkipped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	run := frozenRun(t, st, 2)
	k, err := st.ClaimDeliveries(ctx, run, 0, 2, time.Now().Add(time.Minute), store.Journal{Token: 1})
	if err != nil || len(k.Rows) != 2 {
		t.Fatalf("claim %+v %v", k, err)
	}
	if _, err := st.CancelRun(ctx, run, store.CLIActor); err != nil {
		t.Fatal(err)
	}
	// the cancel's snapshot did not see the claim
	if _, err := st.DB().Exec(`UPDATE deliveries SET status = 'skipped', reason = 'cancelled' WHERE run_id = $1`, run); err != nil {
		t.Fatal(err)
	}
	rs := []store.Result{{SubscriberID: k.Rows[0].SubscriberID, Status: store.DeliveryPending, Reason: "timeout"},
		{SubscriberID: k.Rows[1].SubscriberID, Status: store.DeliverySent}}
	if _, err := st.RecordResults(ctx, run, k.ID, rs, true); err != nil {
		t.Fatal(err)
	}
	p, err := st.RunProgress(ctx, run)
	if err != nil || p.ByStatus[store.DeliveryPending] != 0 || p.ByStatus[store.DeliverySkipped] != 1 || p.ByStatus[store.DeliverySent] != 1 {
		t.Errorf("progress of the cancelled run %v (%v), want 1 skipped, 1 sent, none pending", p.ByStatus, err)
	}
	countsAgree(t, st, run)
}

// A cancel and a claim of the same run never miss each other: either the
// cancel sees the claim and leaves its rows to its sender, or the claim
// comes after the cancel and holds nothing. (A claim whose rows the cancel
// skipped unseen would send them all the same, and if its sender then
// died, the rows it journaled would stay 'skipped', never 'unknown'.)
// The claim is held up between its snapshot and its commit by a claims
// row of another run with the id it is about to take, so the cancel runs
// in that window.
func TestACancelRacingAClaimSkipsNoRowTheClaimHolds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	if _, _, err := st.GenerateSubscribers(ctx, store.Generated{N: 5, ChatIDBase: 1}); err != nil {
		t.Fatal(err)
	}
	bc, _ := st.CreateBroadcast(ctx, store.NewBroadcast{Spec: spec("x", messages.Audience{}), Approved: true}, store.CLIActor)
	run, _ := st.CreateRun(ctx, bc.ID, time.Now(), store.CLIActor)
	other, _ := st.CreateRun(ctx, bc.ID, time.Now().Add(time.Hour), store.CLIActor)
	if _, err := st.FreezeAudience(ctx, run, 10); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkRunSending(ctx, run); err != nil {
		t.Fatal(err)
	}
	hold, err := st.DB().BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Rollback()
	if _, err := hold.Exec(`INSERT INTO claims (id, run_id, batch, lease_until)
		VALUES (nextval('claims_id_seq') + 1, $1, 0, now() + interval '1 minute')`, other); err != nil {
		t.Fatal(err)
	}
	claimed := make(chan store.Claim, 1)
	go func() {
		k, err := st.ClaimDeliveries(ctx, run, 0, 5, time.Now().Add(time.Minute), store.Journal{Token: 1})
		if err != nil {
			t.Error(err)
		}
		claimed <- k
	}()
	waiting := func(like string) bool {
		var n int
		if err := st.DB().Get(&n, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock' AND query LIKE $1`, like); err != nil {
			t.Fatal(err)
		}
		return n > 0
	}
	for deadline := time.Now().Add(5 * time.Second); !waiting("%INSERT INTO claims%lo, hi%"); {
		if time.Now().After(deadline) {
			t.Fatal("the claim never waited on the held id")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancelled := make(chan error, 1)
	go func() {
		_, err := st.CancelRun(ctx, run, store.CLIActor)
		cancelled <- err
	}()
	// the cancel runs to its end, or waits for the claim
	for deadline := time.Now().Add(5 * time.Second); len(cancelled) == 0 && !waiting("%FROM runs WHERE id = $1 FOR UPDATE%"); {
		if time.Now().After(deadline) {
			t.Fatal("the cancel neither ended nor waited")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := hold.Rollback(); err != nil {
		t.Fatal(err)
	}
	k := <-claimed
	if err := <-cancelled; err != nil {
		t.Fatal(err)
	}
	var skipped int
	for _, r := range k.Rows {
		var status string
		if err := st.DB().Get(&status, `SELECT status FROM deliveries WHERE run_id = $1 AND subscriber_id = $2`, run, r.SubscriberID); err != nil {
			t.Fatal(err)
		}
		if status == store.DeliverySkipped {
			skipped++
		}
	}
	if skipped > 0 {
		t.Errorf("the cancel skipped %d of the %d rows the claim holds", skipped, len(k.Rows))
	}
	countsAgree(t, st, run)
}
