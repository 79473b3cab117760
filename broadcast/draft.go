package broadcast

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// Draft is a broadcast as its author writes it. Its audience may still be
// empty of subscribers: the audience is checked at submit, approve and schedule.
type Draft struct {
	Name     string
	Content  messages.Content
	Audience messages.Audience
	Schedule messages.Schedule
}

// DraftOf is a campaign file's broadcast as a draft.
func DraftOf(s messages.CampaignSpec) Draft {
	return Draft{Name: s.Name, Content: s.Content, Audience: s.Audience, Schedule: s.Schedule}
}

func (d Draft) spec() messages.CampaignSpec {
	sch := d.Schedule
	if sch.Timezone == "" {
		sch.Timezone = messages.DefaultTimezone
	}
	return messages.CampaignSpec{Name: strings.TrimSpace(d.Name), Content: d.Content, Audience: d.Audience, Schedule: sch}
}

// Create writes a new draft, by actor, in its own transaction.
func (w *Workflow) Create(ctx context.Context, actor Actor, d Draft) (store.BroadcastDraft, error) {
	tx, err := w.st.BeginWorkflow(ctx)
	if err != nil {
		return store.BroadcastDraft{}, err
	}
	defer tx.Rollback()
	b, err := w.CreateIn(ctx, tx, actor, d)
	if err != nil {
		return b, err
	}
	return b, tx.Commit()
}

// CreateIn writes a new draft inside tx (the API's idempotency record:
// store.WorkflowIn); the caller commits.
func (w *Workflow) CreateIn(ctx context.Context, tx *store.WorkflowTx, actor Actor, d Draft) (store.BroadcastDraft, error) {
	if err := actor.may(Create, 0); err != nil {
		return store.BroadcastDraft{}, err
	}
	in, err := w.input(ctx, actor, Create, 0, d)
	if err != nil {
		return store.BroadcastDraft{}, err
	}
	return tx.InsertBroadcast(ctx, actor.Audit, in)
}

// Edit replaces a draft's or a submitted broadcast's content, audience and
// schedule. It is a draft again afterwards (what was submitted is not what
// would be approved), and actor is now the one who cannot approve it.
func (w *Workflow) Edit(ctx context.Context, actor Actor, id int64, d Draft) (store.BroadcastDraft, error) {
	if err := actor.may(Edit, id); err != nil {
		return store.BroadcastDraft{}, err
	}
	in, err := w.input(ctx, actor, Edit, id, d)
	if err != nil {
		return store.BroadcastDraft{}, err
	}
	return w.step(ctx, actor, Edit, id, "broadcast.update", func(ctx context.Context, tx *store.WorkflowTx, b *store.BroadcastDraft) error {
		if err := allowedFrom(Edit, *b); err != nil {
			return err
		}
		if err := w.noRunYet(ctx, tx, Edit, *b); err != nil {
			return err
		}
		if !actor.manager() {
			in.AgencyID = b.AgencyID // editors keep an agency broadcast bound to its agency
		}
		if err := b.SetDraft(in); err != nil {
			return err
		}
		backToDraft(b)
		b.RejectReason = ""
		changedBy(b, actor)
		return nil
	})
}

// input validates a draft completely (content the channels would refuse,
// schedule, unknown codes, an agency manager's reach) and returns every
// problem at once. It does not count the audience: a draft may reach nobody yet.
func (w *Workflow) input(ctx context.Context, actor Actor, act Action, id int64, d Draft) (store.DraftInput, error) {
	spec := d.spec()
	var fe []messages.FieldError
	var ve *messages.ValidationError
	if err := spec.Validate(); errors.As(err, &ve) {
		fe = append(fe, ve.Fields...)
	} else if err != nil {
		return store.DraftInput{}, err
	}
	if spec.Schedule.At != nil {
		if f := w.atError(*spec.Schedule.At); f != nil {
			fe = append(fe, *f)
		}
	}
	unknown, err := w.unknownCodes(ctx, spec.Audience)
	if err != nil {
		return store.DraftInput{}, err
	}
	fe = append(fe, unknown...)
	in := store.DraftInput{Name: spec.Name, Content: spec.Content, Audience: spec.Audience, Schedule: spec.Schedule}
	if actor.manager() {
		agency, err := w.managerAudience(ctx, actor, act, id, spec.Audience)
		if err != nil {
			return in, err
		}
		in.AgencyID = agency
	}
	if fe != nil {
		return in, invalid(act, id, "the broadcast is not valid", fe)
	}
	return in, nil
}

