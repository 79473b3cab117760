package console

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/loa-vn/loa/store"
)

// BenchmarkBroadcastPages renders the broadcast pages on the data
// (scaleDB: 1,000,000 subscribers, 1,000 broadcasts) plus a run of one of
// them to every subscriber, 90% of it sent over the last hour: the list's
// first and a deep page (keyset), a broadcast's page and its run page,
// over HTTP with a real session.
//
//	go test -run '^$' -bench BroadcastPages -benchtime 100x ./web/console/
func BenchmarkBroadcastPages(b *testing.B) {
	st, srv := testConsole(b)
	_, secret := addStaff(b, st, "Phê duyệt", store.RoleApprover, "", "approver", "mật khẩu thật dài", true)
	scaleDB(b, st, 100)
	ctx := context.Background()
	const bid = 500
	runID, err := st.CreateRun(ctx, bid, time.Now(), store.CLIActor)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.FreezeAudience(ctx, runID, 500); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE deliveries SET status = 'sent', updated_at = now() - (subscriber_id % 3600) * interval '1 second'
		 WHERE run_id = $1 AND subscriber_id % 10 <> 0`,
		`ANALYZE`,
	} {
		if _, err := st.DB().ExecContext(ctx, q, runIDArg(q, runID)...); err != nil {
			b.Fatal(err)
		}
	}
	// the run page's two queries alone, to see where its time goes
	b.Run("store-progress", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.RunProgress(ctx, runID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("store-minutes", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.RunMinutes(ctx, runID, time.Now().Add(-time.Hour), time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
	c := signIn(b, srv.URL, "approver", "mật khẩu thật dài", secret)
	for _, bc := range []struct{ name, path string }{
		{"list", "/console/broadcasts"},
		{"list-deep", "/console/broadcasts?before=100"},
		{"waiting", "/console/broadcasts?status=submitted"},
		{"broadcast", "/console/broadcasts/" + strconv.Itoa(bid)},
		{"run", "/console/broadcasts/" + strconv.Itoa(bid) + "/runs/" + strconv.FormatInt(runID, 10)},
		{"run-live", "/console/broadcasts/" + strconv.Itoa(bid) + "/runs/" + strconv.FormatInt(runID, 10) + "/live"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				resp, body := get(b, c, srv.URL+bc.path)
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d %s", bc.path, resp.StatusCode, body)
				}
			}
		})
	}
}

func runIDArg(q string, id int64) []any {
	if q == `ANALYZE` {
		return nil
	}
	return []any{id}
}
