// Package bench is `loa bench broadcast`: the broadcast engine measured
// against its targets on a scratch database, a private redis-server and the
// fake Bot API. Only the bench command reaches it; no process links it in
// for serving.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/bot/telegram"
	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/jobs"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// Options are the `loa bench broadcast` flags.
type Options struct {
	Recipients, Send, RateSecs, RSSSecs, Concurrency int
	Quick                                            bool
	// Only: a comma-separated list of rows to measure (uncapped, naive,
	// capped, floor, strict, crash, freeze, zalo); empty = all.
	Only string
	// Child, ChildDSN, ChildRedis, ChildTG: internal, set when this process
	// is the RSS worker subprocess of another benchmark run.
	Child                         int64
	ChildDSN, ChildRedis, ChildTG string
	// ChildServe: the subprocess serves tasks (at ChildRate, paid with
	// ChildPaid, the naive handler too) until SIGTERM, after saying "ready".
	ChildServe, ChildPaid bool
	ChildRate             int
	// FloorChild: internal, the floor row's subprocess sends this many
	// messages to ChildTG at ChildRate (see floor).
	FloorChild int
}

// Env is what the benchmark needs from the command that runs it.
type Env struct {
	DatabaseURL    string // the scratch database is created beside this one
	Stdout, Stderr io.Writer
}

// Broadcast measures the engine against its targets on a scratch database
// and a private redis-server, and prints the table.
func Broadcast(ctx context.Context, env Env, o Options) error {
	// `loa bench broadcast | head` must not kill the bench by SIGPIPE before
	// it drops its scratch database and stops its private redis-server.
	signal.Ignore(syscall.SIGPIPE)
	if o.Child != 0 {
		return benchChild(ctx, env, o)
	}
	if o.FloorChild > 0 {
		return floorChild(ctx, env, o)
	}
	b, err := newBencher(ctx, env, o)
	if err != nil {
		return err
	}
	defer b.close()
	return b.run(ctx)
}

// bencher holds the scratch world: database, private Redis, rows of results.
type bencher struct {
	a     Env
	o     Options
	st    *store.Store
	dsn   string
	drop  func() error
	redis *exec.Cmd
	ropt  *redis.Options
	rdb   *redis.Client
	rows  [][4]string // measure, result, target, verdict
	start time.Time
}

func newBencher(ctx context.Context, a Env, o Options) (*bencher, error) {
	b := &bencher{a: a, o: o, start: time.Now()}
	name := fmt.Sprintf("loa_bench_%d", time.Now().UnixNano()%1_000_000_000)
	dsn, drop, err := store.CreateScratchDatabase(ctx, a.DatabaseURL, name)
	if err != nil {
		return nil, err
	}
	b.dsn, b.drop = dsn, drop
	if b.st, err = store.Open(ctx, dsn); err != nil {
		b.close()
		return nil, err
	}
	if err := b.startRedis(ctx); err != nil {
		b.close()
		return nil, err
	}
	fmt.Fprintf(a.Stderr, "bench: scratch database %s, private redis-server at %s\n", name, b.ropt.Addr)
	return b, nil
}

// startRedis runs a private redis-server so the figures (used_memory, queue
// sizes) are this benchmark's alone and no real worker steals its tasks.
func (b *bencher) startRedis(ctx context.Context) error {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return fmt.Errorf("bench needs redis-server on PATH for a private Redis: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	b.redis = exec.Command(path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := b.redis.Start(); err != nil {
		return err
	}
	b.ropt = &redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port), PoolSize: 64}
	b.rdb = redis.NewClient(b.ropt)
	for i := 0; b.rdb.Ping(ctx).Err() != nil; i++ {
		if i > 200 {
			return errors.New("private redis-server did not start")
		}
		time.Sleep(25 * time.Millisecond)
	}
	return nil
}

