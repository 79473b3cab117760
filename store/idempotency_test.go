package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

func TestIdempotentRunsOnce(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	s, _, _ := st.CreateStaff(ctx, store.CLIActor, store.NewStaff{Name: "E", Role: store.RoleEditor})
	var mu sync.Mutex
	runs := 0
	fn := func(tx *sqlx.Tx) (store.IdemResponse, error) {
		mu.Lock()
		runs++
		mu.Unlock()
		return store.IdemResponse{Status: 201, Body: []byte(`{"id":1}`)}, nil
	}
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _, err := st.Idempotent(ctx, s.ID, "k", []byte("h"), fn)
			if err != nil || r.Status != 201 {
				t.Errorf("%+v %v", r, err)
			}
		}()
	}
	wg.Wait()
	if runs != 1 {
		t.Fatalf("fn ran %d times", runs)
	}
	if _, _, err := st.Idempotent(ctx, s.ID, "k", []byte("other"), fn); !errors.Is(err, store.ErrIdempotencyMismatch) {
		t.Fatalf("mismatch: %v", err)
	}
	// a failing fn stores nothing: the retry runs again
	boom := errors.New("boom")
	if _, _, err := st.Idempotent(ctx, s.ID, "k2", []byte("h"), func(*sqlx.Tx) (store.IdemResponse, error) { return store.IdemResponse{}, boom }); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if _, replayed, _ := st.Idempotent(ctx, s.ID, "k2", []byte("h"), fn); replayed {
		t.Fatal("a failed first call was replayed")
	}
}
