package jobs

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/store"
)

func TestMetricsAreCollectedFromTheFleet(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{withMetrics: true})
	v.subscribers(200)
	v.tg.SetFault(func(method string, chat int64) *tgfake.Fault {
		if method == "sendMessage" && chat%20 == 0 {
			f := tgfake.Blocked()
			return &f
		}
		return nil
	})
	v.tg.FailNext(chatOf(3), tgfake.TooManyRequests(1), 1)
	v.worker(v.e, 4)
	run := v.startRun()
	v.waitStatus(run, store.RunDone, 30*time.Second)
	if err := v.e.Metrics.Flush(v.ctx); err != nil {
		t.Fatal(err)
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(NewCollector(v.rdb, v.e.Insp, v.st))
	want := map[string]float64{"sent": 190, "blocked": 10}
	for outcome, n := range want {
		if got := gather(t, reg, "loa_broadcast_messages_total", outcome); got != n {
			t.Errorf("messages %s = %v, want %v", outcome, got, n)
		}
	}
	if got := gather(t, reg, "loa_broadcast_429_total", "telegram"); got != 1 {
		t.Errorf("429s = %v, want 1", got)
	}
	if got := gather(t, reg, "loa_broadcast_rate_limit_waits_total", ""); got < 1 {
		t.Errorf("waits = %v, want the pause to count", got)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, mf := range mfs {
		seen[mf.GetName()] = true
		if mf.GetName() == "loa_broadcast_run_duration_seconds" && mf.GetMetric()[0].GetHistogram().GetSampleCount() != 1 {
			t.Errorf("run durations: %v", mf)
		}
	}
	if !seen["loa_broadcast_run_duration_seconds"] || !seen["loa_broadcast_queue_depth"] {
		t.Errorf("series: %v", seen)
	}
}

// gather reads one counter (with an outcome label, if given).
func gather(t *testing.T, reg *prometheus.Registry, name, outcome string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if outcome == "" || (len(m.GetLabel()) == 1 && m.GetLabel()[0].GetValue() == outcome) {
				return m.GetCounter().GetValue()
			}
		}
	}
	return -1
}
