package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lib/pq"

	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/jobs"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

func (b *bencher) run(ctx context.Context) error {
	o := b.o
	if o.Quick {
		fmt.Fprintln(b.a.Stdout, "SMOKE RUN (--quick): short runs dominated by start-up; these are not measurements.")
	}
	b.logf("generating %d subscribers for the send runs", o.Send)
	if _, _, err := b.st.GenerateSubscribers(ctx, store.Generated{N: o.Send, ChatIDBase: 1_000_000, EnglishPct: 10, Prefix: "s"}); err != nil {
		return err
	}
	if _, err := b.st.DB().ExecContext(ctx, `ANALYZE subscribers`); err != nil {
		return err
	}
	want := func(row string) bool { return o.Only == "" || strings.Contains(","+o.Only+",", ","+row+",") }
	var up sendResult
	if want("uncapped") || want("naive") {
		// uncapped, default settings, a record per recipient
		var err error
		if up, err = b.measure(ctx, sendSpec{n: o.Send}); err != nil {
			return fmt.Errorf("uncapped send: %w", err)
		}
		b.info(fmt.Sprintf("uncapped, default settings, %d recipients, records included, to the fake Bot API", up.n), up.String(),
			"no target: the fake's own CPU shares the cores")
	}
	if want("uncapped") {
		sk, err := b.measure(ctx, sendSpec{n: o.Send, sink: true})
		if err != nil {
			return fmt.Errorf("uncapped send to the sink: %w", err)
		}
		b.add(fmt.Sprintf("uncapped, default settings, %d recipients, records included, to a minimal HTTP sink (as issue 13 measured listmonk)", sk.n), sk.String(),
			"≥ 20,000 msg/s, ≤ 60 µs/msg", sk.rate >= 20_000 && sk.total() <= 60)
	}
	if want("naive") {
		nv, err := b.measure(ctx, sendSpec{n: max(o.Send/5, 1000), naive: true})
		if err != nil {
			return fmt.Errorf("naive send: %w", err)
		}
		b.add(fmt.Sprintf("naive one-task-per-recipient baseline, %d recipients", nv.n), nv.String(),
			"batched ≥ 4x its msg/s", up.rate >= 4*nv.rate)
	}
	if want("capped") {
		capN := min(o.Send, max(1000*o.RateSecs, 5000))
		cp, err := b.measure(ctx, sendSpec{n: capN, rate: 1000, paid: true,
			fake: []tgfake.Option{tgfake.WithRateLimit(30), tgfake.WithRecordLimit(capN + 10)}})
		if err != nil {
			return fmt.Errorf("capped send: %w", err)
		}
		b.add(fmt.Sprintf("capped at 1000 msg/s (paid), %d recipients", cp.n), fmt.Sprintf("%s; %d× 429, busiest second %d", cp, cp.tooMany, cp.window),
			"≤ 100 µs/msg, 980-1000 msg/s, zero 429", cp.total() <= 100 && cp.rate >= 980 && cp.rate <= 1000 && cp.tooMany == 0 && cp.window <= 1000)
	}
	if want("floor") {
		if err := b.floor(ctx, min(o.Send, max(1000*o.RateSecs/3, 5000))); err != nil {
			return err
		}
	}
	if want("strict") {
		if err := b.strictRate(ctx); err != nil {
			return fmt.Errorf("rate: %w", err)
		}
	}
	if want("crash") {
		if err := b.crashDetection(ctx); err != nil {
			return fmt.Errorf("crash detection: %w", err)
		}
	}
	if want("freeze") {
		if err := b.freezeAndMemory(ctx); err != nil {
			return err
		}
	}
	if want("zalo") {
		b.zaloRate(ctx)
	}
	return b.print()
}

// sendSpec is one measured send run.
type sendSpec struct {
	n     int
	rate  int
	paid  bool
	naive bool
	sink  bool // send to the minimal sink, not the fake Bot API (see sink)
	fake  []tgfake.Option
}

// sendResult is what a measured run cost.
type sendResult struct {
	n                     int
	took                  time.Duration
	rate                  float64
	worker, pg, redis     float64 // µs of CPU per message
	rssMB                 float64
	tooMany, window, sent int
}

