package broadcast_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

var states = []broadcast.State{broadcast.StateDraft, broadcast.StateSubmitted, broadcast.StateApproved,
	broadcast.StateScheduled, broadcast.StateCancelled, broadcast.StateFinished}

// "(this one is …)"
var thisOne = map[broadcast.State]string{
	broadcast.StateDraft: "a draft", broadcast.StateSubmitted: "submitted", broadcast.StateApproved: "approved but not scheduled",
	broadcast.StateScheduled: "scheduled", broadcast.StateCancelled: "cancelled", broadcast.StateFinished: "finished",
}

type stepFn func(e *env, id int64) (store.BroadcastDraft, error)

// TestStateMachine walks every step from every state of a yearly campaign:
// where it is allowed it lands in the state given; where it is refused the
// error says what is needed, and the broadcast, its runs and the audit log
// are as they were.
func TestStateMachine(t *testing.T) {
	e := newEnv(t)
	steps := []struct {
		name string
		do   stepFn
		// to: the state each allowed starting state leads to
		to map[broadcast.State]broadcast.State
		// need: the refusal's message before " (this one is …)"; "" = a
		// message of its own, in refusedMsg
		need       string
		refusedMsg func(id int64, s broadcast.State) string
	}{
		{"edit", func(e *env, id int64) (store.BroadcastDraft, error) {
			return e.wf.Edit(e.ctx, e.as("editor"), id, yearlyDraft("edited"))
		}, map[broadcast.State]broadcast.State{broadcast.StateDraft: broadcast.StateDraft, broadcast.StateSubmitted: broadcast.StateDraft},
			"only a draft or a submitted broadcast can be edited; send it back to draft first", nil},
		{"submit", func(e *env, id int64) (store.BroadcastDraft, error) { return e.wf.Submit(e.ctx, e.as("editor"), id) },
			map[broadcast.State]broadcast.State{broadcast.StateDraft: broadcast.StateSubmitted},
			"only a draft can be submitted", nil},
		{"approve", func(e *env, id int64) (store.BroadcastDraft, error) { return e.wf.Approve(e.ctx, e.as("approver"), id) },
			map[broadcast.State]broadcast.State{broadcast.StateSubmitted: broadcast.StateApproved},
			"only a submitted broadcast can be approved", nil},
		{"reject", func(e *env, id int64) (store.BroadcastDraft, error) {
			return e.wf.Reject(e.ctx, e.as("approver"), id, "typo in the second line")
		}, map[broadcast.State]broadcast.State{broadcast.StateSubmitted: broadcast.StateDraft},
			"only a submitted broadcast can be rejected", nil},
		{"to draft", func(e *env, id int64) (store.BroadcastDraft, error) { return e.wf.ToDraft(e.ctx, e.as("editor"), id) },
			map[broadcast.State]broadcast.State{broadcast.StateSubmitted: broadcast.StateDraft, broadcast.StateApproved: broadcast.StateDraft,
				broadcast.StateScheduled: broadcast.StateDraft},
			"only a submitted, approved or scheduled broadcast can be sent back to draft", nil},
		{"schedule", func(e *env, id int64) (store.BroadcastDraft, error) {
			return e.wf.Schedule(e.ctx, e.as("approver"), id, nil)
		}, map[broadcast.State]broadcast.State{broadcast.StateApproved: broadcast.StateScheduled, broadcast.StateScheduled: broadcast.StateScheduled},
			"only an approved broadcast can be scheduled", nil},
		{"unschedule", func(e *env, id int64) (store.BroadcastDraft, error) {
			return e.wf.Unschedule(e.ctx, e.as("approver"), id)
		}, map[broadcast.State]broadcast.State{broadcast.StateScheduled: broadcast.StateApproved},
			"only a scheduled broadcast can be unscheduled", nil},
		{"skip", func(e *env, id int64) (store.BroadcastDraft, error) { return e.wf.Skip(e.ctx, e.as("approver"), id) },
			map[broadcast.State]broadcast.State{broadcast.StateScheduled: broadcast.StateScheduled},
			"only a scheduled yearly campaign can skip an occurrence", nil},
		{"pause for the year", func(e *env, id int64) (store.BroadcastDraft, error) {
			return e.wf.PauseYear(e.ctx, e.as("approver"), id)
		}, map[broadcast.State]broadcast.State{broadcast.StateScheduled: broadcast.StateScheduled},
			"only a scheduled yearly campaign can be paused for the year", nil},
		{"cancel", func(e *env, id int64) (store.BroadcastDraft, error) {
			r, err := e.wf.Cancel(e.ctx, e.as("approver"), id)
			return r.Broadcast, err
		}, map[broadcast.State]broadcast.State{broadcast.StateDraft: broadcast.StateCancelled, broadcast.StateSubmitted: broadcast.StateCancelled,
			broadcast.StateApproved: broadcast.StateCancelled, broadcast.StateScheduled: broadcast.StateCancelled},
			"", func(id int64, s broadcast.State) string { return "broadcast " + itoa(id) + " is already " + string(s) }},
		{"uncancel", func(e *env, id int64) (store.BroadcastDraft, error) {
			return e.wf.Uncancel(e.ctx, e.as("approver"), id)
		},
			map[broadcast.State]broadcast.State{broadcast.StateCancelled: broadcast.StateScheduled},
			"only a cancelled broadcast's cancel can be undone", nil},
	}
	for _, step := range steps {
		for _, from := range states {
			t.Run(step.name+" from "+string(from), func(t *testing.T) {
				id := e.in(from, yearlyDraft(step.name))
				before := e.snap(id)
				got, err := step.do(e, id)
				if want, allowed := step.to[from]; allowed {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					if broadcast.StateOf(got) != want {
						t.Fatalf("now %s, want %s", broadcast.StateOf(got), want)
					}
					if after := e.snap(id); len(after.audit) != len(before.audit)+1 {
						t.Errorf("%d audit entries written, want 1", len(after.audit)-len(before.audit))
					}
					return
				}
				msg := step.need + " (this one is " + thisOne[from] + ")"
				if step.refusedMsg != nil {
					msg = step.refusedMsg(id, from)
				}
				refused(t, err, broadcast.WrongState, msg)
				if we, _ := broadcast.ErrorOf(err); we.State != string(from) || we.BroadcastID != id {
					t.Errorf("error state %q id %d, want %q %d", we.State, we.BroadcastID, from, id)
				}
				e.unchanged(t, before)
			})
		}
	}
}