func (b *bencher) close() {
	if b.rdb != nil {
		b.rdb.Close()
	}
	if b.redis != nil && b.redis.Process != nil {
		b.redis.Process.Kill()
		b.redis.Wait()
	}
	if b.st != nil {
		b.st.Close()
	}
	if b.drop != nil {
		if err := b.drop(); err != nil {
			fmt.Fprintf(b.a.Stderr, "bench: drop scratch database: %v\n", err)
		}
	}
}

func (b *bencher) add(measure, result, target string, ok bool) {
	verdict := "ok"
	if !ok {
		verdict = "MISSED"
	}
	b.addRow(measure, result, target, verdict)
}

// info adds a row that has no target, only a figure to compare.
func (b *bencher) info(measure, result, note string) { b.addRow(measure, result, note, "-") }

func (b *bencher) addRow(measure, result, target, verdict string) {
	b.rows = append(b.rows, [4]string{measure, result, target, verdict})
	fmt.Fprintf(b.a.Stderr, "bench: %s: %s\n", measure, result)
}

func (b *bencher) logf(format string, args ...any) {
	fmt.Fprintf(b.a.Stderr, "bench: "+format+"\n", args...)
}

// engine makes an engine on the scratch world sending to apiURL.
func (b *bencher) engine(apiURL, token string, rate int, cfg jobs.Config) (*jobs.Engine, error) {
	sender, err := telegram.NewSender(token, apiURL, false)
	if err != nil {
		return nil, err
	}
	return jobs.NewEngine(b.st, b.rdb, jobs.AsynqRedisOpt(b.ropt), nil,
		slog.New(slog.NewTextHandler(io.Discard, nil)), cfg).AddChannel(sender, rate), nil
}

func (b *bencher) server(e *jobs.Engine, concurrency int) (*asynq.Server, error) {
	cfg := jobs.ServerConfig(concurrency, slog.New(slog.NewTextHandler(io.Discard, nil)))
	cfg.LogLevel = asynq.ErrorLevel
	srv := asynq.NewServer(jobs.AsynqRedisOpt(b.ropt), cfg)
	mux := asynq.NewServeMux()
	e.Register(mux)
	e.RegisterNaive(mux) // the baseline, on the benchmark's own worker only
	return srv, srv.Start(mux)
}

func (b *bencher) newRun(ctx context.Context, aud messages.Audience) (int64, error) {
	spec := messages.CampaignSpec{Name: "bench", Audience: aud, Schedule: messages.Schedule{Timezone: messages.DefaultTimezone},
		Content: messages.Content{Variants: map[string]messages.Variant{
			"vi": {Text: "<b>Chào {name}!</b> Thông báo thử của Loa.", ButtonText: "Xem", ButtonURL: "https://dichvucong.gov.vn"},
			"en": {Text: "<b>Hello {name}!</b> A test notice from Loa."}}}}
	bc, err := b.st.CreateBroadcast(ctx, store.NewBroadcast{Spec: spec, Approved: true}, store.SystemActor)
	if err != nil {
		return 0, err
	}
	return b.st.CreateRun(ctx, bc.ID, time.Now(), store.SystemActor)
}

