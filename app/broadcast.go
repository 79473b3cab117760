package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"sort"
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

// The broadcast engine: worker and scheduler processes, `loa broadcast`,
// `loa bench broadcast`, and the seeded Digital Transformation Day campaign.

// RegisterBroadcastMetrics puts the fleet's broadcast metrics (messages by
// outcome, rate-limit waits, 429s, queue depth, run durations; recorded in
// Redis by every worker) on a.Metrics(). The web process calls it so that
// `loa web` serves them at /metrics; worker and scheduler call it too.
func (a *App) RegisterBroadcastMetrics(ctx context.Context) error {
	var err error
	a.broadcastMetrics.Do(func() { err = a.registerBroadcastMetrics(ctx) })
	return err
}

func (a *App) registerBroadcastMetrics(ctx context.Context) error {
	st, rdb, err := a.connect(ctx)
	if err != nil {
		return err
	}
	insp := asynq.NewInspector(asynqOpt(a.RedisOptions()))
	a.OnClose(func() { insp.Close() })
	a.Metrics().MustRegister(jobs.NewCollector(rdb, insp, st))
	return nil
}

func asynqOpt(o *redis.Options) asynq.RedisClientOpt {
	return asynq.RedisClientOpt{Network: o.Network, Addr: o.Addr, Username: o.Username, Password: o.Password,
		DB: o.DB, TLSConfig: o.TLSConfig}
}

// engine wires the broadcast engine from the configuration; withSender adds
// the channels it sends on, each at its own shared rate (workers only).
func (a *App) engine(ctx context.Context, withSender bool) (*jobs.Engine, error) {
	st, rdb, err := a.connect(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.RegisterBroadcastMetrics(ctx); err != nil {
		return nil, err
	}
	m := jobs.NewMetrics(rdb)
	e := jobs.NewEngine(st, rdb, asynqOpt(a.RedisOptions()), m, a.Log, jobs.Config{})
	a.OnClose(e.Close)
	if withSender {
		tg, err := a.telegramSender(a.Cfg.PaidBroadcast)
		if err != nil {
			return nil, err
		}
		e.AddChannel(tg, a.Cfg.SendRate)
	}
	return e, nil
}

// telegramSender sends through the configured Bot API or, in `loa dev`
// without a token, to the sandbox Telegram.
func (a *App) telegramSender(paid bool) (*telegram.Sender, error) {
	token, apiURL := a.Cfg.TelegramToken, a.Cfg.TelegramAPIURL
	if a.Cfg.Sandbox() {
		token, apiURL = tgfake.DefaultToken, "http://"+a.Cfg.SandboxAddr
	}
	return telegram.NewSender(token, apiURL, paid)
}

// workerProcess sends broadcast batches: an Asynq server on the broadcast queue.
func (a *App) workerProcess() process {
	return process{name: "worker", run: func(ctx context.Context, ready func()) error {
		e, err := a.engine(ctx, true)
		if err != nil {
			return err
		}
		cfg := jobs.ServerConfig(a.Cfg.Concurrency, a.Log)
		cfg.ShutdownTimeout = ShutdownTimeout - 2*time.Second
		srv := asynq.NewServer(asynqOpt(a.RedisOptions()), cfg)
		mux := asynq.NewServeMux()
		e.Register(mux)
		if err := srv.Start(mux); err != nil {
			return fmt.Errorf("asynq server: %w", err)
		}
		a.Log.Info("worker sending", "rate", a.Cfg.SendRate, "paid_broadcast", a.Cfg.PaidBroadcast, "concurrency", a.Cfg.Concurrency)
		ready()
		<-ctx.Done()
		e.Stop() // handlers hand back unsent rows and return at once
		srv.Shutdown()
		return nil
	}}
}

// schedulerProcess starts due broadcasts and repairs stalled runs.
func (a *App) schedulerProcess() process {
	return process{name: "scheduler", run: func(ctx context.Context, ready func()) error {
		e, err := a.engine(ctx, false)
		if err != nil {
			return err
		}
		ready()
		return (&jobs.Scheduler{E: e}).Run(ctx)
	}}
}

const broadcastUsage = `usage: loa broadcast <command>
  create --file campaign.yaml   create a broadcast, approved by the operator, scheduled as the file says
  list                          list broadcasts
  show ID                       one broadcast and its runs
  schedule ID [--at "2026-10-10 08:00"]  approve and (re)schedule; --at overrides the next time
  cancel ID                     stop a broadcast (and its runs in progress)
  pause RUN | resume RUN        pause or resume a run
  status RUN [--once]           live progress until the run ends (Ctrl-C to leave)
  report RUN [--csv]            counts by status and reason; --csv: one line per delivery`

func cmdBroadcast(ctx context.Context, a *App, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(a.Stderr, broadcastUsage)
		return flag.ErrHelp
	}
	cmds := map[string]func(context.Context, *App, []string) error{
		"create": bcCreate, "list": bcList, "show": bcShow, "schedule": bcSchedule, "cancel": bcCancel,
		"pause": bcPause, "resume": bcResume, "status": bcStatus, "report": bcReport,
	}
	run, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintln(a.Stderr, broadcastUsage)
		return fmt.Errorf("unknown broadcast command %q", args[0])
	}
	return run(ctx, a, args[1:])
}