// TestApprovalNeedsAgain: every way back to draft drops the approval, and
// what is approved next is approved again, by someone who did not change it.
func TestApprovalNeedsAgain(t *testing.T) {
	e := newEnv(t)
	id := e.in(broadcast.StateScheduled, yearlyDraft("typo"))
	b, err := e.wf.ToDraft(e.ctx, e.as("approver"), id)
	e.ok(err)
	if b.ApprovedAt != nil || b.ApprovedBy != nil || b.NextRunAt != nil || b.SubmittedAt != nil {
		t.Fatalf("back to draft kept its approval: %+v", b)
	}
	_, err = e.wf.Edit(e.ctx, e.as("approver"), id, yearlyDraft("fixed"))
	refused(t, err, broadcast.Forbidden, "your role (approver) may not edit a broadcast")
	_, err = e.wf.Edit(e.ctx, e.as("admin"), id, yearlyDraft("fixed"))
	e.ok(err)
	_, err = e.wf.Submit(e.ctx, e.as("editor"), id)
	e.ok(err)
	// the admin made the last change: the editor's submit does not change that
	_, err = e.wf.Approve(e.ctx, e.as("admin"), id)
	refused(t, err, broadcast.TwoPersonRule,
		"the two-person rule is on: you made the last change to broadcast "+itoa(id)+", so someone else must approve it")
	b, err = e.wf.Approve(e.ctx, e.as("approver"), id)
	e.ok(err)
	if b.Name != "fixed" || *b.ApprovedBy != e.as("approver").Staff.ID {
		t.Fatalf("approved %+v", b)
	}
	// a rejection's reason is kept for the author, and cleared by the next submit
	id = e.in(broadcast.StateSubmitted, yearlyDraft("rejected"))
	b, err = e.wf.Reject(e.ctx, e.as("approver"), id, "  the link is wrong ")
	e.ok(err)
	if b.RejectReason != "the link is wrong" || b.Status != "draft" {
		t.Fatalf("reject: %+v", b)
	}
	before := e.snap(id)
	_, err = e.wf.Reject(e.ctx, e.as("approver"), id, " ")
	refused(t, err, broadcast.Invalid, "say why the broadcast is sent back")
	e.unchanged(t, before)
	b, err = e.wf.Submit(e.ctx, e.as("editor"), id)
	e.ok(err)
	if b.RejectReason != "" {
		t.Fatalf("submit kept the old reason %q", b.RejectReason)
	}
}