func invalid(act Action, id int64, msg string, fe []messages.FieldError) *Error {
	slices.SortStableFunc(fe, func(a, b messages.FieldError) int { return strings.Compare(a.Path, b.Path) })
	e := refuse(Invalid, act, id, "%s", msg)
	e.Fields = fe
	return e
}

// managerAudience checks an agency manager's audience names only agencies
// within theirs, and returns the agency the broadcast is bound to when it
// names exactly one (the engine then also requires membership of it).
func (w *Workflow) managerAudience(ctx context.Context, actor Actor, act Action, id int64, a messages.Audience) (*int64, error) {
	if len(a.Agencies) == 0 {
		return nil, invalid(act, id, "an agency manager's broadcast goes to agency members only",
			[]messages.FieldError{{Path: "audience.agencies", Message: "name your agency (or agencies below it)"}})
	}
	ids, err := w.st.AgencyIDsByCode(ctx, a.Agencies)
	if err != nil {
		return nil, err
	}
	for _, code := range a.Agencies {
		aid, ok := ids[code]
		if !ok {
			continue // reported as an unknown code
		}
		within, err := w.st.AgencyWithin(ctx, *actor.Staff.AgencyID, aid)
		if err != nil {
			return nil, err
		}
		if !within {
			return nil, refuse(OutOfScope, act, id, "agency %s is outside yours", code)
		}
	}
	if len(a.Agencies) == 1 {
		if aid, ok := ids[a.Agencies[0]]; ok {
			return &aid, nil
		}
	}
	return nil, nil
}

// noRunYet refuses to rewrite a one-off broadcast that has started sending:
// its message is out; a correction is a new broadcast.
func (w *Workflow) noRunYet(ctx context.Context, tx runLister, act Action, b store.BroadcastDraft) error {
	if yearly(b) {
		return nil
	}
	runs, err := tx.RunsOf(ctx, b.ID)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		return nil
	}
	e := refuse(WrongState, act, b.ID, "broadcast %d was sent once already (run %d is %s): send a correction as a new broadcast",
		b.ID, runs[0].ID, runs[0].Status)
	e.State, e.RunID = string(StateOf(b)), runs[0].ID
	return e
}

// MaxAheadYears is how far ahead a one-off broadcast may be scheduled: a time
// years away is a typo (9999 for 2027), not a plan.
const MaxAheadYears = 5

// atError is the one check of a one-off send time, for drafts and for
// Schedule's new time: in the future, and at most MaxAheadYears ahead.
func (w *Workflow) atError(at time.Time) *messages.FieldError {
	now := w.now()
	switch {
	case !at.After(now):
		return &messages.FieldError{Path: "schedule.at", Message: "is in the past"}
	case at.After(now.AddDate(MaxAheadYears, 0, 0)):
		return &messages.FieldError{Path: "schedule.at", Message: fmt.Sprintf(
			"is more than %d years ahead; the latest allowed now is %s", MaxAheadYears, now.AddDate(MaxAheadYears, 0, 0).UTC().Format(time.RFC3339))}
	}
	return nil
}

// unknownCodes names every audience code that names nothing, by its list.
func (w *Workflow) unknownCodes(ctx context.Context, a messages.Audience) ([]messages.FieldError, error) {
	unknown, err := w.st.UnknownAudienceCodes(ctx, a)
	if err != nil {
		return nil, err
	}
	var fe []messages.FieldError
	for list, codes := range unknown {
		for _, code := range codes {
			fe = append(fe, messages.FieldError{Path: "audience." + list, Message: fmt.Sprintf("unknown code %q", code)})
		}
	}
	return fe, nil
}
