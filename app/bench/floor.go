package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/bot/telegram"
	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/jobs"
	"github.com/loa-vn/loa/messages"
)

// floor measures what the HTTP sends alone cost at the paid cap on this
// machine: a subprocess with no database, no Redis and no engine sends n
// messages through the same Telegram sender, paced as the limiter paces
// them (its slot interval, its senders waking up in groups), to the same
// fake Bot API as the capped row. Its CPU per message is the part of the
// capped row's worker figure that no engine change can remove (issue 13:
// a bare client measured 73-84 µs/msg here, against the ≤ 100 µs target
// for worker, PostgreSQL and Redis together).
func (b *bencher) floor(ctx context.Context, n int) error {
	fake := tgfake.New(tgfake.WithoutRecording(), tgfake.WithRateLimit(30), tgfake.WithRecordLimit(n+10))
	defer fake.Close()
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, exe, "bench", "broadcast", "--floor-child", strconv.Itoa(n),
		"--child-tg", fake.URL(), "--child-rate", "1000")
	cmd.Stderr = b.a.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("floor subprocess: %w", err)
	}
	var cpuUS, tookUS int64
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "floor_cpu_us %d took_us %d", &cpuUS, &tookUS); err != nil {
		return fmt.Errorf("floor subprocess said %q", out)
	}
	// (a send refused with 429 is not retried: the floor has no limiter
	// to pause, and the row prints how many)
	if fake.Count()+fake.TooManyCount() != n || fake.Duplicates() != 0 {
		return fmt.Errorf("floor: %d sends counted, %d answered 429, %d duplicates; want %d in all and 0",
			fake.Count(), fake.TooManyCount(), fake.Duplicates(), n)
	}
	_, group := jobs.PaidSpacing(1000)
	b.info(fmt.Sprintf("floor: a bare client, %d sends at 1000 msg/s in the limiter's %s wake-up groups, no database or Redis", n, group),
		fmt.Sprintf("%.0f msg/s; CPU µs/msg %.1f; %d× 429, busiest second %d", float64(n)/(float64(tookUS)/1e6),
			float64(cpuUS)/float64(n), fake.TooManyCount(), busiestSecond(fake.Sent())),
		"no target: the HTTP cost inside the capped row's worker figure")
	return nil
}

// floorChild is the floor's subprocess: n sends paced as the limiter
// paces them at rate (every slot of one group, [wake, wake+group) as
// Limiter.wakeFor truncates, sent at the group's start,
// each by its own goroutine as the engine's senders are), then its own
// CPU time (getrusage) and how long the sending took.
func floorChild(ctx context.Context, a Env, o Options) error {
	sender, err := telegram.NewSender(tgfake.DefaultToken, o.ChildTG, true)
	if err != nil {
		return err
	}
	parts, err := sender.Render(messages.Variant{Text: "<b>Chào bạn!</b> Thông báo thử của Loa.", ButtonText: "Xem",
		ButtonURL: "https://dichvucong.gov.vn"}, false)
	if err != nil {
		return err
	}
	interval, group := jobs.PaidSpacing(o.ChildRate)
	cpu0, start := selfCPU(), time.Now()
	var wg sync.WaitGroup
	var failed sync.Once
	var sendErr error
	for i := 0; i < o.FloorChild; {
		wake := start.Add(time.Duration(i) * interval).Truncate(group)
		if err := sleepCtx(ctx, time.Until(wake)); err != nil {
			return err
		}
		for ; i < o.FloorChild && start.Add(time.Duration(i)*interval).Before(wake.Add(group)); i++ {
			wg.Add(1)
			go func(to string) {
				defer wg.Done()
				// a 429 is the fake's to count (the row prints it), not a failure
				if out := sender.Send(ctx, to, parts[0]); out.Kind != channel.Sent && out.Kind != channel.RateLimited {
					failed.Do(func() { sendErr = fmt.Errorf("%s: %s", out.Kind, out.Reason) })
				}
			}(strconv.Itoa(2_000_000 + i))
		}
	}
	wg.Wait()
	took, cpu := time.Since(start), selfCPU()-cpu0
	if sendErr != nil {
		return fmt.Errorf("floor send: %w", sendErr)
	}
	w := bufio.NewWriter(a.Stdout)
	fmt.Fprintf(w, "floor_cpu_us %d took_us %d\n", cpu.Microseconds(), took.Microseconds())
	return w.Flush()
}

// selfCPU is this process's user + system CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