// TestTwoPersonRule: whoever last changed a broadcast cannot approve it:
// its author, an admin who rewrote it, the operator at the console. With
// LOA_TWO_PERSON_RULE=false they can.
func TestTwoPersonRule(t *testing.T) {
	for _, on := range []bool{true, false} {
		t.Run(map[bool]string{true: "on", false: "off"}[on], func(t *testing.T) {
			var e *env
			if on {
				e = newEnv(t)
			} else {
				e = newEnv(t, noTwoPerson)
			}
			for _, who := range []string{"admin", "cli"} {
				b, err := e.wf.Create(e.ctx, e.as(who), yearlyDraft("own "+who))
				e.ok(err)
				_, err = e.wf.Submit(e.ctx, e.as(who), b.ID)
				e.ok(err)
				before := e.snap(b.ID)
				_, err = e.wf.Approve(e.ctx, e.as(who), b.ID)
				if !on {
					e.ok(err)
					continue
				}
				refused(t, err, broadcast.TwoPersonRule, "the two-person rule is on: you made the last change to broadcast "+
					itoa(b.ID)+", so someone else must approve it")
				e.unchanged(t, before)
				// and the one who wrote it cannot schedule it either: it is not approved
				_, err = e.wf.Schedule(e.ctx, e.as(who), b.ID, nil)
				refused(t, err, broadcast.WrongState, "only an approved broadcast can be scheduled (this one is submitted)")
				e.unchanged(t, before)
				// someone else approves; then the author may schedule it
				_, err = e.wf.Approve(e.ctx, e.as("approver"), b.ID)
				e.ok(err)
				_, err = e.wf.Schedule(e.ctx, e.as(who), b.ID, nil)
				e.ok(err)
			}
			// a staff approver may approve what the operator wrote, and the
			// operator what a staff member wrote
			b, err := e.wf.Create(e.ctx, e.as("editor"), yearlyDraft("editor's"))
			e.ok(err)
			_, err = e.wf.Submit(e.ctx, e.as("editor"), b.ID)
			e.ok(err)
			_, err = e.wf.Approve(e.ctx, broadcast.CLI, b.ID)
			e.ok(err)
		})
	}
}