func (r sendResult) total() float64 { return r.worker + r.pg + r.redis }

func (r sendResult) String() string {
	return fmt.Sprintf("%.0f msg/s; CPU µs/msg worker %.1f + PostgreSQL %.1f + Redis %.1f = %.1f; worker RSS %.1f MB",
		r.rate, r.worker, r.pg, r.redis, r.total(), r.rssMB)
}

// sendOnly leaves the run's first n recipients pending and skips the rest
// before the clock starts.
func (b *bencher) sendOnly(ctx context.Context, run int64, n int) error {
	_, err := b.st.DB().ExecContext(ctx, `UPDATE deliveries SET status = 'skipped', reason = 'bench'
		WHERE run_id = $1 AND subscriber_id >= (SELECT subscriber_id FROM deliveries WHERE run_id = $1 ORDER BY subscriber_id OFFSET $2 LIMIT 1)`,
		run, n)
	if err == nil {
		_, err = b.st.DB().ExecContext(ctx, `ANALYZE deliveries`)
	}
	return err
}

// measure runs one campaign to spec.n recipients through a worker
// subprocess (this binary) against a fake Bot API in this process, and
// reads from /proc the CPU the worker, the PostgreSQL backends of its
// connections and the private redis-server spent until the last record.
func (b *bencher) measure(ctx context.Context, sp sendSpec) (sendResult, error) {
	fake := tgfake.New(append([]tgfake.Option{tgfake.WithoutRecording()}, sp.fake...)...)
	defer fake.Close()
	apiURL := fake.URL()
	var sk *sink
	if sp.sink {
		var err error
		if sk, err = newSink(); err != nil {
			return sendResult{}, err
		}
		defer sk.close()
		apiURL = sk.URL()
	}
	run, err := b.newRun(ctx, messages.Audience{})
	if err != nil {
		return sendResult{}, err
	}
	if _, err := b.st.FreezeAudience(ctx, run, jobs.DefaultConfig().BatchSize); err != nil {
		return sendResult{}, err
	}
	if err := b.sendOnly(ctx, run, sp.n); err != nil {
		return sendResult{}, err
	}
	e, err := b.engine(apiURL, fake.Token(), 0, jobs.Config{})
	if err != nil {
		return sendResult{}, err
	}
	defer e.Close()
	if sp.naive {
		if err := b.enqueueNaive(ctx, e, run, sp.n); err != nil {
			return sendResult{}, err
		}
	}
	child, err := b.startWorker(run, apiURL, sp)
	if err != nil {
		return sendResult{}, err
	}
	defer child.stop()
	cpu := newCPUSampler(b, child.cmd.Process.Pid)
	cpu.sample(ctx)
	stopSampling := cpu.every(ctx, 200*time.Millisecond)
	start := time.Now()
	if !sp.naive {
		if err := e.EnqueuePlan(ctx, run); err != nil {
			return sendResult{}, err
		}
	}
	if err := b.waitSent(ctx, run, sp.n, sp.naive, 20*time.Minute); err != nil {
		return sendResult{}, err
	}
	took := time.Since(start)
	stopSampling()
	cpu.sample(ctx)
	w, pg, rd := cpu.totals()
	hwm, err := child.stop()
	if err != nil {
		return sendResult{}, err
	}
	count, dups, sinkRate := fake.Count(), fake.Duplicates(), 0.0
	if sk != nil {
		count, dups, sinkRate = sk.counts()
	}
	if count != sp.n || dups != 0 {
		return sendResult{}, fmt.Errorf("%d sends counted, %d duplicates; want %d and 0", count, dups, sp.n)
	}
	us := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(sp.n) }
	r := sendResult{n: sp.n, took: took, rate: float64(sp.n) / took.Seconds(), worker: us(w), pg: us(pg), redis: us(rd),
		rssMB: mb(hwm), tooMany: fake.TooManyCount(), sent: count}
	if sinkRate > 0 {
		r.rate = sinkRate // the sending itself, start-up aside
	}
	if sent := fake.Sent(); len(sent) > 1 {
		r.window = busiestSecond(sent)
		first, last := sent[0].Time, sent[len(sent)-1].Time
		r.rate = float64(len(sent)-1) / last.Sub(first).Seconds() // the sending itself, start-up aside
	}
	b.logf("%d messages in %s: %s", sp.n, took.Round(time.Millisecond), r)
	return r, nil
}

