package broadcast

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// Get reads a broadcast the actor may see.
func (w *Workflow) Get(ctx context.Context, actor Actor, id int64) (store.BroadcastDraft, error) {
	return w.get(ctx, actor, View, id)
}

func (w *Workflow) get(ctx context.Context, actor Actor, act Action, id int64) (store.BroadcastDraft, error) {
	if err := actor.may(act, id); err != nil {
		return store.BroadcastDraft{}, err
	}
	b, err := w.st.DraftByID(ctx, id)
	if err != nil {
		return b, notFound(act, id, err)
	}
	return b, w.inScope(ctx, actor, act, b)
}

// Filter narrows List.
type Filter struct {
	Status string // a stored status ("submitted" for what waits for approval); "" for all
	Limit  int
}

// Statuses are the stored statuses List filters on.
var Statuses = []string{store.BroadcastDraftStatus, store.BroadcastSubmitted, store.BroadcastApproved,
	store.BroadcastCancelled, store.BroadcastFinished}

// List lists the broadcasts the actor may see, newest first: an agency
// manager sees those of their agency and the agencies below it.
func (w *Workflow) List(ctx context.Context, actor Actor, f Filter) ([]store.BroadcastDraft, error) {
	if err := actor.may(View, 0); err != nil {
		return nil, err
	}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		return nil, invalid(View, 0, "unknown status", []messages.FieldError{{Path: "status",
			Message: fmt.Sprintf("unknown status %q; one of %s", f.Status, strings.Join(Statuses, ", "))}})
	}
	df := store.DraftFilter{Status: f.Status, Limit: f.Limit}
	if actor.manager() {
		ids, err := w.st.AgencySubtree(ctx, *actor.Staff.AgencyID)
		if err != nil {
			return nil, err
		}
		df.AgencyIDs = ids
	}
	return w.st.ListDrafts(ctx, df)
}

// CountAudience counts who an audience would reach now; an agency manager's
// audience must stay within their agency and counts its members only.
func (w *Workflow) CountAudience(ctx context.Context, actor Actor, a messages.Audience) (int, error) {
	if err := actor.may(CountAction, 0); err != nil {
		return 0, err
	}
	// an unknown code would silently count nobody: refuse it, naming the entry
	var fe []messages.FieldError
	var ve *messages.ValidationError
	if err := a.Validate(); errors.As(err, &ve) {
		fe = ve.Fields
	} else if err != nil {
		return 0, err
	}
	unknown, err := w.unknownCodes(ctx, a)
	if err != nil {
		return 0, err
	}
	if fe = append(fe, unknown...); fe != nil {
		return 0, invalid(CountAction, 0, "the audience names unknown codes", fe)
	}
	var agency *int64
	if actor.manager() {
		id, err := w.managerAudience(ctx, actor, CountAction, 0, a)
		if err != nil {
			return 0, err
		}
		agency = id
	}
	return w.st.CountAudience(ctx, a, agency)
}

// CountOf counts who a broadcast would reach now.
func (w *Workflow) CountOf(ctx context.Context, actor Actor, id int64) (int, error) {
	b, err := w.get(ctx, actor, CountAction, id)
	if err != nil {
		return 0, err
	}
	return w.count(ctx, b)
}

// Run is a broadcast the actor may see and one of its runs: runID, or its
// newest run when runID is 0.
func (w *Workflow) Run(ctx context.Context, actor Actor, broadcastID, runID int64) (store.BroadcastDraft, store.Run, error) {
	return w.run(ctx, actor, View, broadcastID, runID)
}

// RunByID is a run the actor may see, with its broadcast (the command line
// names runs by their id).
func (w *Workflow) RunByID(ctx context.Context, actor Actor, runID int64) (store.BroadcastDraft, store.Run, error) {
	return w.run(ctx, actor, View, 0, runID)
}

func (w *Workflow) run(ctx context.Context, actor Actor, act Action, broadcastID, runID int64) (store.BroadcastDraft, store.Run, error) {
	if broadcastID == 0 {
		r, err := w.st.RunByID(ctx, runID)
		if err != nil {
			return store.BroadcastDraft{}, r, runNotFound(act, 0, runID, err)
		}
		broadcastID = r.BroadcastID
	}
	b, err := w.get(ctx, actor, act, broadcastID)
	if err != nil {
		return b, store.Run{}, err
	}
	if runID == 0 {
		r, err := w.st.LatestRun(ctx, b.ID)
		if errors.Is(err, store.ErrNotFound) {
			return b, r, refuse(NoRun, act, b.ID, "broadcast %d has not started a run yet", b.ID)
		}
		return b, r, err
	}
	r, err := w.st.RunByID(ctx, runID)
	if err != nil {
		return b, r, runNotFound(act, b.ID, runID, err)
	}
	if r.BroadcastID != b.ID {
		return b, r, refuse(NotFound, act, b.ID, "run %d belongs to another broadcast", runID)
	}
	return b, r, nil
}

func runNotFound(act Action, bid, runID int64, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		e := refuse(NotFound, act, bid, "run %d does not exist", runID)
		e.RunID, e.err = runID, err
		return e
	}
	return err
}

// Progress is a run's counts so far.
func (w *Workflow) Progress(ctx context.Context, actor Actor, broadcastID, runID int64) (store.BroadcastDraft, store.Progress, error) {
	b, r, err := w.Run(ctx, actor, broadcastID, runID)
	if err != nil {
		return b, store.Progress{}, err
	}
	p, err := w.st.RunProgress(ctx, r.ID)
	return b, p, err
}

// WriteReport writes a run's report, one CSV line per recipient; get the
// run with Run or RunByID first.
func (w *Workflow) WriteReport(ctx context.Context, r store.Run, out io.Writer) error {
	if err := w.st.WriteReportCSV(ctx, r.ID, out); err != nil {
		return fmt.Errorf("report of run %d: %w", r.ID, err)
	}
	return nil
}
