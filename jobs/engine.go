package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/store"
)

// Config tunes the engine; zero fields take the defaults in withDefaults,
// which are the fast ones (issue 13; app/config.go reads them from LOA_*).
type Config struct {
	BatchSize int // recipients per batch task (1000)
	// ClaimSize: rows one task claims at once (500). Each row is
	// journaled right before it is sent (journal.go) and only those can
	// become 'unknown' in a crash, so a claim can be large.
	ClaimSize int
	// RecordSize, RecordEvery: outcomes are written every RecordSize rows
	// (200) or RecordEvery (1 s), whichever comes first.
	RecordSize  int
	RecordEvery time.Duration
	// Senders: rows of one claim in flight at once (8), above 100 msg/s;
	// at the free rates one, since the limiter spaces every send anyway.
	Senders int
	// LeaseTTL: a claim not renewed for this long belongs to a dead worker
	// (15 s); live workers renew every LeaseTTL/3. With the sweeper every
	// 5 s, a crash is noticed within 20 s.
	LeaseTTL    time.Duration
	MaxAttempts int             // claims of one row before a transient failure becomes 'failed' (5)
	Backoff     []time.Duration // in-task retries of a transient failure
	TaskTimeout time.Duration   // a batch task's Asynq timeout (30 min)
	// StaleAfter: a row claimed without a lease (the naive baseline)
	// 'sending' for longer is an unknown outcome. It must exceed
	// TaskTimeout, after which no handler can still own the row.
	StaleAfter time.Duration
	// IdleAfter: a sending run with no progress for this long gets its
	// pending batches enqueued again (lost tasks after a Redis restart,
	// tasks orphaned by a killed worker).
	IdleAfter time.Duration
	// StatePoll: how often a sender re-reads the run status (pause/cancel).
	StatePoll time.Duration
	// Now is the clock for leases (tests set a fake); nil = time.Now.
	Now func() time.Time
}

// DefaultConfig is the engine's configuration with every default filled in.
func DefaultConfig() Config { return Config{}.withDefaults() }

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.BatchSize, 1000)
	def(&c.ClaimSize, 500)
	def(&c.RecordSize, 200)
	def(&c.Senders, 8)
	defD(&c.RecordEvery, time.Second)
	defD(&c.LeaseTTL, 15*time.Second)
	def(&c.MaxAttempts, 5)
	if c.Backoff == nil {
		c.Backoff = []time.Duration{200 * time.Millisecond, time.Second, 3 * time.Second}
	}
	defD(&c.TaskTimeout, 30*time.Minute)
	defD(&c.StaleAfter, c.TaskTimeout+time.Minute)
	defD(&c.IdleAfter, 30*time.Second)
	defD(&c.StatePoll, 250*time.Millisecond)
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// PoolSize is how many PostgreSQL connections a worker of that Asynq
// concurrency wants: each batch claims on one and a record
// from another sender of its claim may overlap it, plus a few for lease
// renewals, run status and finishing; never fewer than the store's 20.
func PoolSize(concurrency int) int { return max(20, 2*concurrency+4) }

// Engine holds what the handlers, the scheduler and the control commands
// share, and the channels this process sends on: one per name, each with
// its own rate limit shared in Redis by every worker.
type Engine struct {
	Store   *store.Store
	Redis   *redis.Client
	Client  *asynq.Client
	Insp    *asynq.Inspector
	Metrics *Metrics
	Log     *slog.Logger
	Cfg     Config

	lanes map[string]*lane

	states runStates // each run's status, shared by this process's batches

	stopOnce sync.Once
	stopping chan struct{}

	journals journals // claim journal writes (journal.go)

	// claims this process holds; renewLoop extends their leases
	claimsMu  sync.Mutex
	claims    map[int64]struct{}
	renewing  bool
	closeOnce sync.Once
	closed    chan struct{}
	renewDone chan struct{}
}