func (b *bencher) enqueueNaive(ctx context.Context, e *jobs.Engine, run int64, n int) error {
	ids, err := b.st.RunSubscribers(ctx, run)
	if err != nil {
		return err
	}
	for _, id := range ids[:min(n, len(ids))] {
		t, err := jobs.NewSendOneTask(run, id)
		if err != nil {
			return err
		}
		if _, err := e.Client.EnqueueContext(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// waitSent waits until n rows of the run are recorded sent (naive) or
// the run is done (batched).
func (b *bencher) waitSent(ctx context.Context, run int64, n int, naive bool, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		if naive {
			var sent int
			if err := b.st.DB().GetContext(ctx, &sent, `SELECT count(*) FROM deliveries WHERE run_id = $1 AND status = 'sent'`, run); err != nil {
				return err
			}
			if sent >= n {
				return nil
			}
		} else if r, err := b.st.RunByID(ctx, run); err != nil {
			return err
		} else if r.Status == store.RunDone {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("run %d not done after %s", run, within)
		}
		if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

// busiestSecond is the most sends any one-second window held.
func busiestSecond(sent []tgfake.Sent) int {
	worst := 0
	for i, j := 0, 0; i < len(sent); i++ {
		for j < len(sent) && sent[j].Time.Sub(sent[i].Time) < time.Second {
			j++
		}
		worst = max(worst, j-i)
	}
	return worst
}

// worker is a worker subprocess serving tasks.
type worker struct {
	cmd  *exec.Cmd
	out  *bufio.Reader
	done bool
}

func (b *bencher) startWorker(run int64, tgURL string, sp sendSpec) (*worker, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"bench", "broadcast", "--worker-child", strconv.FormatInt(run, 10), "--child-serve",
		"--child-dsn", b.dsn, "--child-redis", b.ropt.Addr, "--child-tg", tgURL, "--child-rate", strconv.Itoa(sp.rate),
		"--concurrency", strconv.Itoa(b.o.Concurrency)}
	if sp.paid {
		args = append(args, "--child-paid")
	}
	cmd := exec.Command(exe, args...)
	cmd.Stderr = b.a.Stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	w := &worker{cmd: cmd, out: bufio.NewReader(pipe)}
	line, err := w.out.ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		w.kill()
		return nil, fmt.Errorf("worker subprocess said %q: %v", line, err)
	}
	return w, nil
}

// stop ends the worker with SIGTERM and returns its peak RSS in bytes.
func (w *worker) stop() (int64, error) {
	if w.done {
		return 0, nil
	}
	w.done = true
	w.cmd.Process.Signal(syscall.SIGTERM)
	line, _ := w.out.ReadString('\n')
	w.cmd.Wait()
	var kb int64
	if _, err := fmt.Sscanf(strings.TrimSpace(line), "vmhwm_kb %d", &kb); err != nil {
		return 0, fmt.Errorf("worker subprocess said %q", line)
	}
	return kb << 10, nil
}

func (w *worker) kill() {
	w.done = true
	w.cmd.Process.Kill()
	w.cmd.Wait()
}

// cpuSampler follows the CPU time of the worker subprocess, the PostgreSQL
// backends of its connections (application_name loa-bench-worker: the
// bench's own polling is not counted) and the private redis-server, from
// /proc/<pid>/stat. A backend that starts during the run counts from zero;
// one that ends counts up to its last sample (every 200 ms).
type cpuSampler struct {
	b               *bencher
	worker, redis   int
	first, last     map[int]time.Duration
	pgFirst, pgLast map[int]time.Duration
	mu              sync.Mutex
	started         bool
}

func newCPUSampler(b *bencher, workerPid int) *cpuSampler {
	return &cpuSampler{b: b, worker: workerPid, redis: b.redis.Process.Pid, first: map[int]time.Duration{}, last: map[int]time.Duration{},
		pgFirst: map[int]time.Duration{}, pgLast: map[int]time.Duration{}}
}

func (c *cpuSampler) sample(ctx context.Context) {
	var pids []int
	_ = c.b.st.DB().SelectContext(ctx, &pids, `SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'loa-bench-worker'`)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, pid := range []int{c.worker, c.redis} {
		if t, ok := procCPU(pid); ok {
			if _, seen := c.first[pid]; !seen {
				c.first[pid] = t
			}
			c.last[pid] = t
		}
	}
	for _, pid := range pids {
		if t, ok := procCPU(pid); ok {
			if _, seen := c.pgFirst[pid]; !seen && !c.started {
				c.pgFirst[pid] = t
			}
			c.pgLast[pid] = t
		}
	}
	c.started = true
}

func (c *cpuSampler) every(ctx context.Context, d time.Duration) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				c.sample(ctx)
			}
		}
	}()
	return func() { close(done); <-finished }
}

