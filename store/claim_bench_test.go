package store_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// BenchmarkClaimAndRecord claims a run's rows 500 at a time and records
// them sent 250 at a time, as a sender does, and reports PostgreSQL's CPU
// per row (its backends' user+system time from /proc, this machine's
// server only): the cost issue 13 asks to cut, and the claims' part of
// it. b.N is rows.
func BenchmarkClaimAndRecord(b *testing.B) {
	ctx := context.Background()
	st := storetest.New(b)
	n := max(b.N, 1000)
	if _, _, err := st.GenerateSubscribers(ctx, store.Generated{N: n, ChatIDBase: 1}); err != nil {
		b.Fatal(err)
	}
	bc, _ := st.CreateBroadcast(ctx, store.NewBroadcast{Spec: spec("x", messages.Audience{}), Approved: true}, store.CLIActor)
	run, _ := st.CreateRun(ctx, bc.ID, time.Now(), store.CLIActor)
	p, err := st.FreezeAudience(ctx, run, 1000)
	if err != nil {
		b.Fatal(err)
	}
	lease := time.Now().Add(time.Hour)
	var claimCPU int64
	cpu0 := backendCPU(b, st)
	b.ResetTimer()
	for batch := range p.Batches {
		for {
			c0 := backendCPU(b, st)
			k, err := st.ClaimDeliveries(ctx, run, batch, 500, lease, store.Journal{Token: 1})
			if err != nil {
				b.Fatal(err)
			}
			claimCPU += backendCPU(b, st) - c0
			if k.ID == 0 {
				break
			}
			for i := 0; i < len(k.Rows); i += 250 {
				part := k.Rows[i:min(i+250, len(k.Rows))]
				rs := make([]store.Result, len(part))
				for j, c := range part {
					rs[j] = store.Result{SubscriberID: c.SubscriberID, Status: store.DeliverySent}
				}
				if _, err := st.RecordResults(ctx, run, k.ID, rs, i+250 >= len(k.Rows)); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(backendCPU(b, st)-cpu0)/float64(n), "pg-µs/row")
	b.ReportMetric(float64(claimCPU)/float64(n), "claim-µs/row")
}

// backendCPU sums the user+system CPU, in µs, of the server backends on
// this test's database (readable only when PostgreSQL runs on this machine).
func backendCPU(b *testing.B, st *store.Store) int64 {
	b.Helper()
	var pids []int
	if err := st.DB().Select(&pids, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`); err != nil {
		b.Fatal(err)
	}
	var ticks int64
	for _, pid := range pids {
		raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			b.Skipf("PostgreSQL's backends are not readable here: %v", err)
		}
		f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + s
	}
	return ticks * 10_000 // USER_HZ is 100 on Linux
}