// TestNewTimeNeedsNewApproval: moving a one-off broadcast to another time
// changes what was approved.
func TestNewTimeNeedsNewApproval(t *testing.T) {
	e := newEnv(t)
	id := e.in(broadcast.StateApproved, e.onceDraft("once"))
	later := e.now.Add(72 * time.Hour)
	before := e.snap(id)
	_, err := e.wf.Schedule(e.ctx, broadcast.CLI, id, &later)
	refused(t, err, broadcast.TwoPersonRule, "the two-person rule is on: a new send time needs a new approval; "+
		"send broadcast "+itoa(id)+" back to draft, change its time and have someone else approve it")
	e.unchanged(t, before)
	// its own time is no change
	at := *before.b.SendAt
	b, err := e.wf.Schedule(e.ctx, broadcast.CLI, id, &at)
	e.ok(err)
	if !b.NextRunAt.Equal(at) {
		t.Fatalf("next run %v, want %v", b.NextRunAt, at)
	}
	// with the rule off the operator may move it, and is then its last changer
	off := newEnv(t, noTwoPerson)
	id = off.in(broadcast.StateApproved, off.onceDraft("once"))
	b, err = off.wf.Schedule(off.ctx, broadcast.CLI, id, &later)
	off.ok(err)
	if !b.NextRunAt.Equal(later) || b.ChangedByKind != store.ActorCLI {
		t.Fatalf("moved: %+v", b)
	}
	past := off.now.Add(-time.Hour)
	_, err = off.wf.Schedule(off.ctx, broadcast.CLI, id, &past)
	refused(t, err, broadcast.Invalid, "the new send time is in the past")
}

// TestYearlyWaysBack: skip one occurrence, pause for the year, and undo a
// cancel before the occurrence it stopped.
func TestYearlyWaysBack(t *testing.T) {
	e := newEnv(t)
	oct := func(year int) time.Time { return time.Date(year, time.October, 10, 8, 0, 0, 0, hcm) }
	id := e.in(broadcast.StateScheduled, yearlyDraft("ngay-cds"))
	b, err := e.wf.Skip(e.ctx, e.as("approver"), id)
	e.ok(err)
	if !b.NextRunAt.Equal(oct(2027)) {
		t.Fatalf("skip: next %v", b.NextRunAt)
	}
	b, err = e.wf.Schedule(e.ctx, e.as("approver"), id, nil)
	e.ok(err)
	if !b.NextRunAt.Equal(oct(2026)) {
		t.Fatalf("reschedule after skip: next %v", b.NextRunAt)
	}

	b, err = e.wf.PauseYear(e.ctx, e.as("approver"), id)
	e.ok(err)
	if !b.NextRunAt.Equal(oct(2027)) || b.PausedUntil == nil || !b.PausedUntil.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, hcm)) ||
		b.Status != "approved" {
		t.Fatalf("pause for the year: %+v", b)
	}
	before := e.snap(id)
	_, err = e.wf.PauseYear(e.ctx, e.as("approver"), id)
	refused(t, err, broadcast.WrongState, "broadcast "+itoa(id)+" is already paused for the year: its next occurrence is 2027-10-10 08:00 +07")
	e.unchanged(t, before)
	b, err = e.wf.Schedule(e.ctx, e.as("approver"), id, nil)
	e.ok(err)
	if !b.NextRunAt.Equal(oct(2026)) || b.PausedUntil != nil {
		t.Fatalf("resume after pause: %+v", b)
	}

	// after this year's day there is nothing left to pause this year
	e.now = time.Date(2026, time.November, 1, 9, 0, 0, 0, hcm)
	b, err = e.wf.Schedule(e.ctx, e.as("approver"), id, nil)
	e.ok(err)
	before = e.snap(id)
	_, err = e.wf.PauseYear(e.ctx, e.as("approver"), id)
	refused(t, err, broadcast.WrongState, "nothing of broadcast "+itoa(id)+" is due this year: its next occurrence is 2027-10-10 08:00 +07 (skip it instead)")
	e.unchanged(t, before)

	// cancel, then undo it before 10/10/2027: scheduled for it again
	_, err = e.wf.Cancel(e.ctx, e.as("approver"), id)
	e.ok(err)
	e.now = time.Date(2027, time.October, 10, 7, 59, 0, 0, hcm)
	b, err = e.wf.Uncancel(e.ctx, e.as("approver"), id)
	e.ok(err)
	if broadcast.StateOf(b) != broadcast.StateScheduled || !b.NextRunAt.Equal(oct(2027)) || b.CancelledAt != nil {
		t.Fatalf("uncancel: %+v", b)
	}
	// too late once the occurrence it stopped has passed
	_, err = e.wf.Cancel(e.ctx, e.as("approver"), id)
	e.ok(err)
	e.now = oct(2027)
	before = e.snap(id)
	_, err = e.wf.Uncancel(e.ctx, e.as("approver"), id)
	refused(t, err, broadcast.TooLate, "the cancel of broadcast "+itoa(id)+" can no longer be undone: the occurrence it stopped (2027-10-10 08:00 +07) has passed")
	e.unchanged(t, before)
}