func (c *cpuSampler) totals() (worker, pg, redis time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for pid, t := range c.pgLast {
		pg += t - c.pgFirst[pid] // zero first: started during the run
	}
	return c.last[c.worker] - c.first[c.worker], pg, c.last[c.redis] - c.first[c.redis]
}

// procCPU is a process's user + system CPU time from /proc/<pid>/stat.
func procCPU(pid int) (time.Duration, bool) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	s := string(raw)
	// the command name is in parentheses and may hold spaces: fields follow the last ')'
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64) // field 14: utime
	st, err2 := strconv.ParseInt(f[12], 10, 64) // field 15: stime
	if err1 != nil || err2 != nil {
		return 0, false
	}
	const clkTck = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / clkTck, true
}

// strictRate runs three workers at a configured 30 msg/s against a fake
// Bot API that allows no burst (each send at least 1/30 s after the last)
// for rateSecs.
func (b *bencher) strictRate(ctx context.Context) error {
	const perSec = 30
	fake := tgfake.New(tgfake.WithStrictRateLimit(perSec), tgfake.WithRecordLimit(perSec*b.o.RateSecs+1000))
	defer fake.Close()
	run, err := b.newRun(ctx, messages.Audience{Languages: []string{"en"}})
	if err != nil {
		return err
	}
	for range 3 {
		e, err := b.engine(fake.URL(), fake.Token(), perSec, jobs.Config{})
		if err != nil {
			return err
		}
		defer e.Close()
		srv, err := b.server(e, 8)
		if err != nil {
			return err
		}
		defer srv.Shutdown()
		defer e.Stop()
		if err := e.EnqueuePlan(ctx, run); err != nil {
			return err
		}
	}
	b.logf("measuring the rate against a fake that allows no burst for %d s", b.o.RateSecs)
	for fake.Count() == 0 {
		if err := sleepCtx(ctx, 10*time.Millisecond); err != nil {
			return err
		}
	}
	if err := sleepCtx(ctx, time.Duration(b.o.RateSecs)*time.Second+500*time.Millisecond); err != nil {
		return err
	}
	sent := fake.Sent()
	if _, err := b.st.CancelRun(ctx, run, store.SystemActor); err != nil && !errors.Is(err, store.ErrConflict) {
		return err
	}
	if len(sent) < 2 {
		return errors.New("no sends recorded")
	}
	end := sent[0].Time.Add(time.Duration(b.o.RateSecs) * time.Second)
	n := 0
	for _, s := range sent {
		if !s.Time.After(end) {
			n++
		}
	}
	got := float64(n) / float64(b.o.RateSecs)
	worst := busiestSecond(sent)
	b.add(fmt.Sprintf("30 msg/s, 3 workers, fake allowing no burst, %d s", b.o.RateSecs),
		fmt.Sprintf("%.2f msg/s, %d answers of 429, busiest second %d", got, fake.TooManyCount(), worst),
		"≥ 27 msg/s, ≤ 5× 429, no second > 30", got >= 27 && fake.TooManyCount() <= 5 && worst <= perSec)
	return nil
}

