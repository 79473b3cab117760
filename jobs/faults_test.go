package jobs

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

func TestBlockedRecipientsAreMarkedAndNeverRetried(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	v.subscribers(1000)
	v.tg.SetFault(func(method string, chat int64) *tgfake.Fault {
		if method == "sendMessage" && (chat-1_000_000)%20 == 0 { // 5%
			f := tgfake.Blocked()
			if chat%40 == 0 {
				f = tgfake.ChatNotFound()
			}
			return &f
		}
		return nil
	})
	v.worker(v.e, 8)
	run := v.startRun()
	v.waitStatus(run, store.RunDone, 60*time.Second)
	got := v.progress(run)
	if got[store.DeliveryBlocked] != 50 || got[store.DeliverySent] != 950 {
		t.Errorf("counts %v, want 50 blocked, 950 sent", got)
	}
	if c := v.tg.Calls("sendMessage"); c != 1000 {
		t.Errorf("sendMessage calls %d, want 1000 (blocked chats tried once)", c)
	}
	var blocked int
	if err := v.st.DB().Get(&blocked, `SELECT count(*) FROM subscribers WHERE status = 'blocked'`); err != nil || blocked != 50 {
		t.Errorf("blocked subscribers %d (%v), want 50", blocked, err)
	}
	// A second run does not even freeze them.
	run2 := v.startRun()
	if r := v.waitStatus(run2, store.RunDone, 30*time.Second); r.Total != 950 {
		t.Errorf("second run total %d, want 950", r.Total)
	}
}

