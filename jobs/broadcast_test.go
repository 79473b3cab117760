package jobs

import (
	"testing"
	"time"

	"github.com/loa-vn/loa/store"
)

func TestEndToEndDeliversEveryoneOnce(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	v.subscribers(2000)
	v.worker(v.e, 8)
	run := v.startRun()
	r := v.waitStatus(run, store.RunDone, 60*time.Second)
	if r.Total != 2000 || r.Batches != 20 {
		t.Errorf("total %d batches %d, want 2000 / 20", r.Total, r.Batches)
	}
	if got := v.progress(run); got[store.DeliverySent] != 2000 {
		t.Errorf("counts %v, want 2000 sent", got)
	}
	if v.tg.Count() != 2000 || v.tg.Duplicates() != 0 || v.tg.DistinctChats() != 2000 {
		t.Errorf("fake: count %d duplicates %d distinct %d", v.tg.Count(), v.tg.Duplicates(), v.tg.DistinctChats())
	}
	// English speakers get the English variant, personalised.
	en := v.tg.SentTo(chatOf(10))
	if len(en) != 1 || en[0].Text != "<b>Hello Dân 10!</b> A test notice." {
		t.Errorf("subscriber 10 got %+v", en)
	}
	vi := v.tg.SentTo(chatOf(11))
	if len(vi) != 1 || len(vi[0].Buttons()) != 1 {
		t.Errorf("subscriber 11 got %+v", vi)
	}
	// a one-off broadcast whose run is done is finished, and the log says so
	var status string
	var logged int
	if err := v.st.DB().QueryRowContext(v.ctx, `SELECT b.status, (SELECT count(*) FROM audit_log a
		WHERE a.action = 'broadcast.finish' AND a.object_id = b.id::text)
		FROM broadcasts b JOIN runs r ON r.broadcast_id = b.id WHERE r.id = $1`, run).Scan(&status, &logged); err != nil {
		t.Fatal(err)
	}
	if status != "finished" || logged != 1 {
		t.Errorf("broadcast after its only run: %s, %d audit rows; want finished, 1", status, logged)
	}
}