// TestOneOffRefusesYearlySteps: skip, pause for the year and uncancel are
// for yearly campaigns; a one-off broadcast says so.
func TestOneOffRefusesYearlySteps(t *testing.T) {
	e := newEnv(t)
	id := e.in(broadcast.StateScheduled, e.onceDraft("once"))
	for name, do := range map[string]stepFn{
		"be paused for the year": func(e *env, id int64) (store.BroadcastDraft, error) {
			return e.wf.PauseYear(e.ctx, e.as("approver"), id)
		},
		"skip an occurrence": func(e *env, id int64) (store.BroadcastDraft, error) { return e.wf.Skip(e.ctx, e.as("approver"), id) },
	} {
		before := e.snap(id)
		_, err := do(e, id)
		refused(t, err, broadcast.NotYearly, "only a yearly campaign can "+name+" (broadcast "+itoa(id)+" is sent once)")
		e.unchanged(t, before)
	}
	id = e.in(broadcast.StateCancelled, e.onceDraft("once"))
	before := e.snap(id)
	_, err := e.wf.Uncancel(e.ctx, e.as("approver"), id)
	refused(t, err, broadcast.NotYearly, "only a yearly campaign can have its cancel undone (broadcast "+itoa(id)+" is sent once)")
	e.unchanged(t, before)
}

// TestAudienceCheckedAtSubmitApproveSchedule: a draft may reach nobody; it
// cannot be submitted, approved or scheduled while it does.
func TestAudienceCheckedAtSubmitApproveSchedule(t *testing.T) {
	e := newEnv(t)
	nobody := yearlyDraft("nobody")
	nobody.Audience = messages.Audience{Localities: []string{"phuong-ba-dinh"}}
	b, err := e.wf.Create(e.ctx, e.as("editor"), nobody)
	e.ok(err)
	before := e.snap(b.ID)
	_, err = e.wf.Submit(e.ctx, e.as("editor"), b.ID)
	refused(t, err, broadcast.Invalid, "broadcast "+itoa(b.ID)+" cannot be submitted yet")
	if we, _ := broadcast.ErrorOf(err); len(we.Fields) != 1 || we.Fields[0].Path != "audience" {
		t.Fatalf("fields %+v", we.Fields)
	}
	e.unchanged(t, before)

	// the audience empties after approval: approve and schedule refuse
	for _, target := range []broadcast.State{broadcast.StateSubmitted, broadcast.StateApproved} {
		id := e.in(target, yearlyDraft("emptied"))
		if _, err := e.st.DB().ExecContext(e.ctx, `UPDATE subscribers SET status = 'unsubscribed'`); err != nil {
			t.Fatal(err)
		}
		before := e.snap(id)
		if target == broadcast.StateSubmitted {
			_, err = e.wf.Approve(e.ctx, e.as("approver"), id)
			refused(t, err, broadcast.Invalid, "broadcast "+itoa(id)+" cannot be approved yet")
		} else {
			_, err = e.wf.Schedule(e.ctx, e.as("approver"), id, nil)
			refused(t, err, broadcast.Invalid, "broadcast "+itoa(id)+" cannot be scheduled yet")
		}
		e.unchanged(t, before)
		if _, err := e.st.DB().ExecContext(e.ctx, `UPDATE subscribers SET status = 'active'`); err != nil {
			t.Fatal(err)
		}
	}

	// a one-off time that passed while it waited
	id := e.in(broadcast.StateSubmitted, e.onceDraft("late"))
	e.now = e.now.Add(72 * time.Hour)
	_, err = e.wf.Approve(e.ctx, e.as("approver"), id)
	refused(t, err, broadcast.Invalid, "broadcast "+itoa(id)+" cannot be approved yet")
	if we, _ := broadcast.ErrorOf(err); we.Fields[0].Path != "schedule.at" {
		t.Fatalf("fields %+v", we.Fields)
	}
}