func TestTooManyRequestsPausesEverySender(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	v.subscribers(600)
	var mu sync.Mutex
	var first429 time.Time
	var n429 int
	v.tg.SetFault(func(method string, chat int64) *tgfake.Fault {
		if method != "sendMessage" || v.tg.Count() < 200 {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		if first429.IsZero() {
			first429 = time.Now()
		}
		if time.Since(first429) < time.Second { // Telegram: "retry after 1"
			n429++
			f := tgfake.TooManyRequests(1)
			return &f
		}
		return nil
	})
	v.worker(v.e, 8)
	run := v.startRun()
	v.waitStatus(run, store.RunDone, 60*time.Second)
	if got := v.progress(run); got[store.DeliverySent] != 600 {
		t.Errorf("counts %v, want all 600 sent (429 is not a failure)", got)
	}
	if v.tg.Count() != 600 || v.tg.Duplicates() != 0 {
		t.Errorf("fake: count %d duplicates %d", v.tg.Count(), v.tg.Duplicates())
	}
	// Senders in flight when the first 429 came get one too (at most 8
	// tasks × Senders: 36 were seen on a busy machine, the journal releasing
	// senders together); then everyone waits. A sender ignoring the pause
	// would get hundreds in that second.
	if inFlight := 8 * DefaultConfig().Senders; n429 == 0 || n429 > inFlight {
		t.Errorf("%d answers of 429 during the pause; want a few (senders must wait, not hammer)", n429)
	}
}

func TestServerErrorsAreRetried(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	v.subscribers(500)
	v.tg.FailNext(tgfake.AnyChat, tgfake.ServerError(502), 40)
	v.tg.FailNext(chatOf(7), tgfake.Drop(), 2) // network errors too
	v.worker(v.e, 4)
	run := v.startRun()
	v.waitStatus(run, store.RunDone, 60*time.Second)
	if got := v.progress(run); got[store.DeliverySent] != 500 {
		t.Errorf("counts %v, want 500 sent", got)
	}
	if v.tg.Count() != 500 || v.tg.Duplicates() != 0 {
		t.Errorf("fake: count %d duplicates %d", v.tg.Count(), v.tg.Duplicates())
	}
}

func TestMigratedGroupIsFollowed(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	v.subscribers(50)
	v.tg.FailNext(chatOf(5), tgfake.Migrated(-100555), 1)
	v.worker(v.e, 2)
	run := v.startRun()
	v.waitStatus(run, store.RunDone, 30*time.Second)
	if v.tg.CountTo(-100555) != 1 || v.tg.CountTo(chatOf(5)) != 0 {
		t.Errorf("new chat got %d, old %d", v.tg.CountTo(-100555), v.tg.CountTo(chatOf(5)))
	}
	var chat int64
	if err := v.st.DB().Get(&chat, `SELECT chat_id FROM subscribers WHERE id = $1`, v.first+4); err != nil || chat != -100555 {
		t.Errorf("chat id %d (%v), want -100555", chat, err)
	}
}

// waitCount waits until the fake accepted at least n sends.
func (v *env) waitCount(n int, within time.Duration) {
	v.t.Helper()
	deadline := time.Now().Add(within)
	for v.tg.Count() < n {
		if time.Now().After(deadline) {
			v.t.Fatalf("fake got %d sends in %s, want %d", v.tg.Count(), within, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitQuiet waits until no row of the run is in flight (held by a live
// claim, unrecorded).
func (v *env) waitQuiet(run int64, within time.Duration) map[string]int {
	v.t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := v.progress(run)
		if v.inFlight(run) == 0 {
			return got
		}
		if time.Now().After(deadline) {
			v.t.Fatalf("rows still in flight: %v", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Cancel stops the senders: once it returns, only the rows already claimed
// (in flight) may still go out, however slow the machine. (That they stop
// within a second is the design's StatePoll, not something to time here.)
func TestCancelStopsTheSenders(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{rate: 200})
	v.subscribers(2000)
	v.worker(v.e, 8)
	run := v.startRun()
	v.waitCount(300, 30*time.Second)
	if _, err := v.e.Cancel(v.ctx, run, store.CLIActor); err != nil {
		t.Fatal(err)
	}
	atCancel := v.tg.Count()
	v.waitQuiet(run, 30*time.Second)
	if n := v.tg.Count() - atCancel; n > 8*fastCfg().ClaimSize {
		t.Errorf("%d sends after cancel, more than the %d rows 8 senders can hold", n, 8*fastCfg().ClaimSize)
	}
	v.sweeper(v.e) // reconciles any row left in flight
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := v.progress(run)
		if got[store.DeliveryPending]+got[store.DeliverySending] == 0 {
			if got[store.DeliverySent] != v.tg.Count() || got[store.DeliverySkipped] < 1000 {
				t.Errorf("counts %v with %d sends", got, v.tg.Count())
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rows still open after cancel: %v", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r, _ := v.st.RunByID(v.ctx, run); r.Status != store.RunCancelled {
		t.Errorf("run status %s", r.Status)
	}
}

func TestPauseAndResumeContinueWhereStopped(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{rate: 300})
	v.subscribers(1500)
	v.worker(v.e, 8)
	run := v.startRun()
	v.waitCount(300, 30*time.Second)
	if _, err := v.e.Pause(v.ctx, run, store.CLIActor); err != nil {
		t.Fatal(err)
	}
	atPause := v.tg.Count()
	got := v.waitQuiet(run, 30*time.Second) // every sender handed its rows back
	paused := v.tg.Count()
	if paused-atPause > 8*fastCfg().ClaimSize {
		t.Errorf("%d sends after pause, more than the rows in flight", paused-atPause)
	}
	time.Sleep(300 * time.Millisecond)
	if n := v.tg.Count(); n != paused {
		t.Errorf("%d sends while paused", n-paused)
	}
	if got[store.DeliveryPending] == 0 {
		t.Errorf("while paused: %v", got)
	}
	if _, err := v.e.Resume(v.ctx, run, store.CLIActor); err != nil {
		t.Fatal(err)
	}
	v.waitStatus(run, store.RunDone, 60*time.Second)
	if v.tg.Count() != 1500 || v.tg.Duplicates() != 0 {
		t.Errorf("fake: count %d duplicates %d", v.tg.Count(), v.tg.Duplicates())
	}
}

func TestUnsubscribedBeforeTheirTurnGetNothing(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	v.subscribers(300)
	bid := v.broadcast(messages.Audience{})
	run, err := v.st.CreateRun(v.ctx, bid, time.Now(), store.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.st.FreezeAudience(v.ctx, run, 100); err != nil {
		t.Fatal(err)
	}
	if err := v.st.SetSubscriberStatus(v.ctx, v.last, "unsubscribed"); err != nil {
		t.Fatal(err)
	}
	v.worker(v.e, 4)
	if err := v.e.EnqueuePlan(v.ctx, run); err != nil { // re-plan: enqueues the batches
		t.Fatal(err)
	}
	v.waitStatus(run, store.RunDone, 30*time.Second)
	if got := v.progress(run); got[store.DeliverySkipped] != 1 || got[store.DeliverySent] != 299 {
		t.Errorf("counts %v", got)
	}
	if v.tg.CountTo(chatOf(300)) != 0 {
		t.Error("unsubscribed resident got the message")
	}
}

func TestTwoRunsOfOneCampaignAtOnce(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	v.subscribers(800)
	bid := v.broadcast(messages.Audience{})
	occ := time.Now().Truncate(time.Second)
	r1 := v.startRunOf(bid, occ)
	r2 := v.startRunOf(bid, occ.Add(-365*24*time.Hour))
	if _, err := v.st.CreateRun(v.ctx, bid, occ, store.CLIActor); err == nil {
		t.Error("a second run of the same occurrence was created")
	}
	v.worker(v.e, 8)
	v.waitStatus(r1, store.RunDone, 60*time.Second)
	v.waitStatus(r2, store.RunDone, 60*time.Second)
	if v.tg.Count() != 1600 || v.tg.DistinctChats() != 800 {
		t.Errorf("fake: count %d distinct %d, want 1600 / 800", v.tg.Count(), v.tg.DistinctChats())
	}
	for i := 1; i <= 800; i += 97 {
		if n := v.tg.CountTo(chatOf(i)); n != 2 {
			t.Errorf("chat %d got %d, want once per run", i, n)
		}
	}
}

func TestReplanningCreatesNoDuplicates(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	v.subscribers(1000)
	run, err := v.st.CreateRun(v.ctx, v.broadcast(messages.Audience{}), time.Now(), store.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	task, _ := NewPlanRunTask(run)
	var wg sync.WaitGroup
	var fails atomic.Int32
	for range 3 { // three planners at once (a crashed one re-run, say)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := v.e.HandlePlanRunTask(v.ctx, task); err != nil {
				fails.Add(1)
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	qi, err := v.e.Insp.GetQueueInfo(Queue)
	if err != nil || qi.Pending != 10 {
		t.Fatalf("queue: %+v (%v), want 10 batch tasks", qi, err)
	}
	var rows int
	if err := v.st.DB().Get(&rows, `SELECT count(*) FROM deliveries WHERE run_id = $1`, run); err != nil || rows != 1000 {
		t.Fatalf("deliveries %d (%v)", rows, err)
	}
	v.worker(v.e, 8)
	v.waitStatus(run, store.RunDone, 60*time.Second)
	if err := v.e.HandlePlanRunTask(v.ctx, task); err != nil { // after the end: nothing happens
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if v.tg.Count() != 1000 || v.tg.Duplicates() != 0 {
		t.Errorf("fake: count %d duplicates %d", v.tg.Count(), v.tg.Duplicates())
	}
}

// Two schedulers on a fake clock: nothing starts before the time; at the
// time, both race and exactly one run is created, for that occurrence.
func TestSchedulerStartsOnTimeOnceWithTwoSchedulers(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	v.subscribers(20)
	at := time.Now().Add(time.Hour).Truncate(time.Second)
	spec := testSpec(messages.Audience{})
	spec.Schedule.Yearly = &messages.Yearly{Month: 10, Day: 10, Hour: 8}
	b, err := v.st.CreateBroadcast(v.ctx, store.NewBroadcast{Spec: spec, Approved: true, NextRunAt: &at}, store.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	v.worker(v.e, 2)
	var clock atomic.Pointer[time.Time]
	now := func() time.Time { return *clock.Load() }
	scheds := []*Scheduler{{E: v.e, Now: now}, {E: v.e, Now: now}}
	step := func(t0 time.Time) {
		clock.Store(&t0)
		var wg sync.WaitGroup
		for _, s := range scheds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.StartDue(v.ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	step(at.Add(-time.Second))
	if runs, _ := v.st.RunsOf(v.ctx, b.ID); len(runs) != 0 {
		t.Fatalf("a run started before its time: %+v", runs)
	}
	step(at)
	step(at.Add(time.Second))
	runs, _ := v.st.RunsOf(v.ctx, b.ID)
	if len(runs) != 1 || !runs[0].Occurrence.Equal(at) {
		t.Fatalf("runs %+v, want one for %v", runs, at)
	}
	v.waitStatus(runs[0].ID, store.RunDone, 30*time.Second)
	if v.tg.Count() != 20 {
		t.Fatalf("%d sends; want 20", v.tg.Count())
	}
	b, _ = v.st.BroadcastByID(v.ctx, b.ID)
	want, _ := spec.Schedule.Next(at)
	if b.NextRunAt == nil || !b.NextRunAt.Equal(want) {
		t.Errorf("next run %v, want %v", b.NextRunAt, want)
	}
}

var _ = asynq.SkipRetry

// A scheduler that crashed between committing a run and enqueueing its plan
// leaves it 'planning': the sweep enqueues the plan again.
func TestSweepRecoversARunLeftPlanning(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	v.subscribers(100)
	run, err := v.st.CreateRun(v.ctx, v.broadcast(messages.Audience{}), time.Now(), store.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	v.worker(v.e, 2)
	v.sweeper(v.e)
	v.waitStatus(run, store.RunDone, 15*time.Second)
	if v.tg.Count() != 100 {
		t.Errorf("fake got %d, want 100", v.tg.Count())
	}
}

// A batch that sends its last row just as a pause comes halts without
// counting itself down (lastBatch), and no task of it runs again: Resume
// must finish such a run rather than leave it 'sending' for the sweeper.
// The test holds the countdown up, as such a batch does.
func TestResumingARunWithNothingLeftFinishesIt(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{rate: 300})
	v.subscribers(300)
	v.worker(v.e, 8)
	run := v.startRun()
	v.waitCount(10, 30*time.Second)
	if err := v.e.Redis.IncrBy(v.ctx, keyRunLeft(run), 1000).Err(); err != nil {
		t.Fatal(err)
	}
	v.waitCount(300, 30*time.Second)
	v.waitQuiet(run, 30*time.Second)
	if r, _ := v.st.RunByID(v.ctx, run); r.Status != store.RunSending {
		t.Fatalf("run %s before the pause, want sending (the countdown held up)", r.Status)
	}
	if _, err := v.e.Pause(v.ctx, run, store.CLIActor); err != nil {
		t.Fatal(err)
	}
	if _, err := v.e.Resume(v.ctx, run, store.CLIActor); err != nil {
		t.Fatal(err)
	}
	v.waitStatus(run, store.RunDone, 10*time.Second)
}
