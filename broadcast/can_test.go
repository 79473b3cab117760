package broadcast_test

import (
	"testing"

	"github.com/loa-vn/loa/broadcast"
)

// Can must say exactly what the step would: for every state, several roles
// and every broadcast step, Can's verdict (allowed, or the refusal's code)
// is the step's own, taken on a fresh broadcast in that state.
func TestCanAgreesWithTheSteps(t *testing.T) {
	e := newEnv(t)
	steps := map[broadcast.Action]func(a broadcast.Actor, id int64) error{
		broadcast.Edit: func(a broadcast.Actor, id int64) error {
			_, err := e.wf.Edit(e.ctx, a, id, yearlyDraft("edited"))
			return err
		},
		broadcast.Submit:  func(a broadcast.Actor, id int64) error { _, err := e.wf.Submit(e.ctx, a, id); return err },
		broadcast.Approve: func(a broadcast.Actor, id int64) error { _, err := e.wf.Approve(e.ctx, a, id); return err },
		broadcast.Reject: func(a broadcast.Actor, id int64) error {
			_, err := e.wf.Reject(e.ctx, a, id, "sai chính tả")
			return err
		},
		broadcast.ToDraft:    func(a broadcast.Actor, id int64) error { _, err := e.wf.ToDraft(e.ctx, a, id); return err },
		broadcast.Schedule:   func(a broadcast.Actor, id int64) error { _, err := e.wf.Schedule(e.ctx, a, id, nil); return err },
		broadcast.Unschedule: func(a broadcast.Actor, id int64) error { _, err := e.wf.Unschedule(e.ctx, a, id); return err },
		broadcast.Skip:       func(a broadcast.Actor, id int64) error { _, err := e.wf.Skip(e.ctx, a, id); return err },
		broadcast.PauseYear:  func(a broadcast.Actor, id int64) error { _, err := e.wf.PauseYear(e.ctx, a, id); return err },
		broadcast.Cancel:     func(a broadcast.Actor, id int64) error { _, err := e.wf.Cancel(e.ctx, a, id); return err },
		broadcast.Uncancel:   func(a broadcast.Actor, id int64) error { _, err := e.wf.Uncancel(e.ctx, a, id); return err },
	}
	states := []broadcast.State{broadcast.StateDraft, broadcast.StateSubmitted, broadcast.StateApproved,
		broadcast.StateScheduled, broadcast.StateCancelled, broadcast.StateFinished}
	code := func(err error) broadcast.Code {
		if err == nil {
			return "ok"
		}
		we, ok := broadcast.ErrorOf(err)
		if !ok {
			t.Fatalf("not a workflow error: %v", err)
		}
		return we.Code
	}
	for _, st := range states {
		for _, who := range []string{"editor", "approver", "viewer", "manager"} {
			for act, do := range steps {
				for _, once := range []bool{false, true} {
					if once && act != broadcast.Skip && act != broadcast.PauseYear && act != broadcast.Uncancel && act != broadcast.ToDraft {
						continue // one-off and yearly differ only for these
					}
					if act == broadcast.Edit && who == "manager" {
						continue // Edit checks the new audience (the input) before the scope: Can has no input
					}
					d := yearlyDraft("can")
					if once {
						d = e.onceDraft("can")
					}
					id := e.in(st, d)
					b, err := e.wf.Get(e.ctx, broadcast.CLI, id)
					e.ok(err)
					want := code(e.wf.Can(e.ctx, e.as(who), act, b))
					if got := code(do(e.as(who), id)); got != want {
						t.Errorf("%s by %s on a %s (once %v): Can says %s, the step %s", act, who, st, once, want, got)
					}
				}
			}
		}
	}
	// the two-person rule: the editor who wrote it cannot approve it, and
	// Can says so before the click
	admin := e.as("admin")
	b, err := e.wf.Create(e.ctx, admin, yearlyDraft("own"))
	e.ok(err)
	_, err = e.wf.Submit(e.ctx, admin, b.ID)
	e.ok(err)
	b, _ = e.wf.Get(e.ctx, admin, b.ID)
	refused(t, e.wf.Can(e.ctx, admin, broadcast.Approve, b), broadcast.TwoPersonRule, "")
	if err := e.wf.Can(e.ctx, e.as("approver"), broadcast.Approve, b); err != nil {
		t.Fatalf("another approver: %v", err)
	}
	// a test send needs a sender and a linked chat
	refused(t, e.wf.Can(e.ctx, e.as("editor"), broadcast.TestSend, b), broadcast.Unavailable, "")
}
