package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// Claimers racing on one batch never share a row, and between them they
// claim every row once: the claim takes no row lock before its UPDATE, so
// this rests on the UPDATE's own re-check of status = 'pending'.
func TestConcurrentClaimsNeverShareARow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	const n = 600
	if _, _, err := st.GenerateSubscribers(ctx, store.Generated{N: n, ChatIDBase: 1}); err != nil {
		t.Fatal(err)
	}
	bc, _ := st.CreateBroadcast(ctx, store.NewBroadcast{Spec: spec("x", messages.Audience{}), Approved: true}, store.CLIActor)
	run, _ := st.CreateRun(ctx, bc.ID, time.Now(), store.CLIActor)
	if _, err := st.FreezeAudience(ctx, run, n); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k, err := st.ClaimDeliveries(ctx, run, 0, 25, time.Now().Add(time.Minute), store.Journal{Token: 1})
				if err != nil {
					t.Error(err)
					return
				}
				rs := make([]store.Result, len(k.Rows))
				mu.Lock()
				for i, r := range k.Rows {
					seen[r.SubscriberID]++
					rs[i] = store.Result{SubscriberID: r.SubscriberID, Status: store.DeliverySent}
				}
				mu.Unlock()
				if k.ID == 0 {
					return
				}
				if _, err := st.RecordResults(ctx, run, k.ID, rs, true); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("%d rows claimed, want %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("subscriber %d claimed %d times", id, k)
		}
	}
	p, err := st.RunProgress(ctx, run)
	if err != nil || p.ByStatus[store.DeliverySent] != n {
		t.Errorf("progress %v %v", p.ByStatus, err)
	}
	countsAgree(t, st, run)
}