// lane is one channel as the engine sends on it.
type lane struct {
	ch  channel.Channel
	lim *Limiter
	// turn, at the paid rates, lets one claim of this process send at a
	// time (see takeTurn); nil = every claim sends at once.
	turn chan struct{}
}

// newLane wires a channel and its limiter. Above the free rates a claim's
// senders (Cfg.Senders) are many times what the rate needs, so the claims of
// this process take turns: the profile of a capped worker (session 6) had
// 16 claims share each block of slots, so every send journaled alone (a
// Redis round trip per message, 32% of the worker's CPU) and each claim
// recorded 60 rows a second.
func newLane(ch channel.Channel, lim *Limiter) *lane {
	ln := &lane{ch: ch, lim: lim}
	if lim.perSec > 100 {
		ln.turn = make(chan struct{}, 1)
	}
	return ln
}

// NewEngine wires an engine without channels: enough for processes that
// only schedule or control runs. Workers add theirs with AddChannel.
func NewEngine(st *store.Store, rdb *redis.Client, redisOpt asynq.RedisConnOpt, m *Metrics, log *slog.Logger, cfg Config) *Engine {
	return &Engine{Store: st, Redis: rdb, Client: asynq.NewClient(redisOpt), Insp: asynq.NewInspector(redisOpt),
		Metrics: m, Log: log, Cfg: cfg.withDefaults(), lanes: map[string]*lane{}, stopping: make(chan struct{}),
		claims: map[int64]struct{}{}, closed: make(chan struct{}), renewDone: make(chan struct{}),
		journals: journals{rdb: rdb}}
}

// AddChannel lets this engine send on ch, at most perSecond messages a
// second across every worker of the fleet (0 = no limit, for benchmarks
// against a fake), with its own 429 pause. Adding a channel of the same
// name again replaces it. It returns e, so wiring stays one line.
func (e *Engine) AddChannel(ch channel.Channel, perSecond int) *Engine {
	if !channel.ValidName.MatchString(ch.Name()) {
		panic(fmt.Sprintf("jobs: channel name %q is not a valid subscribers.channel", ch.Name())) // a wiring mistake
	}
	e.lanes[ch.Name()] = newLane(ch, NewPacedLimiter(e.Redis, ch.Name(), perSecond, pacingOf(ch), e.Metrics))
	return e
}

// Channel returns the channel of that name this engine sends on.
func (e *Engine) Channel(name string) (channel.Channel, bool) {
	l, ok := e.lanes[name]
	if !ok {
		return nil, false
	}
	return l.ch, true
}

// Limiter returns the shared rate limiter of a channel (nil if the engine
// does not send on it).
func (e *Engine) Limiter(name string) *Limiter {
	if l, ok := e.lanes[name]; ok {
		return l.lim
	}
	return nil
}

// Close stops renewing leases and releases the Asynq client and inspector.
func (e *Engine) Close() {
	e.closeOnce.Do(func() {
		close(e.closed)
		e.claimsMu.Lock()
		running := e.renewing
		e.renewing = true // none starts after Close
		e.claimsMu.Unlock()
		if running {
			<-e.renewDone
		}
		e.Client.Close()
		e.Insp.Close()
	})
}

// leaseUntil is when a claim taken or renewed now runs out.
func (e *Engine) leaseUntil() time.Time { return e.Cfg.Now().Add(e.Cfg.LeaseTTL) }

// hold notes a claim this process works on, so its lease is renewed.
func (e *Engine) hold(id int64) {
	e.claimsMu.Lock()
	defer e.claimsMu.Unlock()
	e.claims[id] = struct{}{}
	if !e.renewing {
		e.renewing = true
		go e.renewLoop()
	}
}

func (e *Engine) release(id int64) {
	e.claimsMu.Lock()
	delete(e.claims, id)
	e.claimsMu.Unlock()
}

