package broadcast

import (
	"slices"

	"github.com/loa-vn/loa/store"
)

// Action is one step of a broadcast's life, as the role rules name it.
type Action string

const (
	View        Action = "view"
	Create      Action = "create"
	Edit        Action = "edit"
	Submit      Action = "submit"
	Approve     Action = "approve"
	Reject      Action = "reject"
	ToDraft     Action = "to_draft"
	Schedule    Action = "schedule"
	Unschedule  Action = "unschedule"
	Skip        Action = "skip"
	PauseYear   Action = "pause_year"
	Cancel      Action = "cancel"
	Uncancel    Action = "uncancel"
	PauseRun    Action = "pause_run"
	ResumeRun   Action = "resume_run"
	CancelRun   Action = "cancel_run"
	TestSend    Action = "test_send"
	CountAction Action = "count"
)

// phrase completes "your role (editor) may not …".
var phrase = map[Action]string{
	View: "see this broadcast", Create: "create a broadcast", Edit: "edit a broadcast",
	Submit: "submit a broadcast for approval", Approve: "approve a broadcast", Reject: "reject a broadcast",
	ToDraft: "send a broadcast back to draft", Schedule: "schedule a broadcast", Unschedule: "unschedule a broadcast",
	Skip: "skip an occurrence of a yearly campaign", PauseYear: "pause a yearly campaign for the year",
	Cancel: "cancel a broadcast", Uncancel: "undo the cancel of a yearly campaign",
	PauseRun: "pause a broadcast's run", ResumeRun: "resume a broadcast's run", CancelRun: "cancel a broadcast's run",
	TestSend: "send a test of a broadcast", CountAction: "count an audience",
}

var (
	everyone  = store.Roles
	writers   = []string{store.RoleAdmin, store.RoleEditor, store.RoleAgencyManager}
	approvers = []string{store.RoleAdmin, store.RoleApprover}
	operators = []string{store.RoleAdmin, store.RoleApprover, store.RoleAgencyManager}
	fixers    = []string{store.RoleAdmin, store.RoleEditor, store.RoleApprover, store.RoleAgencyManager}
)

// roles is the one table of who may take which step. An agency manager is
// further limited to their agency and the agencies below it (scope), and the
// two-person rule applies on top of it to everyone, admins and the operator too.
var roles = map[Action][]string{
	View: everyone, CountAction: everyone,
	Create: writers, Edit: writers, Submit: writers,
	Approve: approvers, Reject: approvers,
	ToDraft: fixers, TestSend: fixers,
	Schedule: approvers, Unschedule: approvers, Skip: approvers, PauseYear: approvers,
	Cancel: operators, Uncancel: operators,
	PauseRun: operators, ResumeRun: operators, CancelRun: operators,
}

// Roles lists the staff roles that may take a step (for documentation: the
// API's OpenAPI document shows them). The operator at the console may take
// every step.
func Roles(a Action) []string { return slices.Clone(roles[a]) }

// Actor is who takes a step: a staff member (through the API, Telegram or
// the console to come), the operator at the command line, or Loa itself.
type Actor struct {
	// Audit is the identity written to the audit log and compared by the
	// two-person rule.
	Audit store.Actor
	// Staff is the staff member (Audit.Kind == store.ActorStaff).
	Staff store.Staff
}

// StaffActor is a staff member acting through a front end; requestID ties
// the audit rows to the request's log lines ("telegram" for the bot).
func StaffActor(s store.Staff, requestID string) Actor {
	return Actor{Audit: store.StaffActor(s.ID, requestID), Staff: s}
}

// CLI is the operator at the console: every role's steps, and one actor for
// the two-person rule (an operator cannot approve what an operator wrote).
var CLI = Actor{Audit: store.CLIActor}

// System is Loa itself (the seed).
var System = Actor{Audit: store.SystemActor}

func (a Actor) isStaff() bool { return a.Audit.Kind == store.ActorStaff }

// role is the actor's role for messages ("cli" for the operator).
func (a Actor) role() string {
	if a.isStaff() {
		return a.Staff.Role
	}
	return a.Audit.Kind
}

// manager reports whether the actor is an agency manager, limited to scope.
func (a Actor) manager() bool {
	return a.isStaff() && a.Staff.Role == store.RoleAgencyManager && a.Staff.AgencyID != nil
}

// may checks the role table.
func (a Actor) may(act Action, id int64) error {
	if !a.isStaff() || slices.Contains(roles[act], a.Staff.Role) {
		return nil
	}
	return refuse(Forbidden, act, id, "your role (%s) may not %s", a.Staff.Role, phrase[act])
}

// same reports whether two actors are one for the two-person rule: the same
// staff member, or both the operator (or both Loa).
func same(a, b store.Actor) bool {
	if a.Kind != b.Kind {
		return false
	}
	return a.Kind != store.ActorStaff || a.StaffID == b.StaffID
}

// May reports whether the actor's role allows a step (before scope and
// state), for front ends that offer only what can be done: the approve
// buttons of the staff bot, say.
func (a Actor) May(act Action) bool { return a.may(act, 0) == nil }
