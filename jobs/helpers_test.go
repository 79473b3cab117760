package jobs

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"maps"
	"os"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/bot/telegram"
	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/jobs/redistest"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// env is one test's world: its own database, Redis DB, fake Bot API and engine.
type env struct {
	t     testing.TB
	ctx   context.Context
	st    *store.Store
	ropt  *redis.Options
	rdb   *redis.Client
	tg    *tgfake.Server
	e     *Engine
	first int64 // first generated subscriber id
	last  int64
}

type envOpts struct {
	seeded      bool
	rate        int // 0 = unlimited
	cfg         Config
	tg          []tgfake.Option
	dsn         string
	ropt        *redis.Options
	withMetrics bool
}

func (o envOpts) metrics(rdb *redis.Client) *Metrics {
	if o.withMetrics {
		return NewMetrics(rdb)
	}
	return nil
}

func testLog() *slog.Logger {
	if os.Getenv("LOA_TEST_VERBOSE") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// fastCfg keeps tests quick: small batches, short timeouts, tiny backoff.
func fastCfg() Config {
	return Config{BatchSize: 100, ClaimSize: 50, RecordSize: 10, RecordEvery: 200 * time.Millisecond,
		LeaseTTL: 5 * time.Second, Backoff: []time.Duration{10 * time.Millisecond, 20 * time.Millisecond},
		TaskTimeout: 20 * time.Second, StaleAfter: 3 * time.Second, IdleAfter: time.Second, StatePoll: 50 * time.Millisecond}
}

func newEnv(t testing.TB, o envOpts) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	var st *store.Store
	if o.dsn != "" {
		var err error
		st, err = store.Open(ctx, o.dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
	} else if o.seeded {
		st = storetest.NewSeeded(t)
	} else {
		st = storetest.New(t)
	}
	ropt := o.ropt
	if ropt == nil {
		ropt = redistest.New(t)
	}
	rdb := redis.NewClient(ropt)
	t.Cleanup(func() { rdb.Close() })
	tg := tgfake.New(o.tg...)
	t.Cleanup(tg.Close)
	sender, err := telegram.NewSender(tg.Token(), tg.URL(), false)
	if err != nil {
		t.Fatal(err)
	}
	if o.cfg.BatchSize == 0 {
		o.cfg = fastCfg()
	}
	m := o.metrics(rdb)
	t.Cleanup(m.Close)
	e := NewEngine(st, rdb, asynqOpt(ropt), m, testLog(), o.cfg).AddChannel(sender, o.rate)
	t.Cleanup(e.Close)
	return &env{t: t, ctx: ctx, st: st, ropt: ropt, rdb: rdb, tg: tg, e: e}
}

func asynqOpt(o *redis.Options) asynq.RedisClientOpt {
	return asynq.RedisClientOpt{Addr: o.Addr, DB: o.DB, Password: o.Password}
}

// subscribers generates n active subscribers; chat ids are 1_000_000 + i.
func (v *env) subscribers(n int) {
	v.t.Helper()
	first, last, err := v.st.GenerateSubscribers(v.ctx, store.Generated{N: n, ChatIDBase: 1_000_000, EnglishPct: 10})
	if err != nil {
		v.t.Fatal(err)
	}
	v.first, v.last = first, last
}

func chatOf(i int) int64 { return 1_000_000 + int64(i) }

func testSpec(aud messages.Audience) messages.CampaignSpec {
	return messages.CampaignSpec{Name: "test campaign", Audience: aud,
		Content: messages.Content{Variants: map[string]messages.Variant{
			"vi": {Text: "<b>Chào {name}!</b> Thông báo thử.", ButtonText: "Xem", ButtonURL: "https://dichvucong.gov.vn"},
			"en": {Text: "<b>Hello {name}!</b> A test notice."}}},
		Schedule: messages.Schedule{Timezone: messages.DefaultTimezone}}
}

// broadcast creates an approved broadcast (not due) and returns its id.
func (v *env) broadcast(aud messages.Audience) int64 {
	v.t.Helper()
	b, err := v.st.CreateBroadcast(v.ctx, store.NewBroadcast{Spec: testSpec(aud), Approved: true}, store.CLIActor)
	if err != nil {
		v.t.Fatal(err)
	}
	return b.ID
}

// startRun creates a run of a new broadcast and enqueues its plan.
func (v *env) startRun() int64 {
	v.t.Helper()
	return v.startRunOf(v.broadcast(messages.Audience{}), time.Now())
}

// frozenRun starts a run of a broadcast to everyone and freezes its
// audience in batches of 100, with no worker to send it: a test claims
// its rows itself.
func (v *env) frozenRun() int64 {
	v.t.Helper()
	run := v.startRunOf(v.broadcast(messages.Audience{}), time.Now())
	if _, err := v.st.FreezeAudience(v.ctx, run, 100); err != nil {
		v.t.Fatal(err)
	}
	return run
}

// claimedRun makes subs subscribers, freezes a run for them and claims its
// first rows as a worker would, failing unless the claim holds n rows.
func (v *env) claimedRun(subs, n int) (run int64, k journaled) {
	v.t.Helper()
	v.subscribers(subs)
	run = v.frozenRun()
	k, err := (&batch{e: v.e, runID: run}).claim(v.ctx)
	if err != nil || len(k.Rows) != n {
		v.t.Fatalf("claim %d rows, want %d: %v", len(k.Rows), n, err)
	}
	return run, k
}

func (v *env) startRunOf(bid int64, occ time.Time) int64 {
	v.t.Helper()
	id, err := v.st.CreateRun(v.ctx, bid, occ, store.CLIActor)
	if err != nil {
		v.t.Fatal(err)
	}
	if err := v.e.EnqueuePlan(v.ctx, id); err != nil {
		v.t.Fatal(err)
	}
	return id
}

// worker starts an in-process Asynq server for the engine.
func (v *env) worker(e *Engine, concurrency int) *asynq.Server {
	v.t.Helper()
	srv := asynq.NewServer(asynqOpt(v.ropt), ServerConfig(concurrency, testLog()))
	mux := asynq.NewServeMux()
	e.Register(mux)
	if err := srv.Start(mux); err != nil {
		v.t.Fatal(err)
	}
	v.t.Cleanup(func() { e.Stop(); srv.Shutdown() })
	return srv
}

// waitStatus polls until the run reaches status.
func (v *env) waitStatus(runID int64, status string, within time.Duration) store.Run {
	v.t.Helper()
	deadline := time.Now().Add(within)
	for {
		r, err := v.st.RunByID(v.ctx, runID)
		if err == nil && r.Status == status {
			return r
		}
		if time.Now().After(deadline) {
			p, _ := v.st.RunProgress(v.ctx, runID)
			v.t.Fatalf("run %d: status %q after %s, want %q; counts %v", runID, r.Status, within, status, p.ByStatus)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (v *env) progress(runID int64) map[string]int {
	v.t.Helper()
	v.checkCounters(runID)
	p, err := v.st.RunProgress(v.ctx, runID)
	if err != nil {
		v.t.Fatal(err)
	}
	return p.ByStatus
}

// inFlight counts the run's rows held by live claims and not yet recorded
// (a claim leaves its rows pending: migration 00014), and rows the naive
// baseline holds ('sending').
func (v *env) inFlight(runID int64) int {
	v.t.Helper()
	var n int
	err := v.st.DB().GetContext(v.ctx, &n, `SELECT count(*) FROM deliveries d WHERE d.run_id = $1
		AND (d.status = 'sending' OR d.status = 'pending' AND EXISTS (SELECT 1 FROM claims k
			WHERE k.run_id = d.run_id AND k.batch = d.batch AND d.subscriber_id BETWEEN k.lo AND k.hi
			  AND d.claim IS DISTINCT FROM k.id))`, runID)
	if err != nil {
		v.t.Fatal(err)
	}
	return n
}

// checkCounters compares the run's counters (run_counts, run_minutes, kept
// by the deliveries triggers) with a count of its delivery rows, in one
// snapshot: they must agree exactly whatever the test did (crash, cancel,
// pause and resume, sweeps, late records).
func (v *env) checkCounters(runID int64) {
	v.t.Helper()
	tx, err := v.st.DB().BeginTxx(v.ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		v.t.Fatal(err)
	}
	defer tx.Rollback()
	read := func(q string) map[string]int {
		rows, err := tx.QueryContext(v.ctx, q, runID)
		if err != nil {
			v.t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				v.t.Fatal(err)
			}
			out[k] = n
		}
		return out
	}
	pairs := [][2]string{
		{`SELECT channel || '/' || status || '/' || reason, sum(n) FROM run_counts WHERE run_id = $1 GROUP BY 1 HAVING sum(n) <> 0`,
			`SELECT channel || '/' || status || '/' || reason, count(*) FROM deliveries WHERE run_id = $1 GROUP BY 1`},
		{`SELECT minute::text, sum(n) FROM run_minutes WHERE run_id = $1 GROUP BY 1 HAVING sum(n) <> 0`,
			`SELECT date_trunc('minute', updated_at)::text, count(*) FROM deliveries
				WHERE run_id = $1 AND status NOT IN ('pending', 'sending') AND updated_at IS NOT NULL GROUP BY 1`},
	}
	for _, p := range pairs {
		if got, want := read(p[0]), read(p[1]); !maps.Equal(got, want) {
			v.t.Errorf("run %d counters %v, deliveries say %v", runID, got, want)
		}
	}
}

// sweeper runs a scheduler loop (due runs + sweeps) in the background.
func (v *env) sweeper(e *Engine) {
	ctx, cancel := context.WithCancel(v.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		(&Scheduler{E: e, Poll: 100 * time.Millisecond, SweepEvery: 300 * time.Millisecond}).Run(ctx)
	}()
	v.t.Cleanup(func() { cancel(); <-done })
}
