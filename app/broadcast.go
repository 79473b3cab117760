package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// loa broadcast …: the operator's adapter of the broadcast workflow
// (package broadcast). Every step is the workflow's, as the command-line
// actor: the same states, and the same two-person rule as staff, so the
// operator cannot approve or schedule what the operator wrote. Every change
// is audited as the operator (cli).
func newBroadcastCmd(a *App) *cobra.Command {
	var file, at, reason string
	var once, asCSV bool
	withID := func(what string, f func(ctx context.Context, wf *broadcast.Workflow, id int64) error) func(*cobra.Command, []string) error {
		return a.action(true, func(ctx context.Context, args []string) error {
			id, err := parseID(what, args[0])
			if err != nil {
				return err
			}
			wf, err := a.workflow(ctx)
			if err != nil {
				return err
			}
			return refusal(f(ctx, wf, id))
		})
	}
	// step is a workflow step on one broadcast that prints the result.
	step := func(use, short string, do func(*broadcast.Workflow, context.Context, broadcast.Actor, int64) (store.BroadcastDraft, error), done string) *cobra.Command {
		return &cobra.Command{Use: use + " ID", Short: short, Args: exactArgs(1),
			RunE: withID("ID", func(ctx context.Context, wf *broadcast.Workflow, id int64) error {
				b, err := do(wf, ctx, broadcast.CLI, id)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.Stdout, "broadcast %d %s; now %s%s\n", b.ID, done, broadcast.StateOf(b), nextRun(b))
				return nil
			})}
	}
	create := &cobra.Command{Use: "create --file campaign.yaml", Short: "create a draft from a campaign YAML file (it needs submit and someone else's approval)",
		Args: noArgs, RunE: a.action(true, func(ctx context.Context, _ []string) error { return refusal(bcCreate(ctx, a, file)) })}
	create.Flags().StringVar(&file, "file", "", "campaign YAML file (see messages/testdata/ngay-cds.yaml)")
	_ = create.MarkFlagRequired("file")
	list := &cobra.Command{Use: "list", Short: "list broadcasts", Args: noArgs,
		RunE: a.action(true, func(ctx context.Context, _ []string) error { return refusal(bcList(ctx, a)) })}
	show := &cobra.Command{Use: "show ID", Short: "one broadcast and its runs", Args: exactArgs(1),
		RunE: withID("ID", func(ctx context.Context, wf *broadcast.Workflow, id int64) error { return bcShow(ctx, a, wf, id) })}
	submit := step("submit", "submit a draft for approval", (*broadcast.Workflow).Submit, "submitted")
	approve := step("approve", "approve a submitted broadcast (not one the operator last changed, under LOA_TWO_PERSON_RULE)", (*broadcast.Workflow).Approve, "approved")
	reject := &cobra.Command{Use: "reject ID --reason TEXT", Short: "send a submitted broadcast back to draft, saying why", Args: exactArgs(1),
		RunE: withID("ID", func(ctx context.Context, wf *broadcast.Workflow, id int64) error {
			b, err := wf.Reject(ctx, broadcast.CLI, id, reason)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.Stdout, "broadcast %d sent back to draft: %s\n", b.ID, b.RejectReason)
			return nil
		})}
	reject.Flags().StringVar(&reason, "reason", "", "why it is sent back (required)")
	toDraft := step("to-draft", "send a submitted, approved or scheduled broadcast back to draft (it needs approval again)", (*broadcast.Workflow).ToDraft, "sent back to draft")
	schedule := &cobra.Command{Use: `schedule ID [--at "2026-10-10 08:00"]`, Short: "make an approved broadcast due at its next time; --at moves a one-off broadcast (a new approval under the two-person rule)",
		Args: exactArgs(1), RunE: withID("ID", func(ctx context.Context, wf *broadcast.Workflow, id int64) error {
			return bcSchedule(ctx, a, wf, id, at)
		})}
	schedule.Flags().StringVar(&at, "at", "", `send time in the broadcast's time zone: "2026-10-10 08:00", with seconds ("2026-10-10 08:00:30"), or RFC 3339 ("2026-10-10T08:00:30+07:00"); shown back as stored, to the second`)
	unschedule := step("unschedule", "stop a scheduled broadcast from becoming due (it stays approved)", (*broadcast.Workflow).Unschedule, "unscheduled")
	skip := step("skip", "skip the next occurrence of a yearly campaign", (*broadcast.Workflow).Skip, "skips its next occurrence")
	pauseYear := step("pause-year", "pause a yearly campaign for the rest of this year, without cancelling it", (*broadcast.Workflow).PauseYear, "paused for the year")
	cancel := &cobra.Command{Use: "cancel ID", Short: "stop a broadcast and its runs in progress", Args: exactArgs(1),
		RunE: withID("ID", func(ctx context.Context, wf *broadcast.Workflow, id int64) error {
			res, err := wf.Cancel(ctx, broadcast.CLI, id)
			if err != nil {
				return err
			}
			for _, r := range res.Runs {
				fmt.Fprintf(a.Stdout, "run %d cancelled\n", r.ID)
			}
			fmt.Fprintf(a.Stdout, "broadcast %d cancelled\n", res.Broadcast.ID)
			return nil
		})}
	uncancel := step("uncancel", "undo the cancel of a yearly campaign, before the occurrence it stopped", (*broadcast.Workflow).Uncancel, "is no longer cancelled")
	pause := &cobra.Command{Use: "pause RUN", Short: "pause a run", Args: exactArgs(1),
		RunE: withID("RUN", func(ctx context.Context, wf *broadcast.Workflow, id int64) error {
			return runControl(ctx, a, wf.PauseRun, id)
		})}
	resume := &cobra.Command{Use: "resume RUN", Short: "resume a paused run where it stopped", Args: exactArgs(1),
		RunE: withID("RUN", func(ctx context.Context, wf *broadcast.Workflow, id int64) error {
			return runControl(ctx, a, wf.ResumeRun, id)
		})}
	cancelRun := &cobra.Command{Use: "cancel-run RUN", Short: "cancel one run (the broadcast goes on)", Args: exactArgs(1),
		RunE: withID("RUN", func(ctx context.Context, wf *broadcast.Workflow, id int64) error {
			return runControl(ctx, a, wf.CancelRun, id)
		})}
	status := &cobra.Command{Use: "status RUN [--once]", Short: "live progress until the run ends (Ctrl-C to leave)", Args: exactArgs(1),
		RunE: withID("RUN", func(ctx context.Context, wf *broadcast.Workflow, id int64) error {
			return bcStatus(ctx, a, wf, id, once)
		})}
	status.Flags().BoolVar(&once, "once", false, "print once and exit")
	report := &cobra.Command{Use: "report RUN [--csv]", Short: "counts by status and reason; --csv: one line per delivery", Args: exactArgs(1),
		RunE: withID("RUN", func(ctx context.Context, wf *broadcast.Workflow, id int64) error {
			return bcReport(ctx, a, wf, id, asCSV)
		})}
	report.Flags().BoolVar(&asCSV, "csv", false, "one CSV line per delivery on stdout")
	return group("broadcast", "create, submit, approve, schedule, pause, resume and cancel broadcasts, and read their reports",
		create, list, show, submit, approve, reject, toDraft, schedule, unschedule, skip, pauseYear, cancel, uncancel,
		pause, resume, cancelRun, status, report)
}

