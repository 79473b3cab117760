package broadcast_test

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/jobs"
	"github.com/loa-vn/loa/jobs/redistest"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// hcm is the campaigns' zone; the tests' clock stands at 1 March 2026,
// 10:00 there: this year's Digital Transformation Day is still ahead.
var hcm = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return l
}()

var march = time.Date(2026, time.March, 1, 10, 0, 0, 0, hcm)

// env is a workflow over a real store, with one staff member per role:
// admin, editor, approver, viewer, manager (agency so-a, which has
// so-a-phong below it) and manager_b (so-b); three subscribers in Hoàn Kiếm,
// two of them members of so-a.
type env struct {
	t     *testing.T
	ctx   context.Context
	st    *store.Store
	wf    *broadcast.Workflow
	now   time.Time
	staff map[string]broadcast.Actor
	eng   *jobs.Engine
}

type opt func(*broadcast.Config)

func noTwoPerson(c *broadcast.Config) { c.TwoPersonRule = false }

// withEngine controls runs through the real broadcast engine (Redis).
func (e *env) withEngine() *env {
	e.t.Helper()
	ropt := redistest.New(e.t)
	rdb := redis.NewClient(ropt)
	e.t.Cleanup(func() { rdb.Close() })
	e.eng = jobs.NewEngine(e.st, rdb, asynq.RedisClientOpt{Addr: ropt.Addr, DB: ropt.DB, Password: ropt.Password},
		nil, slog.New(slog.DiscardHandler), jobs.Config{})
	e.t.Cleanup(e.eng.Close)
	e.wf = broadcast.New(broadcast.Config{Store: e.st, Runs: e.eng, TwoPersonRule: true, Now: e.clock})
	return e
}

func newEnv(t *testing.T, opts ...opt) *env {
	t.Helper()
	ctx := context.Background()
	st := storetest.NewSeeded(t)
	e := &env{t: t, ctx: ctx, st: st, now: march, staff: map[string]broadcast.Actor{}}
	for _, a := range []store.AgencyInput{{Code: "so-a", NameVi: "Sở A"}, {Code: "so-a-phong", ParentCode: "so-a", NameVi: "Phòng A1"},
		{Code: "so-b", NameVi: "Sở B"}} {
		if _, err := st.CreateAgency(ctx, store.CLIActor, a); err != nil {
			t.Fatal(err)
		}
	}
	for name, ns := range map[string]store.NewStaff{
		"admin": {Name: "Admin", Role: store.RoleAdmin}, "editor": {Name: "Editor", Role: store.RoleEditor},
		"approver": {Name: "Approver", Role: store.RoleApprover}, "viewer": {Name: "Viewer", Role: store.RoleViewer},
		"manager":   {Name: "Manager A", Role: store.RoleAgencyManager, AgencyCode: "so-a"},
		"manager_b": {Name: "Manager B", Role: store.RoleAgencyManager, AgencyCode: "so-b"},
	} {
		s, _, err := st.CreateStaff(ctx, store.CLIActor, ns)
		if err != nil {
			t.Fatal(err)
		}
		e.staff[name] = broadcast.StaffActor(s, "test")
	}
	e.staff["cli"] = broadcast.CLI
	loc, err := st.LocalityByCode(ctx, "phuong-hoan-kiem")
	if err != nil {
		t.Fatal(err)
	}
	first, _, err := st.GenerateSubscribers(ctx, store.Generated{N: 3, ChatIDBase: 7000, Localities: []int64{loc.ID}, Prefix: "wf"})
	if err != nil {
		t.Fatal(err)
	}
	so, _ := st.AgencyByCode(ctx, "so-a-phong")
	for i := int64(0); i < 2; i++ {
		if _, err := st.JoinAgency(ctx, so.ID, first+i, "invite"); err != nil {
			t.Fatal(err)
		}
	}
	c := broadcast.Config{Store: st, TwoPersonRule: true, Now: e.clock}
	for _, o := range opts {
		o(&c)
	}
	e.wf = broadcast.New(c)
	return e
}

func (e *env) clock() time.Time { return e.now }

func (e *env) as(who string) broadcast.Actor {
	a, ok := e.staff[who]
	if !ok {
		e.t.Fatalf("no actor %q", who)
	}
	return a
}