// TestRoles: the one role table, checked before anything is read.
func TestRoles(t *testing.T) {
	e := newEnv(t)
	id := e.in(broadcast.StateSubmitted, yearlyDraft("roles"))
	cases := []struct {
		who  string
		do   stepFn
		want string // "" = allowed past the role check
	}{
		{"viewer", func(e *env, id int64) (store.BroadcastDraft, error) { return e.wf.Get(e.ctx, e.as("viewer"), id) }, ""},
		{"viewer", func(e *env, id int64) (store.BroadcastDraft, error) {
			return e.wf.Create(e.ctx, e.as("viewer"), yearlyDraft("v"))
		}, "your role (viewer) may not create a broadcast"},
		{"approver", func(e *env, id int64) (store.BroadcastDraft, error) {
			return e.wf.Create(e.ctx, e.as("approver"), yearlyDraft("a"))
		}, "your role (approver) may not create a broadcast"},
		{"editor", func(e *env, id int64) (store.BroadcastDraft, error) { return e.wf.Approve(e.ctx, e.as("editor"), id) },
			"your role (editor) may not approve a broadcast"},
		{"manager", func(e *env, id int64) (store.BroadcastDraft, error) { return e.wf.Approve(e.ctx, e.as("manager"), id) },
			"your role (agency_manager) may not approve a broadcast"},
		{"viewer", func(e *env, id int64) (store.BroadcastDraft, error) {
			return e.wf.Reject(e.ctx, e.as("viewer"), id, "no")
		}, "your role (viewer) may not reject a broadcast"},
		{"editor", func(e *env, id int64) (store.BroadcastDraft, error) {
			return e.wf.Schedule(e.ctx, e.as("editor"), id, nil)
		}, "your role (editor) may not schedule a broadcast"},
		{"editor", func(e *env, id int64) (store.BroadcastDraft, error) {
			r, err := e.wf.Cancel(e.ctx, e.as("editor"), id)
			return r.Broadcast, err
		}, "your role (editor) may not cancel a broadcast"},
		{"viewer", func(e *env, id int64) (store.BroadcastDraft, error) { return e.wf.ToDraft(e.ctx, e.as("viewer"), id) },
			"your role (viewer) may not send a broadcast back to draft"},
		{"editor", func(e *env, id int64) (store.BroadcastDraft, error) { return e.wf.Uncancel(e.ctx, e.as("editor"), id) },
			"your role (editor) may not undo the cancel of a yearly campaign"},
	}
	for _, c := range cases {
		before := e.snap(id)
		_, err := c.do(e, id)
		if c.want == "" {
			e.ok(err)
			continue
		}
		refused(t, err, broadcast.Forbidden, c.want)
		e.unchanged(t, before)
	}
	if got := broadcast.Roles(broadcast.Approve); strings.Join(got, ",") != "admin,approver" {
		t.Errorf("approvers %v", got)
	}
}