// parseMixed parses flags that may come before or after positional arguments.
func parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// idArg parses the one numeric argument a subcommand takes.
func idArg(fs *flag.FlagSet, args []string, what string) (int64, error) {
	pos, err := parseMixed(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) != 1 {
		return 0, fmt.Errorf("usage: loa broadcast %s %s", strings.TrimPrefix(fs.Name(), "loa broadcast "), what)
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s must be a number, got %q", what, pos[0])
	}
	return id, nil
}

func bcCreate(ctx context.Context, a *App, args []string) error {
	fs := newFlags("broadcast create", a)
	file := fs.String("file", "", "campaign YAML file")
	if _, err := parseMixed(fs, args); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("usage: loa broadcast create --file campaign.yaml")
	}
	f, err := os.Open(*file)
	if err != nil {
		return err
	}
	defer f.Close()
	spec, err := messages.ParseCampaignYAML(f)
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	st, err := a.Store(ctx, true)
	if err != nil {
		return err
	}
	if unknown, err := st.UnknownAudienceCodes(ctx, spec.Audience); err != nil {
		return err
	} else if len(unknown) > 0 {
		var parts []string
		for list, codes := range unknown {
			parts = append(parts, "audience."+list+": "+strings.Join(codes, ", "))
		}
		sort.Strings(parts)
		return fmt.Errorf("%s: unknown codes (is `loa seed` done?): %s", *file, strings.Join(parts, "; "))
	}
	next, ok := spec.Schedule.Next(time.Now())
	if !ok {
		return fmt.Errorf("%s: the schedule has no time in the future", *file)
	}
	b, err := st.CreateBroadcast(ctx, store.NewBroadcast{Spec: *spec, Approved: true, NextRunAt: &next}, store.CLIActor)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "broadcast %d %q created, approved, next run %s\n", b.ID, b.Name, when(b.NextRunAt, b.Timezone))
	return nil
}

func when(t *time.Time, tz string) string {
	if t == nil {
		return "-"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

func schedText(b store.Broadcast) string {
	sc := b.Schedule()
	switch {
	case sc.Yearly != nil:
		return fmt.Sprintf("yearly %02d/%02d %02d:%02d", sc.Yearly.Day, sc.Yearly.Month, sc.Yearly.Hour, sc.Yearly.Minute)
	case sc.At != nil:
		return "once " + when(sc.At, b.Timezone)
	}
	return "-"
}

func bcList(ctx context.Context, a *App, args []string) error {
	if len(args) > 0 {
		return errors.New("usage: loa broadcast list")
	}
	st, err := a.Store(ctx, true)
	if err != nil {
		return err
	}
	bs, err := st.Broadcasts(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tSCHEDULE\tNEXT RUN\tNAME")
	for _, b := range bs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", b.ID, b.Status, schedText(b), when(b.NextRunAt, b.Timezone), b.Name)
	}
	return tw.Flush()
}

func bcShow(ctx context.Context, a *App, args []string) error {
	id, err := idArg(newFlags("broadcast show", a), args, "ID")
	if err != nil {
		return err
	}
	st, err := a.Store(ctx, true)
	if err != nil {
		return err
	}
	b, err := st.BroadcastByID(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "broadcast %d %q\nstatus    %s\nschedule  %s (%s)\nnext run  %s\naudience  %s\n",
		b.ID, b.Name, b.Status, schedText(b), b.Timezone, when(b.NextRunAt, b.Timezone), string(b.Audience))
	runs, err := st.RunsOf(ctx, id)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nRUN\tOCCURRENCE\tSTATUS\tRECIPIENTS\tFINISHED")
	for _, r := range runs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\n", r.ID, when(&r.Occurrence, b.Timezone), r.Status, r.Total, when(r.FinishedAt, b.Timezone))
	}
	return tw.Flush()
}

func bcSchedule(ctx context.Context, a *App, args []string) error {
	fs := newFlags("broadcast schedule", a)
	at := fs.String("at", "", `next send time, e.g. "2026-10-10 08:00" in the broadcast's time zone`)
	id, err := idArg(fs, args, "ID")
	if err != nil {
		return err
	}
	st, err := a.Store(ctx, true)
	if err != nil {
		return err
	}
	b, err := st.BroadcastByID(ctx, id)
	if err != nil {
		return err
	}
	next, sendAt, err := nextTime(b, *at)
	if err != nil {
		return err
	}
	b, err = st.ScheduleBroadcast(ctx, id, next, sendAt, store.CLIActor)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "broadcast %d approved, next run %s\n", b.ID, when(b.NextRunAt, b.Timezone))
	return nil
}