func (b *bencher) waitDone(ctx context.Context, run int64, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		r, err := b.st.RunByID(ctx, run)
		if err != nil {
			return err
		}
		if r.Status == store.RunDone {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("run %d not done after %s", run, within)
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// freezeAndMemory grows the scratch table to o.Recipients subscribers, times
// the freeze, then measures a worker subprocess's peak RSS and the Redis
// memory for a run of a tenth of them and of all of them.
func (b *bencher) freezeAndMemory(ctx context.Context) error {
	n := b.o.Recipients
	b.logf("generating %d more subscribers (one INSERT ... SELECT generate_series)", n-b.o.Send)
	t0 := time.Now()
	if _, _, err := b.st.GenerateSubscribers(ctx, store.Generated{N: n - b.o.Send, ChatIDBase: 10_000_000, EnglishPct: 10, Prefix: "f"}); err != nil {
		return err
	}
	b.logf("generated in %s", time.Since(t0).Round(time.Millisecond))
	if _, err := b.st.DB().ExecContext(ctx, `ANALYZE subscribers`); err != nil {
		return err
	}
	small, err := b.newRun(ctx, messages.Audience{Languages: []string{"en"}})
	if err != nil {
		return err
	}
	all, err := b.newRun(ctx, messages.Audience{})
	if err != nil {
		return err
	}
	if _, err := b.st.FreezeAudience(ctx, small, 500); err != nil {
		return err
	}
	t0 = time.Now()
	p, err := b.st.FreezeAudience(ctx, all, 500)
	if err != nil {
		return err
	}
	took := time.Since(t0)
	b.add(fmt.Sprintf("freeze %d subscribers (%d batches)", p.Total, p.Batches), took.Round(10*time.Millisecond).String(), "< 10 s", took < 10*time.Second)
	rssSmall, _, err := b.rss(ctx, small)
	if err != nil {
		return err
	}
	rssAll, redisAll, err := b.rss(ctx, all)
	if err != nil {
		return err
	}
	smallN := n / 10
	b.add(fmt.Sprintf("worker peak RSS (VmHWM), %d vs %d recipients", smallN, n),
		fmt.Sprintf("%.1f MB vs %.1f MB (%.2fx)", mb(rssSmall), mb(rssAll), float64(rssAll)/float64(rssSmall)), "< 50 MB, ≤ 1.2x",
		rssAll < 50<<20 && float64(rssAll) <= 1.2*float64(rssSmall))
	b.add(fmt.Sprintf("Redis memory, %d-recipient run (used_memory peak - baseline)", n), fmt.Sprintf("%.1f MB", mb(redisAll)), "< 50 MB", redisAll < 50<<20)
	return nil
}

func mb(v int64) float64 { return float64(v) / (1 << 20) }

// rss runs a worker subprocess (this binary, `bench broadcast --worker-child`)
// that plans the frozen run (enqueueing every batch) and sends for
// rssSecs, then reports its VmHWM; meanwhile Redis used_memory is sampled.
func (b *bencher) rss(ctx context.Context, run int64) (hwm, redisPeak int64, err error) {
	fake := tgfake.New(tgfake.WithoutRecording())
	defer fake.Close()
	base, err := b.usedMemory(ctx)
	if err != nil {
		return 0, 0, err
	}
	exe, err := os.Executable()
	if err != nil {
		return 0, 0, err
	}
	cmd := exec.CommandContext(ctx, exe, "bench", "broadcast", "--worker-child", strconv.FormatInt(run, 10),
		"--child-dsn", b.dsn, "--child-redis", b.ropt.Addr, "--child-tg", fake.URL(),
		"--rss-seconds", strconv.Itoa(b.o.RSSSecs), "--concurrency", strconv.Itoa(b.o.Concurrency))
	cmd.Stderr = b.a.Stderr
	var out strings.Builder
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	peak := base
	for waiting := true; waiting; {
		select {
		case err = <-done:
			waiting = false
		case <-time.After(100 * time.Millisecond):
			if m, err := b.usedMemory(ctx); err == nil && m > peak {
				peak = m
			}
		}
	}
	if err != nil {
		return 0, 0, fmt.Errorf("worker subprocess: %w", err)
	}
	if _, err := fmt.Sscanf(strings.TrimSpace(out.String()), "vmhwm_kb %d", &hwm); err != nil {
		return 0, 0, fmt.Errorf("worker subprocess said %q", out.String())
	}
	b.logf("run %d: worker VmHWM %d kB, sent %d in %d s; Redis peak +%.1f MB", run, hwm, fake.Count(), b.o.RSSSecs, mb(peak-base))
	if _, err := b.st.CancelRun(ctx, run, store.SystemActor); err != nil && !errors.Is(err, store.ErrConflict) {
		return 0, 0, err // (a conflict: the run already finished)
	}
	if err := b.rdb.FlushDB(ctx).Err(); err != nil {
		return 0, 0, err
	}
	return hwm << 10, peak - base, nil
}

func (b *bencher) usedMemory(ctx context.Context) (int64, error) {
	info, err := b.rdb.Info(ctx, "memory").Result()
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, errors.New("INFO memory has no used_memory")
}

// benchChild is a worker subprocess: with ChildServe it serves tasks
// until SIGTERM (the measured runs); otherwise it plans the frozen run and
// sends for RSSSecs (the RSS runs). Either way it prints its VmHWM last.
// Its connections carry application_name loa-bench-worker, so the parent
// can find their PostgreSQL backends.
func benchChild(ctx context.Context, a Env, o Options) error {
	run, dsn, redisAddr, tgURL := o.Child, o.ChildDSN, o.ChildRedis, o.ChildTG
	if strings.Contains(dsn, "?") {
		dsn += "&application_name=loa-bench-worker"
	} else {
		dsn += "?application_name=loa-bench-worker"
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	// as a worker does (app/engine.go): no connection churn
	st.DB().SetMaxOpenConns(jobs.PoolSize(o.Concurrency))
	st.DB().SetMaxIdleConns(jobs.PoolSize(o.Concurrency))
	ropt := &redis.Options{Addr: redisAddr, PoolSize: 64, ContextTimeoutEnabled: true}
	rdb := redis.NewClient(ropt)
	defer rdb.Close()
	sender, err := telegram.NewSender(tgfake.DefaultToken, tgURL, o.ChildPaid)
	if err != nil {
		return err
	}
	e := jobs.NewEngine(st, rdb, jobs.AsynqRedisOpt(ropt), nil,
		slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.Config{}).AddChannel(sender, o.ChildRate)
	defer e.Close()
	cfg := jobs.ServerConfig(o.Concurrency, slog.New(slog.NewTextHandler(io.Discard, nil)))
	cfg.LogLevel = asynq.ErrorLevel
	srv := asynq.NewServer(jobs.AsynqRedisOpt(ropt), cfg)
	mux := asynq.NewServeMux()
	e.Register(mux)
	if o.ChildServe {
		e.RegisterNaive(mux)
	}
	if err := srv.Start(mux); err != nil {
		return err
	}
	if stop, err := cpuProfile(os.Getenv("LOA_BENCH_CPUPROFILE")); err != nil {
		return err
	} else {
		defer stop()
	}
	if o.ChildServe {
		fmt.Fprintln(a.Stdout, "ready")
		<-ctx.Done() // SIGTERM from the parent
	} else {
		if err := e.EnqueuePlan(ctx, run); err != nil {
			return err
		}
		time.Sleep(time.Duration(o.RSSSecs) * time.Second)
	}
	e.Stop()
	srv.Shutdown()
	kb, err := vmHWM()
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "vmhwm_kb %d\n", kb)
	return nil
}

// cpuProfile writes a Go CPU profile of this worker subprocess to path
// (LOA_BENCH_CPUPROFILE) until stop; an empty path profiles nothing. It is
// how the capped row's figures are explained (issue 13: profile first).
func cpuProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// vmHWM is the process's peak resident set size in kB (Linux).
func vmHWM() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}

func (b *bencher) print() error {
	host, _ := os.Hostname()
	fmt.Fprintf(b.a.Stdout, "loa bench broadcast — %d recipients, %d per send run, %d CPUs, host %s, took %s\n\n",
		b.o.Recipients, b.o.Send, runtime.NumCPU(), host, time.Since(b.start).Round(time.Second))
	tw := tabwriter.NewWriter(b.a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MEASURE\tRESULT\tTARGET\t")
	for _, r := range b.rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r[0], r[1], r[2], r[3])
	}
	return tw.Flush()
}
