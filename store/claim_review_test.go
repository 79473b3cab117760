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
	if _, _, err := st.GenerateSubscribers(ctx, store.Generated{N: 2, ChatIDBase: 1}); err != nil {
		t.Fatal(err)
	}
	bc, _ := st.CreateBroadcast(ctx, store.NewBroadcast{Spec: spec("x", messages.Audience{}), Approved: true}, store.CLIActor)
	run, _ := st.CreateRun(ctx, bc.ID, time.Now(), store.CLIActor)
	if _, err := st.FreezeAudience(ctx, run, 10); err != nil {
		t.Fatal(err)
	}
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