// TestAgencyScope: an agency manager writes for their agency and those
// below it, and sees and changes only those broadcasts.
func TestAgencyScope(t *testing.T) {
	e := newEnv(t)
	mine := yearlyDraft("Sở A")
	mine.Audience = messages.Audience{Agencies: []string{"so-a-phong"}}
	b, err := e.wf.Create(e.ctx, e.as("manager"), mine)
	e.ok(err)
	if b.AgencyID == nil {
		t.Fatal("not bound to the agency")
	}
	if n, err := e.wf.CountOf(e.ctx, e.as("manager"), b.ID); err != nil || n != 2 {
		t.Fatalf("count %d %v, want 2", n, err)
	}
	everyone := yearlyDraft("everyone")
	_, err = e.wf.Create(e.ctx, e.as("manager"), everyone)
	refused(t, err, broadcast.Invalid, "an agency manager's broadcast goes to agency members only")
	other := yearlyDraft("Sở B")
	other.Audience = messages.Audience{Agencies: []string{"so-b"}}
	_, err = e.wf.Create(e.ctx, e.as("manager"), other)
	refused(t, err, broadcast.OutOfScope, "agency so-b is outside yours")

	before := e.snap(b.ID)
	_, err = e.wf.Get(e.ctx, e.as("manager_b"), b.ID)
	refused(t, err, broadcast.OutOfScope, "broadcast "+itoa(b.ID)+" is not one of your agency's")
	_, err = e.wf.Submit(e.ctx, e.as("manager_b"), b.ID)
	refused(t, err, broadcast.OutOfScope, "")
	_, err = e.wf.Cancel(e.ctx, e.as("manager_b"), b.ID)
	refused(t, err, broadcast.OutOfScope, "")
	e.unchanged(t, before)
	if list, err := e.wf.List(e.ctx, e.as("manager_b"), broadcast.Filter{}); err != nil || len(list) != 0 {
		t.Fatalf("manager b lists %d (%v)", len(list), err)
	}
	if list, err := e.wf.List(e.ctx, e.as("manager"), broadcast.Filter{}); err != nil || len(list) != 1 {
		t.Fatalf("manager lists %d (%v)", len(list), err)
	}
	// an editor keeps it bound to the agency when editing
	edited := mine
	edited.Name = "Sở A, sửa"
	got, err := e.wf.Edit(e.ctx, e.as("editor"), b.ID, edited)
	e.ok(err)
	if got.AgencyID == nil || *got.AgencyID != *b.AgencyID {
		t.Fatalf("edit unbound it: %+v", got)
	}
	// and a manager's broadcast outside theirs is invisible to them
	_, err = e.wf.Get(e.ctx, e.as("manager"), e.in(broadcast.StateDraft, yearlyDraft("city")))
	refused(t, err, broadcast.OutOfScope, "")
	_, err = e.wf.Get(e.ctx, e.as("viewer"), 999999)
	refused(t, err, broadcast.NotFound, "broadcast 999999 does not exist")
}

