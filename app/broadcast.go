package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/jobs"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// loa broadcast …: the operator's view of the broadcast workflow; every
// change is audited as the command-line actor.
func newBroadcastCmd(a *App) *cobra.Command {
	var file, at string
	var once, asCSV bool
	withID := func(what string, f func(ctx context.Context, id int64) error) func(*cobra.Command, []string) error {
		return a.action(true, func(ctx context.Context, args []string) error {
			id, err := parseID(what, args[0])
			if err != nil {
				return err
			}
			return f(ctx, id)
		})
	}
	create := &cobra.Command{Use: "create --file campaign.yaml", Short: "create a broadcast from a campaign YAML file",
		Args: noArgs, RunE: a.action(true, func(ctx context.Context, _ []string) error { return bcCreate(ctx, a, file) })}
	create.Flags().StringVar(&file, "file", "", "campaign YAML file (see messages/testdata/ngay-cds.yaml)")
	_ = create.MarkFlagRequired("file")
	list := &cobra.Command{Use: "list", Short: "list broadcasts", Args: noArgs,
		RunE: a.action(true, func(ctx context.Context, _ []string) error { return bcList(ctx, a) })}
	show := &cobra.Command{Use: "show ID", Short: "one broadcast and its runs", Args: exactArgs(1),
		RunE: withID("ID", func(ctx context.Context, id int64) error { return bcShow(ctx, a, id) })}
	schedule := &cobra.Command{Use: `schedule ID [--at "2026-10-10 08:00"]`, Short: "approve and (re)schedule; --at overrides the next time",
		Args: exactArgs(1), RunE: withID("ID", func(ctx context.Context, id int64) error { return bcSchedule(ctx, a, id, at) })}
	schedule.Flags().StringVar(&at, "at", "", `next send time in the broadcast's time zone: "2026-10-10 08:00", with seconds, or RFC 3339`)
	cancel := &cobra.Command{Use: "cancel ID", Short: "stop a broadcast and its runs in progress", Args: exactArgs(1),
		RunE: withID("ID", func(ctx context.Context, id int64) error { return bcCancel(ctx, a, id) })}
	pause := &cobra.Command{Use: "pause RUN", Short: "pause a run", Args: exactArgs(1),
		RunE: withID("RUN", func(ctx context.Context, id int64) error { return runControl(ctx, a, id, (*jobs.Engine).Pause) })}
	resume := &cobra.Command{Use: "resume RUN", Short: "resume a paused run where it stopped", Args: exactArgs(1),
		RunE: withID("RUN", func(ctx context.Context, id int64) error { return runControl(ctx, a, id, (*jobs.Engine).Resume) })}
	status := &cobra.Command{Use: "status RUN [--once]", Short: "live progress until the run ends (Ctrl-C to leave)", Args: exactArgs(1),
		RunE: withID("RUN", func(ctx context.Context, id int64) error { return bcStatus(ctx, a, id, once) })}
	status.Flags().BoolVar(&once, "once", false, "print once and exit")
	report := &cobra.Command{Use: "report RUN [--csv]", Short: "counts by status and reason; --csv: one line per delivery", Args: exactArgs(1),
		RunE: withID("RUN", func(ctx context.Context, id int64) error { return bcReport(ctx, a, id, asCSV) })}
	report.Flags().BoolVar(&asCSV, "csv", false, "one CSV line per delivery on stdout")
	return group("broadcast", "create, schedule, pause, resume and cancel broadcasts, and read their reports",
		create, list, show, schedule, cancel, pause, resume, status, report)
}

func bcCreate(ctx context.Context, a *App, file string) error {
	if file == "" {
		return usageError{errors.New("--file is required")}
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	spec, err := messages.ParseCampaignYAML(f)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
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
		return fmt.Errorf("%s: unknown codes (is `loa seed` done?): %s", file, strings.Join(parts, "; "))
	}
	next, ok := spec.Schedule.Next(time.Now())
	if !ok {
		return fmt.Errorf("%s: the schedule has no time in the future", file)
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

func bcList(ctx context.Context, a *App) error {
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

func bcShow(ctx context.Context, a *App, id int64) error {
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

func bcSchedule(ctx context.Context, a *App, id int64, at string) error {
	st, err := a.Store(ctx, true)
	if err != nil {
		return err
	}
	b, err := st.BroadcastByID(ctx, id)
	if err != nil {
		return err
	}
	next, sendAt, err := nextTime(b, at)
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

func bcCancel(ctx context.Context, a *App, id int64) error {
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

func runControl(ctx context.Context, a *App, id int64,
	op func(*jobs.Engine, context.Context, int64, store.Actor) (store.Run, error)) error {
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

func bcStatus(ctx context.Context, a *App, id int64, once bool) error {
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
		if tty && !once && !ended {
			fmt.Fprintf(a.Stdout, "\r%s\x1b[K", line)
		} else {
			fmt.Fprintf(a.Stdout, "%s\n", line)
		}
		if ended || once {
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

func bcReport(ctx context.Context, a *App, id int64, asCSV bool) error {
	st, err := a.Store(ctx, true)
	if err != nil {
		return err
	}
	if asCSV {
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
