package jobs

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"github.com/loa-vn/loa/store"
)

// Redis keys per run. Both are caches: PostgreSQL stays the record.
func keyRunState(runID int64) string { return "loa:run:" + strconv.FormatInt(runID, 10) + ":state" }
func keyRunBeat(runID int64) string  { return "loa:run:" + strconv.FormatInt(runID, 10) + ":beat" }
func keyRunLeft(runID int64) string  { return "loa:run:" + strconv.FormatInt(runID, 10) + ":left" }

// lastBatch counts finished batches down and says when the completion check
// is worth a query. The count is only a hint: a retried batch counts twice
// (an early check is merely a query) and a lost key reads as "check"; the
// sweeper finishes any run the hint missed.
//
// A batch that halts (pause, stop) does not count itself down, since it
// may have rows left; one that sent its last row just as a pause came has
// none, and no task of it runs again. So Resume counts down afresh from
// the batches it enqueues (resumeBatches): otherwise such a run stayed
// 'sending' until the sweeper noticed it idle (seen once in
// TestPauseAndResumeContinueWhereStopped: 1500 of 1500 sent, not done after
// a minute).
func (e *Engine) lastBatch(ctx context.Context, runID int64) bool {
	left, err := e.Redis.Decr(ctx, keyRunLeft(runID)).Result()
	return err != nil || left <= 0
}

// stateTTL bounds how stale a cached run status can be when a change did
// not come through the engine (e.g. written to PostgreSQL directly).
const stateTTL = time.Second

// runLeftTTL outlives any run's sending.
const runLeftTTL = 7 * 24 * time.Hour

// RunState is the run's status, from the Redis cache or PostgreSQL.
func (e *Engine) RunState(ctx context.Context, runID int64) (string, error) {
	if v, err := e.Redis.Get(ctx, keyRunState(runID)).Result(); err == nil && v != "" {
		return v, nil
	}
	st, err := e.Store.RunStatus(ctx, runID)
	if err != nil {
		return "", err
	}
	e.Redis.Set(ctx, keyRunState(runID), st, stateTTL) // best effort
	return st, nil
}

// runStates caches each run's status for all of this process's batches:
// one read of RunState per run per StatePoll, not one per batch (issue 13:
// at the paid cap 16 batches read it 64 times a second from Redis and,
// when the key had expired, 23 times from PostgreSQL, each followed by a
// SET). A sender never waits for another's refresh: it reads the status
// it has.
type runStates struct {
	mu sync.Mutex
	m  map[int64]*runStatus
}

type runStatus struct {
	status  string
	at      time.Time
	reading bool
}

// status is the run's status at most maxAge old, read now if the cache is
// older and nobody is reading it already; "" if never read.
func (e *Engine) status(ctx context.Context, runID int64, maxAge time.Duration) string {
	c := &e.states
	c.mu.Lock()
	if c.m == nil {
		c.m = map[int64]*runStatus{}
	}
	s := c.m[runID]
	if s == nil {
		s = &runStatus{}
		c.m[runID] = s
	}
	if s.reading || time.Since(s.at) < maxAge {
		st := s.status
		c.mu.Unlock()
		return st
	}
	s.reading = true
	c.mu.Unlock()
	began := time.Now()
	st, err := e.RunState(ctx, runID)
	c.mu.Lock()
	defer c.mu.Unlock()
	s.reading = false
	if err == nil && began.After(s.at) { // (not over a fresher noteStatus)
		s.status, s.at = st, began
	}
	for id, o := range c.m { // runs this process no longer sends
		if id != runID && !o.reading && time.Since(o.at) > time.Minute {
			delete(c.m, id)
		}
	}
	return s.status
}

// noteStatus puts a status just read from PostgreSQL in the cache: a
// batch starting after a resume must not see the pause cached before it.
func (e *Engine) noteStatus(runID int64, status string) {
	c := &e.states
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int64]*runStatus{}
	}
	if s := c.m[runID]; s != nil {
		s.status, s.at = status, time.Now()
		return
	}
	c.m[runID] = &runStatus{status: status, at: time.Now()}
}

func (e *Engine) publishState(ctx context.Context, r store.Run) {
	e.Redis.Set(ctx, keyRunState(r.ID), r.Status, stateTTL)
}