// TestRunControl: pause, resume and cancel go through the real engine
// (which tells every worker through Redis); each refusal names the run and
// its state; cancelling the broadcast cancels its active run, once.
func TestRunControl(t *testing.T) {
	e := newEnv(t).withEngine()
	ctx := context.Background()
	id := e.in(broadcast.StateScheduled, e.onceDraft("once"))
	b, err := e.st.DraftByID(ctx, id)
	e.ok(err)
	runs, err := e.st.StartDueRuns(ctx, b.NextRunAt.Add(time.Second), func(store.Broadcast, time.Time) *time.Time { return nil })
	if err != nil || len(runs) != 1 {
		t.Fatalf("start: %v %v", runs, err)
	}
	run := runs[0]
	if _, err := e.st.FreezeAudience(ctx, run, 100); err != nil {
		t.Fatal(err)
	}
	r, err := e.wf.PauseRun(ctx, e.as("approver"), id, 0)
	e.ok(err)
	if st, _ := e.eng.RunState(ctx, run); r.Status != store.RunPaused || st != store.RunPaused {
		t.Fatalf("paused %s, engine says %s", r.Status, st)
	}
	before := e.snap(id)
	_, err = e.wf.PauseRun(ctx, e.as("approver"), id, 0)
	refused(t, err, broadcast.WrongState, "run "+itoa(run)+" is already paused")
	e.unchanged(t, before)
	_, err = e.wf.PauseRun(ctx, e.as("editor"), id, 0)
	refused(t, err, broadcast.Forbidden, "your role (editor) may not pause a broadcast's run")
	_, err = e.wf.ResumeRun(ctx, broadcast.CLI, 0, run) // the CLI names runs by id
	e.ok(err)
	_, err = e.wf.ResumeRun(ctx, e.as("approver"), id, 0)
	refused(t, err, broadcast.WrongState, "run "+itoa(run)+" is not paused: it is sending")

	// its message is out: it cannot go back to draft
	before = e.snap(id)
	_, err = e.wf.ToDraft(ctx, e.as("editor"), id)
	refused(t, err, broadcast.WrongState, "broadcast "+itoa(id)+" was sent once already (run "+itoa(run)+" is sending): send a correction as a new broadcast")
	e.unchanged(t, before)

	res, err := e.wf.Cancel(ctx, e.as("approver"), id)
	e.ok(err)
	if res.Broadcast.Status != "cancelled" || len(res.Runs) != 1 || res.Runs[0].Status != store.RunCancelled {
		t.Fatalf("cancel: %+v", res)
	}
	if st, _ := e.eng.RunState(ctx, run); st != store.RunCancelled {
		t.Fatalf("engine says %s", st)
	}
	before = e.snap(id)
	_, err = e.wf.Cancel(ctx, e.as("approver"), id)
	refused(t, err, broadcast.WrongState, "broadcast "+itoa(id)+" is already cancelled")
	_, err = e.wf.CancelRun(ctx, e.as("approver"), id, run)
	refused(t, err, broadcast.WrongState, "run "+itoa(run)+" is already cancelled")
	_, err = e.wf.ResumeRun(ctx, e.as("approver"), id, run)
	refused(t, err, broadcast.WrongState, "run "+itoa(run)+" is cancelled: it can no longer be resumed")
	e.unchanged(t, before)

	// a broadcast without a run, and a run of another broadcast
	other := e.in(broadcast.StateScheduled, yearlyDraft("no run"))
	_, err = e.wf.PauseRun(ctx, e.as("approver"), other, 0)
	refused(t, err, broadcast.NoRun, "broadcast "+itoa(other)+" has not started a run yet")
	_, err = e.wf.PauseRun(ctx, e.as("approver"), other, run)
	refused(t, err, broadcast.NotFound, "run "+itoa(run)+" belongs to another broadcast")
}

// TestCancelFinishesAnInterruptedCancel: a broadcast cancelled while a run
// of it is still active (a cancel cut short) is cancelled again: its run is.
func TestCancelFinishesAnInterruptedCancel(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.in(broadcast.StateScheduled, yearlyDraft("yearly"))
	b, _ := e.st.DraftByID(ctx, id)
	runs, err := e.st.StartDueRuns(ctx, b.NextRunAt.Add(time.Second), func(b store.Broadcast, occ time.Time) *time.Time {
		n, _ := b.Schedule().Next(occ)
		return &n
	})
	if err != nil || len(runs) != 1 {
		t.Fatalf("start: %v %v", runs, err)
	}
	if _, err := e.st.DB().ExecContext(ctx, `UPDATE broadcasts SET status = 'cancelled', next_run_at = NULL, cancelled_at = now() WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	res, err := e.wf.Cancel(ctx, e.as("approver"), id)
	e.ok(err)
	if len(res.Runs) != 1 || res.Runs[0].Status != store.RunCancelled {
		t.Fatalf("runs %+v", res.Runs)
	}
	_, err = e.wf.Cancel(ctx, e.as("approver"), id)
	refused(t, err, broadcast.WrongState, "broadcast "+itoa(id)+" is already cancelled")
}