// yearlyDraft is the Digital Transformation Day campaign, 10 October 08:00.
func yearlyDraft(name string) broadcast.Draft {
	return broadcast.Draft{Name: name,
		Content:  messages.Content{Variants: map[string]messages.Variant{"vi": {Text: "<b>Ngày Chuyển đổi số quốc gia</b>"}}},
		Audience: messages.Audience{Localities: []string{"phuong-hoan-kiem"}},
		Schedule: messages.Schedule{Yearly: &messages.Yearly{Month: 10, Day: 10, Hour: 8}, Timezone: "Asia/Ho_Chi_Minh"}}
}

// onceDraft goes out once, two days after the clock.
func (e *env) onceDraft(name string) broadcast.Draft {
	d := yearlyDraft(name)
	at := e.now.Add(48 * time.Hour)
	d.Schedule = messages.Schedule{At: &at, Timezone: "Asia/Ho_Chi_Minh"}
	return d
}

// in brings a new broadcast written by the editor to state: draft,
// submitted, approved, scheduled, cancelled or finished.
func (e *env) in(state broadcast.State, d broadcast.Draft) int64 {
	e.t.Helper()
	b, err := e.wf.Create(e.ctx, e.as("editor"), d)
	e.ok(err)
	steps := []broadcast.State{broadcast.StateSubmitted, broadcast.StateApproved, broadcast.StateScheduled, broadcast.StateCancelled}
	target := map[broadcast.State]int{broadcast.StateDraft: 0, broadcast.StateSubmitted: 1, broadcast.StateApproved: 2,
		broadcast.StateScheduled: 3, broadcast.StateCancelled: 4, broadcast.StateFinished: 2}[state]
	for _, s := range steps[:target] {
		switch s {
		case broadcast.StateSubmitted:
			_, err = e.wf.Submit(e.ctx, e.as("editor"), b.ID)
		case broadcast.StateApproved:
			_, err = e.wf.Approve(e.ctx, e.as("approver"), b.ID)
		case broadcast.StateScheduled:
			_, err = e.wf.Schedule(e.ctx, e.as("approver"), b.ID, nil)
		case broadcast.StateCancelled:
			_, err = e.wf.Cancel(e.ctx, e.as("approver"), b.ID)
		}
		e.ok(err)
	}
	if state == broadcast.StateFinished {
		// What the engine does when a one-off broadcast's run is done.
		if _, err := e.st.DB().ExecContext(e.ctx, `UPDATE broadcasts SET status = 'finished' WHERE id = $1`, b.ID); err != nil {
			e.t.Fatal(err)
		}
	}
	got, err := e.st.DraftByID(e.ctx, b.ID)
	e.ok(err)
	if broadcast.StateOf(got) != state {
		e.t.Fatalf("broadcast %d is %s, want %s", b.ID, broadcast.StateOf(got), state)
	}
	return b.ID
}

func (e *env) ok(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// snapshot is what a refused step must leave as it was.
type snapshot struct {
	b     store.BroadcastDraft
	runs  []store.Run
	audit []store.AuditEntry
}

func (e *env) snap(id int64) snapshot {
	e.t.Helper()
	b, err := e.st.DraftByID(e.ctx, id)
	e.ok(err)
	runs, err := e.st.RunsOf(e.ctx, id)
	e.ok(err)
	audit, err := e.st.ListAudit(e.ctx, store.AuditFilter{Limit: 500})
	e.ok(err)
	return snapshot{b, runs, audit}
}

func (e *env) unchanged(t *testing.T, before snapshot) {
	t.Helper()
	after := e.snap(before.b.ID)
	if !reflect.DeepEqual(before.b, after.b) {
		t.Errorf("the broadcast changed:\n%+v\n%+v", before.b, after.b)
	}
	if !reflect.DeepEqual(before.runs, after.runs) {
		t.Errorf("its runs changed:\n%+v\n%+v", before.runs, after.runs)
	}
	if len(before.audit) != len(after.audit) {
		t.Errorf("the audit log has %d entries, had %d", len(after.audit), len(before.audit))
	}
}

// refused checks err is the workflow error with code and message.
func refused(t *testing.T, err error, code broadcast.Code, msg string) {
	t.Helper()
	we, ok := broadcast.ErrorOf(err)
	if !ok {
		t.Fatalf("got %v, want a %s refusal", err, code)
	}
	if we.Code != code || (msg != "" && we.Message != msg) {
		t.Fatalf("got %s %q,\nwant %s %q", we.Code, we.Message, code, msg)
	}
}

func itoa(n int64) string { return fmt.Sprint(n) }