// workflow is the broadcast workflow with the engine's run control, so a
// pause or cancel reaches every worker within a second.
func (a *App) workflow(ctx context.Context) (*broadcast.Workflow, error) {
	e, err := a.engine(ctx, false)
	if err != nil {
		return nil, err
	}
	return broadcast.New(broadcast.Config{Store: e.Store, Runs: e, TwoPersonRule: a.Cfg.TwoPersonRule}), nil
}

// cliRefusal is a workflow refusal as one line: what is needed, then the bad fields.
type cliRefusal struct{ e *broadcast.Error }

func (r cliRefusal) Error() string {
	msg := r.e.Message
	var fs []string
	for _, f := range r.e.Fields {
		fs = append(fs, f.Path+": "+f.Message)
	}
	if len(fs) > 0 {
		msg += " (" + strings.Join(fs, "; ") + ")"
	}
	return msg
}

func (r cliRefusal) Unwrap() error { return r.e }

// refusal translates a workflow refusal, once, for the terminal.
func refusal(err error) error {
	if e, ok := broadcast.ErrorOf(err); ok {
		return cliRefusal{e}
	}
	return err
}

func nextRun(b store.BroadcastDraft) string {
	if b.NextRunAt == nil {
		return ""
	}
	return ", next run " + when(b.NextRunAt, b.Timezone)
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
	wf, err := a.workflow(ctx)
	if err != nil {
		return err
	}
	b, err := wf.Create(ctx, broadcast.CLI, broadcast.DraftOf(*spec))
	if err != nil {
		return fmt.Errorf("%s: %w", file, refusal(err))
	}
	fmt.Fprintf(a.Stdout, "broadcast %d %q created as a draft: `loa broadcast submit %d`, then someone else approves it\n",
		b.ID, b.Name, b.ID)
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
	return broadcast.FormatTime(*t, loc)
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
	wf, err := a.workflow(ctx)
	if err != nil {
		return err
	}
	bs, err := wf.List(ctx, broadcast.CLI, broadcast.Filter{Limit: 500})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tSCHEDULE\tNEXT RUN\tNAME")
	for _, b := range bs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", b.ID, broadcast.StateOf(b), schedText(b.Broadcast), when(b.NextRunAt, b.Timezone), b.Name)
	}
	return tw.Flush()
}

