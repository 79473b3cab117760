package broadcast

import (
	"fmt"

	"github.com/loa-vn/loa/store"
)

// State is where a broadcast is in its life. It is the stored status, with
// "approved" split in two: StateScheduled when a next send time is set.
type State string

const (
	StateDraft     State = "draft"
	StateSubmitted State = "submitted"
	StateApproved  State = "approved"
	StateScheduled State = "scheduled"
	StateCancelled State = "cancelled"
	StateFinished  State = "finished"
)

// StateOf reads a broadcast's state.
func StateOf(b store.BroadcastDraft) State {
	if b.Status == store.BroadcastApproved && b.NextRunAt != nil {
		return StateScheduled
	}
	return State(b.Status)
}

// describe completes "(this one is …)".
func (s State) describe() string {
	switch s {
	case StateDraft:
		return "a draft"
	case StateApproved:
		return "approved but not scheduled"
	}
	return string(s)
}

// yearly reports whether a broadcast recurs every year.
func yearly(b store.BroadcastDraft) bool { return b.RepeatMonth != nil }

// wrongState refuses a step and says what it needs: "only a submitted
// broadcast can be approved (this one is a draft)".
func wrongState(act Action, b store.BroadcastDraft, need string) *Error {
	st := StateOf(b)
	e := refuse(WrongState, act, b.ID, "%s (this one is %s)", need, st.describe())
	e.State = string(st)
	return e
}

// needs is what each step requires, in the words of its refusal.
var needs = map[Action]string{
	Edit:       "only a draft or a submitted broadcast can be edited; send it back to draft first",
	Submit:     "only a draft can be submitted",
	Approve:    "only a submitted broadcast can be approved",
	Reject:     "only a submitted broadcast can be rejected",
	ToDraft:    "only a submitted, approved or scheduled broadcast can be sent back to draft",
	Schedule:   "only an approved broadcast can be scheduled",
	Unschedule: "only a scheduled broadcast can be unscheduled",
	Skip:       "only a scheduled yearly campaign can skip an occurrence",
	PauseYear:  "only a scheduled yearly campaign can be paused for the year",
	Uncancel:   "only a cancelled broadcast's cancel can be undone",
}

// from lists the states each step starts from; Cancel is handled apart
// (every state before cancelled or finished).
var from = map[Action][]State{
	Edit:       {StateDraft, StateSubmitted},
	Submit:     {StateDraft},
	Approve:    {StateSubmitted},
	Reject:     {StateSubmitted},
	ToDraft:    {StateSubmitted, StateApproved, StateScheduled},
	Schedule:   {StateApproved, StateScheduled},
	Unschedule: {StateScheduled},
	Skip:       {StateScheduled},
	PauseYear:  {StateScheduled},
	Uncancel:   {StateCancelled},
}

// allowedFrom checks the state machine for act.
func allowedFrom(act Action, b store.BroadcastDraft) error {
	st := StateOf(b)
	for _, s := range from[act] {
		if s == st {
			return nil
		}
	}
	return wrongState(act, b, needs[act])
}

// mustBeYearly refuses a yearly-only step on a one-off broadcast.
func mustBeYearly(act Action, b store.BroadcastDraft) error {
	if yearly(b) {
		return nil
	}
	return refuse(NotYearly, act, b.ID, "only a yearly campaign can %s (broadcast %d is sent once)", yearlyPhrase[act], b.ID)
}

var yearlyPhrase = map[Action]string{
	Skip: "skip an occurrence", PauseYear: "be paused for the year", Uncancel: "have its cancel undone",
}

// runState refuses a run step: "run 12 is already paused".
func runState(act Action, r store.Run) *Error {
	var msg string
	switch {
	case act == PauseRun && r.Status == store.RunPaused,
		act == CancelRun && r.Status == store.RunCancelled:
		msg = fmt.Sprintf("run %d is already %s", r.ID, r.Status)
	case act == ResumeRun && (r.Status == store.RunSending || r.Status == store.RunPlanning):
		msg = fmt.Sprintf("run %d is not paused: it is %s", r.ID, r.Status)
	case r.Status == store.RunDone || r.Status == store.RunCancelled:
		msg = fmt.Sprintf("run %d is %s: it can no longer be %s", r.ID, r.Status, runVerb[act])
	default:
		msg = fmt.Sprintf("run %d is %s and cannot be %s", r.ID, r.Status, runVerb[act])
	}
	e := &Error{Code: WrongState, Action: act, BroadcastID: r.BroadcastID, RunID: r.ID, State: r.Status, Message: msg}
	return e
}

var runVerb = map[Action]string{PauseRun: "paused", ResumeRun: "resumed", CancelRun: "cancelled"}

// runFrom lists the run statuses each run step starts from.
var runFrom = map[Action][]string{
	PauseRun:  {store.RunPlanning, store.RunSending},
	ResumeRun: {store.RunPaused},
	CancelRun: {store.RunPlanning, store.RunSending, store.RunPaused},
}

func active(r store.Run) bool {
	return r.Status == store.RunPlanning || r.Status == store.RunSending || r.Status == store.RunPaused
}