// Pause stops a run within a second on every worker: senders finish the
// message in hand and give their other claimed rows back.
func (e *Engine) Pause(ctx context.Context, runID int64, actor store.Actor) (store.Run, error) {
	r, err := e.Store.PauseRun(ctx, runID, actor)
	if err != nil {
		return r, err
	}
	e.publishState(ctx, r)
	return r, nil
}

// Resume lets a paused run continue where it stopped: its pending batches
// are enqueued again (their earlier tasks returned when they saw the pause).
func (e *Engine) Resume(ctx context.Context, runID int64, actor store.Actor) (store.Run, error) {
	r, err := e.Store.ResumeRun(ctx, runID, actor)
	if err != nil {
		return r, err
	}
	e.publishState(ctx, r)
	if r.Status == store.RunPlanning {
		return r, e.EnqueuePlan(ctx, runID)
	}
	return r, e.resumeBatches(ctx, runID)
}

// resumeBatches enqueues the batches of a resumed run that have rows left
// and counts down from them (see lastBatch); with none left, the run is
// finished now.
func (e *Engine) resumeBatches(ctx context.Context, runID int64) error {
	batches, err := e.Store.PendingBatches(ctx, runID)
	if err != nil {
		return err
	}
	e.Redis.Set(ctx, keyRunLeft(runID), len(batches), runLeftTTL) // a hint: best effort
	if len(batches) == 0 {
		e.finish(ctx, runID)
		return nil
	}
	return e.enqueueBatches(ctx, runID, batches)
}

// Cancel ends a run: unclaimed rows are skipped at once, senders stop within a second.
func (e *Engine) Cancel(ctx context.Context, runID int64, actor store.Actor) (store.Run, error) {
	r, skipped, err := e.Store.CancelRunCounted(ctx, runID, actor)
	if err != nil {
		return r, err
	}
	e.publishState(ctx, r)
	if e.Metrics != nil {
		e.Metrics.outcome(store.DeliverySkipped, skipped)
		e.Metrics.Flush(ctx) // this process may be a short-lived command
	}
	return r, nil
}

// beat records that a run made progress, for the sweeper's idle check.
func (e *Engine) beat(ctx context.Context, runID int64) {
	e.Redis.Set(ctx, keyRunBeat(runID), time.Now().UnixMilli(), time.Hour)
}

// idleFor is how long since the run last made progress (forever if never
// or if Redis lost the key).
func (e *Engine) idleFor(ctx context.Context, runID int64) time.Duration {
	v, err := e.Redis.Get(ctx, keyRunBeat(runID)).Int64()
	if err != nil {
		return time.Duration(1<<62 - 1)
	}
	return time.Since(time.UnixMilli(v))
}

// kick enqueues a send task for every batch with pending rows. With
// orphans, a batch whose task still exists but is active (its worker died:
// the run is idle) or archived gets a fresh task id: claims are conditional,
// so a second task on a batch can never send a row twice.
func (e *Engine) kick(ctx context.Context, runID int64, orphans bool) error {
	batches, err := e.Store.PendingBatches(ctx, runID)
	if err != nil || len(batches) == 0 {
		return err
	}
	if !orphans {
		return e.enqueueBatches(ctx, runID, batches)
	}
	for _, b := range batches {
		if err := e.kickOrphan(ctx, runID, b); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) kickOrphan(ctx context.Context, runID int64, b store.BatchRef) error {
	id := SendTaskID(runID, b.Batch)
	t, err := NewSendBatchTask(runID, b.Batch, b.Channel, e.Cfg.TaskTimeout, id)
	if err != nil {
		return err
	}
	if fresh, err := e.enqueue(ctx, t); err != nil || fresh {
		return err
	}
	info, err := e.Insp.GetTaskInfo(Queue, id)
	if err != nil {
		return nil // gone meanwhile: the next sweep enqueues it
	}
	if info.State != asynq.TaskStateActive && info.State != asynq.TaskStateArchived && info.State != asynq.TaskStateCompleted {
		return nil // pending, scheduled or retrying: it will run
	}
	alt := fmt.Sprintf("%s:r%d", id, time.Now().UnixNano())
	t, err = NewSendBatchTask(runID, b.Batch, b.Channel, e.Cfg.TaskTimeout, alt)
	if err != nil {
		return err
	}
	_, err = e.enqueue(ctx, t)
	return err
}