// crashDetection kills a worker subprocess with SIGKILL mid-run while a
// replacement worker and a scheduler (default sweep, every 5 s) run, and
// times how long until the dead worker's claims are taken back and the run
// is done.
func (b *bencher) crashDetection(ctx context.Context) error {
	const n, rate = 6000, 300
	fake := tgfake.New(tgfake.WithRecordLimit(2 * n)) // kept: which unknown rows went out
	defer fake.Close()
	run, err := b.newRun(ctx, messages.Audience{})
	if err != nil {
		return err
	}
	if _, err := b.st.FreezeAudience(ctx, run, jobs.DefaultConfig().BatchSize); err != nil {
		return err
	}
	if err := b.sendOnly(ctx, run, n); err != nil {
		return err
	}
	e, err := b.engine(fake.URL(), fake.Token(), rate, jobs.Config{})
	if err != nil {
		return err
	}
	defer e.Close()
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go (&jobs.Scheduler{E: e}).Run(sctx)
	victim, err := b.startWorker(run, fake.URL(), sendSpec{rate: rate})
	if err != nil {
		return err
	}
	if err := e.EnqueuePlan(ctx, run); err != nil {
		return err
	}
	for fake.Count() < n/4 {
		if err := sleepCtx(ctx, 10*time.Millisecond); err != nil {
			return err
		}
	}
	var held []int64
	if err := b.st.DB().SelectContext(ctx, &held, `SELECT id FROM claims WHERE run_id = $1`, run); err != nil {
		return err
	}
	victim.kill()
	killed := time.Now()
	b.logf("worker killed at %d sends, holding %d claims", fake.Count(), len(held))
	spare, err := b.startWorker(run, fake.URL(), sendSpec{rate: rate})
	if err != nil {
		return err
	}
	defer spare.stop()
	var detected time.Duration
	for {
		var left int
		if err := b.st.DB().GetContext(ctx, &left, `SELECT count(*) FROM claims WHERE id = ANY($1)`, pq.Array(held)); err != nil {
			return err
		}
		if left == 0 && detected == 0 {
			detected = time.Since(killed)
		}
		r, err := b.st.RunByID(ctx, run)
		if err != nil {
			return err
		}
		if r.Status == store.RunDone && detected > 0 {
			break
		}
		if time.Since(killed) > 5*time.Minute {
			return fmt.Errorf("run %d not done 5 min after the kill", run)
		}
		if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	finished := time.Since(killed)
	p, err := b.st.RunProgress(ctx, run)
	if err != nil {
		return err
	}
	sentUnknown, unsentUnknown, err := b.unknownSplit(ctx, run, fake)
	if err != nil {
		return err
	}
	b.add("crash: SIGKILL of a worker mid-run (300 msg/s, lease 15 s, sweep 5 s)",
		fmt.Sprintf("claims taken back %s after the kill, run done after %s; %d duplicates; %d unknown: %d were sent (in flight), %d never sent (journaled, not yet on the wire)",
			detected.Round(100*time.Millisecond), finished.Round(100*time.Millisecond), fake.Duplicates(),
			p.ByStatus[store.DeliveryUnknown], sentUnknown, unsentUnknown),
		"detected ≤ 30 s, no duplicate, unknown ≤ in flight", detected <= 30*time.Second && fake.Duplicates() == 0 && unsentUnknown == 0)
	return nil
}

// unknownSplit counts the run's unknown rows whose recipient the fake
// received a message from (sent but never recorded: in flight at the
// crash) and those it did not (journaled, never sent). Unknown rows are
// never sent again, so the fake's records tell them apart.
func (b *bencher) unknownSplit(ctx context.Context, run int64, fake *tgfake.Server) (sent, unsent int, err error) {
	var chats []int64
	err = b.st.DB().SelectContext(ctx, &chats, `SELECT s.chat_id FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id
		WHERE d.run_id = $1 AND d.status = 'unknown'`, run)
	if err != nil {
		return 0, 0, fmt.Errorf("unknown rows of run %d: %w", run, err)
	}
	got := map[int64]bool{}
	for _, r := range fake.Sent() {
		got[r.ChatID] = true
	}
	for _, c := range chats {
		if got[c] {
			sent++
		} else {
			unsent++
		}
	}
	return sent, unsent, nil
}