// nextTime is --at read in the broadcast's zone, or its schedule's next time.
func nextTime(b store.Broadcast, at string) (time.Time, *time.Time, error) {
	sc := b.Schedule()
	if at == "" {
		next, ok := sc.Next(time.Now())
		if !ok {
			return time.Time{}, nil, errors.New("the schedule has no time in the future: give --at")
		}
		return next, nil, nil
	}
	loc, err := sc.Location()
	if err != nil {
		return time.Time{}, nil, err
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, at, loc); err == nil {
			if !t.After(time.Now()) {
				return time.Time{}, nil, fmt.Errorf("--at %s is in the past", at)
			}
			return t, &t, nil
		}
	}
	return time.Time{}, nil, fmt.Errorf(`--at %q: want a time like "2026-10-10 08:00"`, at)
}

func bcCancel(ctx context.Context, a *App, args []string) error {
	id, err := idArg(newFlags("broadcast cancel", a), args, "ID")
	if err != nil {
		return err
	}
	e, err := a.engine(ctx, false)
	if err != nil {
		return err
	}
	b, err := e.Store.CancelBroadcast(ctx, id, store.CLIActor)
	if err != nil {
		return err
	}
	runs, err := e.Store.RunsOf(ctx, id)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if r.Status == store.RunPlanning || r.Status == store.RunSending || r.Status == store.RunPaused {
			if _, err := e.Cancel(ctx, r.ID, store.CLIActor); err != nil {
				return err
			}
			fmt.Fprintf(a.Stdout, "run %d cancelled\n", r.ID)
		}
	}
	fmt.Fprintf(a.Stdout, "broadcast %d cancelled\n", b.ID)
	return nil
}

func bcPause(ctx context.Context, a *App, args []string) error {
	return runControl(ctx, a, "pause", args, (*jobs.Engine).Pause)
}

func bcResume(ctx context.Context, a *App, args []string) error {
	return runControl(ctx, a, "resume", args, (*jobs.Engine).Resume)
}

func runControl(ctx context.Context, a *App, name string, args []string,
	op func(*jobs.Engine, context.Context, int64, store.Actor) (store.Run, error)) error {
	id, err := idArg(newFlags("broadcast "+name, a), args, "RUN")
	if err != nil {
		return err
	}
	e, err := a.engine(ctx, false)
	if err != nil {
		return err
	}
	r, err := op(e, ctx, id, store.CLIActor)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "run %d is %s\n", r.ID, r.Status)
	return nil
}