func bcShow(ctx context.Context, a *App, wf *broadcast.Workflow, id int64) error {
	b, err := wf.Get(ctx, broadcast.CLI, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "broadcast %d %q\nstatus    %s\nschedule  %s (%s)\nnext run  %s\naudience  %s\nchanged   by %s\n",
		b.ID, b.Name, broadcast.StateOf(b), schedText(b.Broadcast), b.Timezone, when(b.NextRunAt, b.Timezone), string(b.Audience), changer(b))
	if b.RejectReason != "" {
		fmt.Fprintf(a.Stdout, "sent back %s\n", b.RejectReason)
	}
	st, err := a.Store(ctx, true)
	if err != nil {
		return err
	}
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

// changer names who last changed a broadcast (the two-person rule's subject).
func changer(b store.BroadcastDraft) string {
	if b.ChangedBy != nil {
		return fmt.Sprintf("staff #%d", *b.ChangedBy)
	}
	if b.ChangedByKind == store.ActorCLI {
		return "the operator (cli)"
	}
	return b.ChangedByKind
}

func bcSchedule(ctx context.Context, a *App, wf *broadcast.Workflow, id int64, at string) error {
	var atp *time.Time
	if at != "" {
		b, err := wf.Get(ctx, broadcast.CLI, id)
		if err != nil {
			return err
		}
		t, err := parseAt(b.Broadcast, at)
		if err != nil {
			return err
		}
		atp = &t
	}
	b, err := wf.Schedule(ctx, broadcast.CLI, id, atp)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "broadcast %d scheduled, next run %s\n", b.ID, when(b.NextRunAt, b.Timezone))
	return nil
}

// parseAt reads --at in the broadcast's zone.
func parseAt(b store.Broadcast, at string) (time.Time, error) {
	loc, err := b.Schedule().Location()
	if err != nil {
		return time.Time{}, err
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, at, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usageError{fmt.Errorf(`--at %q: want a time like "2026-10-10 08:00"`, at)}
}

func runControl(ctx context.Context, a *App, op func(context.Context, broadcast.Actor, int64, int64) (store.Run, error), id int64) error {
	r, err := op(ctx, broadcast.CLI, 0, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "run %d is %s\n", r.ID, r.Status)
	return nil
}

func bcStatus(ctx context.Context, a *App, wf *broadcast.Workflow, id int64, once bool) error {
	tty := isTerminal(a.Stdout)
	for {
		_, p, err := wf.Progress(ctx, broadcast.CLI, 0, id)
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

func bcReport(ctx context.Context, a *App, wf *broadcast.Workflow, id int64, asCSV bool) error {
	_, p, err := wf.Progress(ctx, broadcast.CLI, 0, id)
	if err != nil {
		return err
	}
	if asCSV {
		return wf.WriteReport(ctx, p.Run, a.Stdout)
	}
	r := p.Run
	fmt.Fprintf(a.Stdout, "run %d of broadcast %d: %s, %d recipients in %d batches\n", r.ID, r.BroadcastID, r.Status, r.Total, r.Batches)
	if r.StartedAt != nil && r.FinishedAt != nil {
		fmt.Fprintf(a.Stdout, "took %s\n", r.FinishedAt.Sub(*r.StartedAt).Round(time.Second))
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHANNEL\tSTATUS\tCOUNT")
	for _, ch := range slices.Sorted(maps.Keys(p.ByChannel)) {
		for _, st := range slices.Sorted(maps.Keys(p.ByChannel[ch])) {
			fmt.Fprintf(tw, "%s\t%s\t%d\n", ch, st, p.ByChannel[ch][st])
		}
	}
	fmt.Fprintln(tw, "\nSTATUS\tCOUNT\tREASON")
	for _, rc := range p.Reasons {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", rc.Status, rc.N, rc.Reason)
	}
	return tw.Flush()
}