// renewLoop is this worker's heartbeat: every LeaseTTL/3 one UPDATE
// extends the leases of all the claims it holds (a sender waiting out a
// long 429 pause journals nothing meanwhile).
func (e *Engine) renewLoop() {
	defer close(e.renewDone)
	t := time.NewTicker(e.Cfg.LeaseTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-e.closed:
			return
		case <-t.C:
		}
		e.claimsMu.Lock()
		ids := make([]int64, 0, len(e.claims))
		for id := range e.claims {
			ids = append(ids, id)
		}
		e.claimsMu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), e.Cfg.LeaseTTL/3)
		if err := e.Store.RenewClaims(ctx, ids, e.leaseUntil()); err != nil {
			e.Log.Warn("renew claim leases", "claims", len(ids), "err", err)
		}
		cancel()
	}
}

// Stop tells running handlers to hand their unsent rows back and return, so
// a shutdown finishes well within Asynq's ShutdownTimeout.
func (e *Engine) Stop() { e.stopOnce.Do(func() { close(e.stopping) }) }

func (e *Engine) stopped() bool {
	select {
	case <-e.stopping:
		return true
	default:
		return false
	}
}

// Register adds the engine's handlers to mux. The naive baseline is not
// among them: only `loa bench` registers it (RegisterNaive).
func (e *Engine) Register(mux *asynq.ServeMux) {
	mux.HandleFunc(TypePlanRun, e.HandlePlanRunTask)
	mux.HandleFunc(TypeSendBatch, e.HandleSendBatchTask)
}

// ServerConfig is the Asynq server configuration the engine expects.
func ServerConfig(concurrency int, log *slog.Logger) asynq.Config {
	return asynq.Config{
		Concurrency: concurrency,
		Queues:      map[string]int{Queue: 1},
		// Asynq's default is ≥15 s; a batch that hit a 5xx wave should come
		// back in seconds. Retries count up slowly to a 30 s ceiling.
		RetryDelayFunc: func(n int, _ error, _ *asynq.Task) time.Duration {
			return min(time.Duration(n+1)*time.Second, 30*time.Second)
		},
		ShutdownTimeout:          8 * time.Second,
		DelayedTaskCheckInterval: time.Second,
		TaskCheckInterval:        200 * time.Millisecond,
		LogLevel:                 asynq.WarnLevel,
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			log.Warn("broadcast task failed", "type", t.Type(), "payload", string(t.Payload()), "err", err)
		}),
	}
}

// enqueue adds a task; a conflict with an existing task id is success.
func (e *Engine) enqueue(ctx context.Context, t *asynq.Task) (bool, error) {
	_, err := e.Client.EnqueueContext(ctx, t)
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", t.Type(), err)
	}
	return true, nil
}

// EnqueuePlan enqueues a run's plan task (idempotent by task id).
func (e *Engine) EnqueuePlan(ctx context.Context, runID int64) error {
	t, err := NewPlanRunTask(runID)
	if err != nil {
		return err
	}
	_, err = e.enqueue(ctx, t)
	return err
}

// enqueueBatches enqueues send tasks with deterministic ids from a few
// goroutines: 2,000 batches for a million recipients is 2,000 round trips.
func (e *Engine) enqueueBatches(ctx context.Context, runID int64, batches []store.BatchRef) error {
	const workers = 8
	ch := make(chan store.BatchRef)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range ch {
				t, err := NewSendBatchTask(runID, b.Batch, b.Channel, e.Cfg.TaskTimeout, SendTaskID(runID, b.Batch))
				if err == nil {
					_, err = e.enqueue(ctx, t)
				}
				if err != nil {
					errs <- err
					for range ch {
					}
					return
				}
			}
		}()
	}
	for _, b := range batches {
		ch <- b
	}
	close(ch)
	wg.Wait()
	close(errs)
	return <-errs
}

// batchesOf lists a fresh plan's batches with their channels.
func batchesOf(p store.Plan) []store.BatchRef {
	out := make([]store.BatchRef, 0, p.Batches)
	for _, c := range p.Channels {
		for b := c.First; b < c.First+c.Batches; b++ {
			out = append(out, store.BatchRef{Batch: b, Channel: c.Channel})
		}
	}
	return out
}