func bcStatus(ctx context.Context, a *App, args []string) error {
	fs := newFlags("broadcast status", a)
	once := fs.Bool("once", false, "print once and exit")
	id, err := idArg(fs, args, "RUN")
	if err != nil {
		return err
	}
	st, err := a.Store(ctx, true)
	if err != nil {
		return err
	}
	tty := isTerminal(a.Stdout)
	for {
		p, err := st.RunProgress(ctx, id)
		if err != nil {
			return err
		}
		line := progressLine(p)
		ended := p.Run.Status == store.RunDone || p.Run.Status == store.RunCancelled
		if tty && !*once && !ended {
			fmt.Fprintf(a.Stdout, "\r%s\x1b[K", line)
		} else {
			fmt.Fprintf(a.Stdout, "%s\n", line)
		}
		if ended || *once {
			return nil
		}
		select {
		case <-ctx.Done():
			fmt.Fprintln(a.Stdout)
			return nil
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressLine renders "[#####-----] 52% 5200/10000 sent 5100 blocked 40 ...".
func progressLine(p store.Progress) string {
	const width = 30
	total, done := p.Run.Total, p.Done()
	frac := 0.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	if p.Run.Status == store.RunDone {
		frac = 1
	}
	filled := int(frac * width)
	var b strings.Builder
	fmt.Fprintf(&b, "run %d %-9s [%s%s] %3.0f%% %d/%d", p.Run.ID, p.Run.Status,
		strings.Repeat("#", filled), strings.Repeat("-", width-filled), frac*100, done, total)
	for _, s := range []string{store.DeliverySent, store.DeliveryBlocked, store.DeliveryFailed, store.DeliverySkipped,
		store.DeliveryUnknown, store.DeliveryPending, store.DeliverySending} {
		if n := p.ByStatus[s]; n > 0 {
			fmt.Fprintf(&b, " %s %d", s, n)
		}
	}
	return b.String()
}

func bcReport(ctx context.Context, a *App, args []string) error {
	fs := newFlags("broadcast report", a)
	asCSV := fs.Bool("csv", false, "one CSV line per delivery on stdout")
	id, err := idArg(fs, args, "RUN")
	if err != nil {
		return err
	}
	st, err := a.Store(ctx, true)
	if err != nil {
		return err
	}
	if *asCSV {
		return st.WriteReportCSV(ctx, id, a.Stdout)
	}
	p, err := st.RunProgress(ctx, id)
	if err != nil {
		return err
	}
	r := p.Run
	fmt.Fprintf(a.Stdout, "run %d of broadcast %d: %s, %d recipients in %d batches\n", r.ID, r.BroadcastID, r.Status, r.Total, r.Batches)
	if r.StartedAt != nil && r.FinishedAt != nil {
		fmt.Fprintf(a.Stdout, "took %s\n", r.FinishedAt.Sub(*r.StartedAt).Round(time.Second))
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tCOUNT\tREASON")
	for _, rc := range p.Reasons {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", rc.Status, rc.N, rc.Reason)
	}
	return tw.Flush()
}

// digitalDayName names the seeded yearly campaign (seedExtras finds it by name).
const digitalDayName = "ngay-chuyen-doi-so-quoc-gia"

// digitalDayYAML is messages/testdata/ngay-cds.yaml: placeholder text that
// communications staff replace each year.
const digitalDayYAML = `name: ngay-chuyen-doi-so-quoc-gia
content:
  split: false
  variants:
    vi:
      text: |
        <b>Chào {name}!</b> Hôm nay, 10/10, là Ngày Chuyển đổi số quốc gia.

        [Nội dung thông điệp năm nay sẽ được cập nhật tại đây.]

        Hãy kích hoạt <i>tài khoản định danh điện tử VNeID</i> và thử làm một thủ tục trên Cổng Dịch vụ công quốc gia &amp; Cổng dịch vụ công Hà Nội.
      button_text: "Cổng Dịch vụ công"
      button_url: "https://dichvucong.gov.vn"
    en:
      text: |
        <b>Hello {name}!</b> Today, 10 October, is Vietnam's National Digital Transformation Day.

        [This year's message will be placed here.]

        Activate your <i>VNeID electronic identity account</i> and try one procedure on the National Public Service Portal &amp; the Hanoi public service portal.
      button_text: "Public Service Portal"
      button_url: "https://dichvucong.gov.vn"
audience:
  channels: [telegram]
schedule:
  yearly: {month: 10, day: 10, hour: 8, minute: 0}
  timezone: Asia/Ho_Chi_Minh
`

// seedExtras seeds what the broadcast engine needs (the yearly Digital
// Transformation Day campaign) and returns how many rows it changed.
func seedExtras(ctx context.Context, a *App) (int, error) {
	st, err := a.Store(ctx, true)
	if err != nil {
		return 0, err
	}
	if _, err := st.BroadcastByName(ctx, digitalDayName); err == nil {
		return 0, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	spec, err := messages.ParseCampaignYAML(strings.NewReader(digitalDayYAML))
	if err != nil {
		return 0, fmt.Errorf("digital transformation day campaign: %w", err)
	}
	b, err := st.CreateBroadcast(ctx, store.NewBroadcast{Spec: *spec}, store.SystemActor)
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(a.Stdout, "%-22s %4d  (draft yearly campaign, 10/10 08:00: `loa broadcast schedule %d` to approve)\n",
		"broadcast campaigns", 1, b.ID)
	return 1, nil
}

// ---- loa bench broadcast ----------------------------------------------------

type benchOpts struct {
	recipients, send, rateSecs, rssSecs, concurrency int
	quick                                            bool
}

// benchBroadcast measures the engine against its targets on a scratch
// database and a private redis-server, and prints the table.
func benchBroadcast(ctx context.Context, a *App, args []string) error {
	// `loa bench broadcast | head` must not kill the bench by SIGPIPE before
	// it drops its scratch database and stops its private redis-server.
	signal.Ignore(syscall.SIGPIPE)
	fs := newFlags("bench broadcast", a)
	o := benchOpts{}
	fs.IntVar(&o.recipients, "recipients", 1_000_000, "subscribers for the freeze, RSS and Redis figures")
	fs.IntVar(&o.send, "send", 20_000, "recipients in each send-throughput run (batched and naive)")
	fs.IntVar(&o.rateSecs, "rate-seconds", 60, "how long to measure the 30 msg/s rate")
	fs.IntVar(&o.rssSecs, "rss-seconds", 10, "how long each RSS worker subprocess sends after planning")
	fs.IntVar(&o.concurrency, "concurrency", 32, "Asynq concurrency of the benchmark workers")
	fs.BoolVar(&o.quick, "quick", false, "small and fast: 100,000 recipients, 5,000 per send run, 10 s of rate")
	child := fs.Int64("worker-child", 0, "internal: run as the RSS worker subprocess for this run id")
	childDSN := fs.String("child-dsn", "", "internal")
	childRedis := fs.String("child-redis", "", "internal")
	childTG := fs.String("child-tg", "", "internal")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *child != 0 {
		return benchChild(ctx, a, *child, *childDSN, *childRedis, *childTG, o)
	}
	if o.quick {
		// --quick shrinks only what was not given explicitly
		for name, v := range map[string]*int{"recipients": &o.recipients, "send": &o.send, "rss-seconds": &o.rssSecs, "rate-seconds": &o.rateSecs} {
			if !flagSet(fs, name) {
				*v = map[string]int{"recipients": 100_000, "send": 5_000, "rss-seconds": 5, "rate-seconds": 10}[name]
			}
		}
	}
	b, err := newBencher(ctx, a, o)
	if err != nil {
		return err
	}
	defer b.close()
	return b.run(ctx)
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// bencher holds the scratch world: database, private Redis, rows of results.
type bencher struct {
	a     *App
	o     benchOpts
	st    *store.Store
	dsn   string
	drop  func() error
	redis *exec.Cmd
	ropt  *redis.Options
	rdb   *redis.Client
	rows  [][4]string // measure, result, target, verdict
	start time.Time
}

func newBencher(ctx context.Context, a *App, o benchOpts) (*bencher, error) {
	b := &bencher{a: a, o: o, start: time.Now()}
	name := fmt.Sprintf("loa_bench_%d", time.Now().UnixNano()%1_000_000_000)
	dsn, drop, err := store.CreateScratchDatabase(ctx, a.Cfg.DatabaseURL, name)
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
	return jobs.NewEngine(b.st, b.rdb, asynqOpt(b.ropt), nil,
		slog.New(slog.NewTextHandler(io.Discard, nil)), cfg).AddChannel(sender, rate), nil
}

func (b *bencher) server(e *jobs.Engine, concurrency int) (*asynq.Server, error) {
	cfg := jobs.ServerConfig(concurrency, slog.New(slog.NewTextHandler(io.Discard, nil)))
	cfg.LogLevel = asynq.ErrorLevel
	srv := asynq.NewServer(asynqOpt(b.ropt), cfg)
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

func (b *bencher) run(ctx context.Context) error {
	o := b.o
	b.logf("generating %d subscribers for the send runs", o.send)
	if _, _, err := b.st.GenerateSubscribers(ctx, store.Generated{N: o.send, ChatIDBase: 1_000_000, EnglishPct: 10, Prefix: "s"}); err != nil {
		return err
	}
	batched, err := b.sendThroughput(ctx, false)
	if err != nil {
		return fmt.Errorf("batched send: %w", err)
	}
	naive, err := b.sendThroughput(ctx, true)
	if err != nil {
		return fmt.Errorf("naive send: %w", err)
	}
	b.add(fmt.Sprintf("send, %d recipients, no limit, records included", o.send), fmt.Sprintf("%.0f msg/s", batched), "≥ 10,000 msg/s", batched >= 10_000)
	b.add(fmt.Sprintf("naive one-task-per-recipient, %d recipients", o.send), fmt.Sprintf("%.0f msg/s (batched is %.1fx)", naive, batched/naive), "batched ≥ 4x", batched >= 4*naive)
	if err := b.freezeAndMemory(ctx); err != nil {
		return err
	}
	if err := b.rate(ctx); err != nil {
		return fmt.Errorf("rate: %w", err)
	}
	return b.print()
}

// sendThroughput runs one campaign to o.send recipients against a fake Bot
// API with no limit; naive uses one Asynq task per recipient instead of batches.
func (b *bencher) sendThroughput(ctx context.Context, naive bool) (float64, error) {
	fake := tgfake.New(tgfake.WithoutRecording())
	defer fake.Close()
	e, err := b.engine(fake.URL(), fake.Token(), 0, jobs.Config{BatchSize: 250, ClaimSize: 50})
	if err != nil {
		return 0, err
	}
	defer e.Close()
	srv, err := b.server(e, b.o.concurrency)
	if err != nil {
		return 0, err
	}
	defer srv.Shutdown()
	run, err := b.newRun(ctx, messages.Audience{})
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if naive {
		if _, err := b.st.FreezeAudience(ctx, run, 500); err != nil {
			return 0, err
		}
		if _, err := e.EnqueueNaive(ctx, run); err != nil {
			return 0, err
		}
	} else if err := e.EnqueuePlan(ctx, run); err != nil {
		return 0, err
	}
	if naive {
		// the baseline's tasks do not finish the run: wait for the sends and records
		for fake.Count() < b.o.send {
			if err := sleepCtx(ctx, 10*time.Millisecond); err != nil {
				return 0, err
			}
		}
		for {
			p, err := b.st.RunProgress(ctx, run)
			if err != nil {
				return 0, err
			}
			if p.ByStatus[store.DeliverySent] == b.o.send {
				break
			}
			if err := sleepCtx(ctx, 10*time.Millisecond); err != nil {
				return 0, err
			}
		}
		if _, _, err := b.st.FinishRunIfComplete(ctx, run); err != nil {
			return 0, err
		}
	} else if err := b.waitDone(ctx, run, 10*time.Minute); err != nil {
		return 0, err
	}
	took := time.Since(start)
	if fake.Count() != b.o.send || fake.Duplicates() != 0 {
		return 0, fmt.Errorf("fake counted %d sends, %d duplicates; want %d and 0", fake.Count(), fake.Duplicates(), b.o.send)
	}
	b.logf("%s: %d messages in %s", map[bool]string{false: "batched", true: "naive"}[naive], b.o.send, took.Round(time.Millisecond))
	return float64(b.o.send) / took.Seconds(), nil
}

// freezeAndMemory grows the scratch table to o.recipients subscribers, times
// the freeze, then measures a worker subprocess's peak RSS and the Redis
// memory for a run of a tenth of them and of all of them.
func (b *bencher) freezeAndMemory(ctx context.Context) error {
	n := b.o.recipients
	b.logf("generating %d more subscribers (one INSERT ... SELECT generate_series)", n-b.o.send)
	t0 := time.Now()
	if _, _, err := b.st.GenerateSubscribers(ctx, store.Generated{N: n - b.o.send, ChatIDBase: 10_000_000, EnglishPct: 10, Prefix: "f"}); err != nil {
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
		fmt.Sprintf("%.1f MB vs %.1f MB (%.2fx)", mb(rssSmall), mb(rssAll), float64(rssAll)/float64(rssSmall)), "≤ 1.2x", float64(rssAll) <= 1.2*float64(rssSmall))
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
		"--rss-seconds", strconv.Itoa(b.o.rssSecs), "--concurrency", strconv.Itoa(b.o.concurrency))
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
	b.logf("run %d: worker VmHWM %d kB, sent %d in %d s; Redis peak +%.1f MB", run, hwm, fake.Count(), b.o.rssSecs, mb(peak-base))
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

// benchChild is the RSS worker subprocess.
func benchChild(ctx context.Context, a *App, run int64, dsn, redisAddr, tgURL string, o benchOpts) error {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	ropt := &redis.Options{Addr: redisAddr, PoolSize: 64}
	rdb := redis.NewClient(ropt)
	defer rdb.Close()
	sender, err := telegram.NewSender(tgfake.DefaultToken, tgURL, false)
	if err != nil {
		return err
	}
	e := jobs.NewEngine(st, rdb, asynqOpt(ropt), nil,
		slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.Config{BatchSize: 500, ClaimSize: 50}).AddChannel(sender, 0)
	defer e.Close()
	cfg := jobs.ServerConfig(o.concurrency, slog.New(slog.NewTextHandler(io.Discard, nil)))
	cfg.LogLevel = asynq.ErrorLevel
	srv := asynq.NewServer(asynqOpt(ropt), cfg)
	mux := asynq.NewServeMux()
	e.Register(mux)
	if err := srv.Start(mux); err != nil {
		return err
	}
	if err := e.EnqueuePlan(ctx, run); err != nil {
		return err
	}
	time.Sleep(time.Duration(o.rssSecs) * time.Second)
	e.Stop()
	srv.Shutdown()
	kb, err := vmHWM()
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "vmhwm_kb %d\n", kb)
	return nil
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

// rate runs three workers at a configured 30 msg/s against a fake Bot API
// that answers 429 above 30 per sliding second, for rateSecs.
func (b *bencher) rate(ctx context.Context) error {
	const perSec = 30
	fake := tgfake.New(tgfake.WithRateLimit(perSec), tgfake.WithRecordLimit(perSec*b.o.rateSecs+1000))
	defer fake.Close()
	run, err := b.newRun(ctx, messages.Audience{Languages: []string{"en"}})
	if err != nil {
		return err
	}
	for range 3 {
		e, err := b.engine(fake.URL(), fake.Token(), perSec, jobs.Config{BatchSize: 500, ClaimSize: 5})
		if err != nil {
			return err
		}
		defer e.Close()
		srv, err := b.server(e, 4)
		if err != nil {
			return err
		}
		defer srv.Shutdown()
		defer e.Stop()
		if run != 0 {
			if err := e.EnqueuePlan(ctx, run); err != nil {
				return err
			}
		}
	}
	b.logf("measuring the rate for %d s", b.o.rateSecs)
	for fake.Count() == 0 {
		if err := sleepCtx(ctx, 10*time.Millisecond); err != nil {
			return err
		}
	}
	if err := sleepCtx(ctx, time.Duration(b.o.rateSecs)*time.Second+500*time.Millisecond); err != nil {
		return err
	}
	sent := fake.Sent()
	if _, err := b.st.CancelRun(ctx, run, store.SystemActor); err != nil && !errors.Is(err, store.ErrConflict) {
		return err
	}
	if len(sent) < 2 {
		return errors.New("no sends recorded")
	}
	start := sent[0].Time
	end := start.Add(time.Duration(b.o.rateSecs) * time.Second)
	n := 0
	for _, s := range sent {
		if !s.Time.After(end) {
			n++
		}
	}
	got := float64(n) / float64(b.o.rateSecs)
	b.add(fmt.Sprintf("rate at 30 msg/s, 3 workers, %d s", b.o.rateSecs), fmt.Sprintf("%.2f msg/s, %d answers of 429", got, fake.TooManyCount()),
		"29.4-30.0, zero 429", got >= 29.4 && got <= 30.0 && fake.TooManyCount() == 0)
	return nil
}

func (b *bencher) print() error {
	host, _ := os.Hostname()
	fmt.Fprintf(b.a.Stdout, "loa bench broadcast — %d recipients, %d per send run, %d CPUs, host %s, took %s\n\n",
		b.o.recipients, b.o.send, runtime.NumCPU(), host, time.Since(b.start).Round(time.Second))
	tw := tabwriter.NewWriter(b.a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MEASURE\tRESULT\tTARGET\t")
	for _, r := range b.rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r[0], r[1], r[2], r[3])
	}
	return tw.Flush()
}
