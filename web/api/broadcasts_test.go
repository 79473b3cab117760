package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/web/api"
)

// dtDay is the Digital Transformation Day campaign: yearly, 10 October 08:00.
func dtDay(name string) map[string]any {
	return map[string]any{
		"name": name,
		"content": map[string]any{"variants": map[string]any{
			"vi": map[string]any{"text": "<b>Ngày Chuyển đổi số quốc gia 10/10</b>: cùng tham gia!"},
			"en": map[string]any{"text": "<b>National Digital Transformation Day</b>: join in!"},
		}},
		"audience": map[string]any{"localities": []string{"phuong-hoan-kiem"}},
		"schedule": map[string]any{"yearly": map[string]int{"month": 10, "day": 10, "hour": 8, "minute": 0}, "timezone": "Asia/Ho_Chi_Minh"},
	}
}

func TestApprovalFlowToScheduledRun(t *testing.T) {
	e := newEnv(t)
	e.subscribers(50, "phuong-hoan-kiem")
	ctx := context.Background()

	// audience size before anything is written
	var cnt struct{ Count int }
	e.must(e.call("editor", "POST", "/api/v1/audience/count", map[string]any{"localities": []string{"phuong-hoan-kiem"}}), 200).json(t, &cnt)
	if cnt.Count != 50 {
		t.Fatalf("audience count %d, want 50", cnt.Count)
	}

	// create with an Idempotency-Key: a retry gives the same broadcast
	body := dtDay("Ngày CĐS 2026")
	var b1, b2 store.BroadcastDraft
	r1 := e.must(e.call("editor", "POST", "/api/v1/broadcasts", body, "Idempotency-Key", "k-1"), 201)
	r1.json(t, &b1)
	r2 := e.must(e.call("editor", "POST", "/api/v1/broadcasts", body, "Idempotency-Key", "k-1"), 201)
	r2.json(t, &b2)
	if b1.ID != b2.ID || r2.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry created a second broadcast: %d vs %d", b1.ID, b2.ID)
	}
	other := dtDay("Another name")
	if r := e.call("editor", "POST", "/api/v1/broadcasts", other, "Idempotency-Key", "k-1"); r.Status != 422 || r.apiErr(t).Code != "idempotency_mismatch" {
		t.Fatalf("same key, other body: %d %s", r.Status, r.Body)
	}
	list, _ := e.st.ListDrafts(ctx, store.DraftFilter{})
	if len(list) != 1 {
		t.Fatalf("%d broadcasts, want 1", len(list))
	}
	id := "/api/v1/broadcasts/" + itoa(b1.ID)

	e.must(e.call("editor", "GET", id+"/audience", nil), 200)
	// approving a draft that was not submitted is a conflict
	e.must(e.call("approver", "POST", id+"/approve", nil), 409)
	e.must(e.call("editor", "POST", id+"/submit", nil), 200)
	// an editor cannot approve; a viewer cannot either
	if r := e.call("editor", "POST", id+"/approve", nil); r.Status != 403 {
		t.Fatalf("editor approved: %d", r.Status)
	}
	e.must(e.call("viewer", "POST", id+"/approve", nil), 403)
	// reject sends it back; resubmit
	e.must(e.call("approver", "POST", id+"/reject", map[string]string{"reason": "typo"}), 200)
	e.must(e.call("editor", "POST", id+"/submit", nil), 200)
	// scheduling before approval is refused
	e.must(e.call("approver", "POST", id+"/schedule", nil), 409)
	var approved store.BroadcastDraft
	e.must(e.call("approver", "POST", id+"/approve", nil), 200).json(t, &approved)
	if approved.Status != "approved" || approved.ApprovedBy == nil || *approved.ApprovedBy != e.staff["approver"].ID {
		t.Fatalf("approved = %+v", approved)
	}
	var sched store.BroadcastDraft
	e.must(e.call("approver", "POST", id+"/schedule", nil), 200).json(t, &sched)
	if sched.NextRunAt == nil {
		t.Fatal("next_run_at not set")
	}
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	if n := sched.NextRunAt.In(loc); n.Month() != 10 || n.Day() != 10 || n.Hour() != 8 {
		t.Fatalf("next run %v, want 10 Oct 08:00", n)
	}

	// the engine's scheduler starts the run when it is due
	ids, err := e.st.StartDueRuns(ctx, sched.NextRunAt.Add(time.Second), func(b store.Broadcast, occ time.Time) *time.Time {
		n, ok := b.Schedule().Next(occ)
		if !ok {
			return nil
		}
		return &n
	})
	if err != nil || len(ids) != 1 {
		t.Fatalf("start due runs: %v %v", ids, err)
	}
	if _, err := e.st.FreezeAudience(ctx, ids[0], 500); err != nil {
		t.Fatal(err)
	}
	var prog struct {
		Total     int                       `json:"total"`
		ByChannel map[string]map[string]int `json:"by_channel"`
	}
	e.must(e.call("viewer", "GET", id+"/progress", nil), 200).json(t, &prog)
	if prog.Total != 50 || prog.ByChannel["telegram"]["pending"] != 50 {
		t.Fatalf("progress total %d by channel %v, want 50 pending on telegram", prog.Total, prog.ByChannel)
	}
	e.must(e.call("approver", "POST", id+"/pause", nil), 200)
	e.must(e.call("approver", "POST", id+"/resume", nil), 200)
	rep := e.must(e.call("viewer", "GET", id+"/report.csv", nil), 200)
	if !strings.HasPrefix(rep.Header.Get("Content-Type"), "text/csv") || strings.Count(string(rep.Body), "\n") < 51 {
		t.Fatalf("report: %s %q", rep.Header.Get("Content-Type"), rep.Body[:min(200, len(rep.Body))])
	}
	e.must(e.call("editor", "POST", id+"/cancel", nil), 403)
	e.must(e.call("approver", "POST", id+"/cancel", nil), 200)

	for _, a := range []string{"broadcast.create", "broadcast.submit", "broadcast.reject", "broadcast.approve",
		"broadcast.schedule", "run.pause", "run.resume", "broadcast.cancel"} {
		if e.auditCount(a) == 0 {
			t.Errorf("no audit entry for %s", a)
		}
	}
	if n := e.auditCount("broadcast.create"); n != 1 {
		t.Errorf("%d broadcast.create entries, want 1 (idempotent retry)", n)
	}
}

func TestTwoPersonRule(t *testing.T) {
	e := newEnv(t)
	e.subscribers(3, "phuong-hoan-kiem")
	var b store.BroadcastDraft
	e.must(e.call("admin", "POST", "/api/v1/broadcasts", dtDay("own")), 201).json(t, &b)
	id := "/api/v1/broadcasts/" + itoa(b.ID)
	e.must(e.call("admin", "POST", id+"/submit", nil), 200)
	if r := e.call("admin", "POST", id+"/approve", nil); r.Status != 403 || r.apiErr(t).Code != "two_person_rule" {
		t.Fatalf("author approved under the two-person rule: %d %s", r.Status, r.Body)
	}
	e.must(e.call("approver", "POST", id+"/approve", nil), 200)

	// with the rule off (LOA_TWO_PERSON_RULE=false) the author may approve
	off := newEnv(t, func(d *api.Deps) { d.TwoPersonRule = false })
	off.subscribers(3, "phuong-hoan-kiem")
	off.must(off.call("admin", "POST", "/api/v1/broadcasts", dtDay("own")), 201).json(t, &b)
	id = "/api/v1/broadcasts/" + itoa(b.ID)
	off.must(off.call("admin", "POST", id+"/submit", nil), 200)
	off.must(off.call("admin", "POST", id+"/approve", nil), 200)
}

func TestBroadcastFieldErrors(t *testing.T) {
	e := newEnv(t)
	e.subscribers(3, "phuong-hoan-kiem")
	cases := []struct {
		name  string
		edit  func(m map[string]any)
		field string
	}{
		{"past time", func(m map[string]any) {
			m["schedule"] = map[string]any{"at": time.Now().Add(-time.Hour).Format(time.RFC3339)}
		}, "schedule.at"},
		{"bad recurrence", func(m map[string]any) {
			m["schedule"] = map[string]any{"yearly": map[string]int{"month": 2, "day": 30, "hour": 8}}
		}, "schedule.yearly.day"},
		{"both once and yearly", func(m map[string]any) {
			m["schedule"] = map[string]any{"at": time.Now().Add(time.Hour).Format(time.RFC3339), "yearly": map[string]int{"month": 1, "day": 1}}
		}, "schedule"},
		{"unknown locality", func(m map[string]any) { m["audience"] = map[string]any{"localities": []string{"phuong-khong-co"}} }, "audience.localities"},
		{"html telegram refuses", func(m map[string]any) {
			m["content"] = map[string]any{"variants": map[string]any{"vi": map[string]any{"text": "<script>alert(1)</script>"}}}
		}, "content.variants.vi.text"},
		{"too long", func(m map[string]any) {
			m["content"] = map[string]any{"variants": map[string]any{"vi": map[string]any{"text": strings.Repeat("a", 5000)}}}
		}, "content.variants.vi.text"},
		{"no vietnamese", func(m map[string]any) {
			m["content"] = map[string]any{"variants": map[string]any{"en": map[string]any{"text": "hi"}}}
		}, "content.variants.vi"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := dtDay("x")
			c.edit(body)
			r := e.call("editor", "POST", "/api/v1/broadcasts", body)
			if r.Status != 422 || !r.apiErr(t).hasField(c.field) {
				t.Fatalf("status %d, want 422 with field %s: %s", r.Status, c.field, r.Body)
			}
		})
	}
	var _ = messages.DefaultTimezone
}

// A draft may reach nobody yet; submitting it is refused until it does,
// with the field that is wrong, and nothing changes.
func TestEmptyAudienceIsCheckedAtSubmit(t *testing.T) {
	e := newEnv(t)
	body := dtDay("nobody yet")
	body["audience"] = map[string]any{"localities": []string{"phuong-ba-dinh"}}
	var b store.BroadcastDraft
	e.must(e.call("editor", "POST", "/api/v1/broadcasts", body), 201).json(t, &b)
	id := "/api/v1/broadcasts/" + itoa(b.ID)
	r := e.must(e.call("editor", "POST", id+"/submit", nil), 422)
	if ae := r.apiErr(t); ae.Code != "invalid" || !ae.hasField("audience") {
		t.Fatalf("submit to nobody: %s", r.Body)
	}
	if e.auditCount("broadcast.submit") != 0 {
		t.Fatal("a refused submit was audited")
	}
	e.subscribers(2, "phuong-ba-dinh")
	e.must(e.call("editor", "POST", id+"/submit", nil), 200)
}

// TestAdminRewriteThenApproveIsRefused: an admin who rewrites someone
// else's submitted broadcast made the last change, so the two-person rule
// stops them approving the text they wrote.
func TestAdminRewriteThenApproveIsRefused(t *testing.T) {
	e := newEnv(t)
	e.subscribers(3, "phuong-hoan-kiem")
	var b store.BroadcastDraft
	e.must(e.call("editor", "POST", "/api/v1/broadcasts", dtDay("editor's text")), 201).json(t, &b)
	id := "/api/v1/broadcasts/" + itoa(b.ID)
	e.must(e.call("editor", "POST", id+"/submit", nil), 200)
	rewritten := dtDay("admin's text")
	var got store.BroadcastDraft
	e.must(e.call("admin", "PUT", id, rewritten), 200).json(t, &got)
	if got.Status != "draft" || got.ChangedBy == nil || *got.ChangedBy != e.staff["admin"].ID {
		t.Fatalf("after the admin's edit: %+v", got)
	}
	e.must(e.call("admin", "POST", id+"/submit", nil), 200)
	audits := e.auditCount("")
	r := e.call("admin", "POST", id+"/approve", nil)
	if r.Status != 403 || r.apiErr(t).Code != "two_person_rule" {
		t.Fatalf("admin approved their own rewrite: %d %s", r.Status, r.Body)
	}
	if e.auditCount("") != audits {
		t.Fatal("the refused approval changed the audit log")
	}
	e.must(e.call("editor", "POST", id+"/approve", nil), 403) // an editor is no approver
	// someone who did not write it approves
	e.must(e.call("approver", "POST", id+"/approve", nil), 200)
}

// TestWayBack: an approved or scheduled broadcast goes back to draft and
// needs approval again; a yearly campaign can skip an occurrence, be paused
// for the year, be cancelled and have its cancel undone.
func TestWayBack(t *testing.T) {
	e := newEnv(t)
	e.subscribers(3, "phuong-hoan-kiem")
	var b store.BroadcastDraft
	e.must(e.call("editor", "POST", "/api/v1/broadcasts", dtDay("yearly")), 201).json(t, &b)
	id := "/api/v1/broadcasts/" + itoa(b.ID)
	e.must(e.call("editor", "POST", id+"/submit", nil), 200)
	e.must(e.call("approver", "POST", id+"/approve", nil), 200)
	var s1 store.BroadcastDraft
	e.must(e.call("approver", "POST", id+"/schedule", nil), 200).json(t, &s1)

	// skip: a year later
	var s2 store.BroadcastDraft
	e.must(e.call("approver", "POST", id+"/skip", nil), 200).json(t, &s2)
	if s2.NextRunAt.Year() != s1.NextRunAt.Year()+1 {
		t.Fatalf("skip: %v -> %v", s1.NextRunAt, s2.NextRunAt)
	}
	// schedule again undoes it
	e.must(e.call("approver", "POST", id+"/schedule", nil), 200).json(t, &s2)
	if !s2.NextRunAt.Equal(*s1.NextRunAt) {
		t.Fatalf("reschedule: %v, want %v", s2.NextRunAt, s1.NextRunAt)
	}
	// unschedule, then unschedule again is a clear refusal
	e.must(e.call("approver", "POST", id+"/unschedule", nil), 200)
	r := e.must(e.call("approver", "POST", id+"/unschedule", nil), 409)
	if ae := r.apiErr(t); ae.Code != "wrong_state" || ae.Message != "only a scheduled broadcast can be unscheduled (this one is approved but not scheduled)" {
		t.Fatalf("unschedule twice: %s", r.Body)
	}
	// back to draft: not due, approval gone
	var d store.BroadcastDraft
	e.must(e.call("editor", "POST", id+"/to-draft", nil), 200).json(t, &d)
	if d.Status != "draft" || d.ApprovedAt != nil || d.NextRunAt != nil {
		t.Fatalf("to-draft: %+v", d)
	}
	r = e.must(e.call("approver", "POST", id+"/approve", nil), 409)
	if msg := r.apiErr(t).Message; msg != "only a submitted broadcast can be approved (this one is a draft)" {
		t.Fatalf("approve a draft: %q", msg)
	}
	e.must(e.call("viewer", "POST", id+"/to-draft", nil), 403)

	// cancel, cancel again (refused), undo
	e.must(e.call("editor", "POST", id+"/submit", nil), 200)
	e.must(e.call("approver", "POST", id+"/approve", nil), 200)
	e.must(e.call("approver", "POST", id+"/schedule", nil), 200)
	e.must(e.call("approver", "POST", id+"/cancel", nil), 200)
	r = e.must(e.call("approver", "POST", id+"/cancel", nil), 409)
	if msg := r.apiErr(t).Message; msg != "broadcast "+itoa(b.ID)+" is already cancelled" {
		t.Fatalf("cancel twice: %q", msg)
	}
	var u store.BroadcastDraft
	e.must(e.call("approver", "POST", id+"/uncancel", nil), 200).json(t, &u)
	if u.Status != "approved" || u.NextRunAt == nil || !u.NextRunAt.Equal(*s1.NextRunAt) {
		t.Fatalf("uncancel: %+v", u)
	}
	for _, a := range []string{"broadcast.skip", "broadcast.unschedule", "broadcast.to_draft", "broadcast.uncancel"} {
		if e.auditCount(a) == 0 {
			t.Errorf("no audit entry for %s", a)
		}
	}

	// a one-off broadcast cannot skip: it says so
	once := dtDay("once")
	once["schedule"] = map[string]any{"at": time.Now().Add(48 * time.Hour).Format(time.RFC3339)}
	e.must(e.call("editor", "POST", "/api/v1/broadcasts", once), 201).json(t, &b)
	id = "/api/v1/broadcasts/" + itoa(b.ID)
	e.must(e.call("editor", "POST", id+"/submit", nil), 200)
	e.must(e.call("approver", "POST", id+"/approve", nil), 200)
	e.must(e.call("approver", "POST", id+"/schedule", nil), 200)
	if r := e.must(e.call("approver", "POST", id+"/skip", nil), 409); r.apiErr(t).Code != "not_yearly" {
		t.Fatalf("skip a one-off: %s", r.Body)
	}
	if r := e.must(e.call("approver", "POST", id+"/pause", nil), 404); r.apiErr(t).Code != "no_run" {
		t.Fatalf("pause without a run: %s", r.Body)
	}
}

func TestAgencyManagerBroadcasts(t *testing.T) {
	e := newEnv(t)
	first, _ := e.subscribers(5, "phuong-hoan-kiem")
	ctx := context.Background()
	a, _ := e.st.AgencyByCode(ctx, "so-a")
	for i := int64(0); i < 3; i++ {
		if _, err := e.st.JoinAgency(ctx, a.ID, first+i, "invite"); err != nil {
			t.Fatal(err)
		}
	}
	body := dtDay("Thông báo Sở A")
	body["audience"] = map[string]any{"agencies": []string{"so-a"}}
	var b store.BroadcastDraft
	e.must(e.call("manager", "POST", "/api/v1/broadcasts", body), 201).json(t, &b)
	if b.AgencyID == nil || *b.AgencyID != a.ID {
		t.Fatalf("agency_id = %v", b.AgencyID)
	}
	// a manager cannot target everyone, nor another agency
	body["audience"] = map[string]any{"localities": []string{"phuong-hoan-kiem"}}
	e.must(e.call("manager", "POST", "/api/v1/broadcasts", body), 422)
	body["audience"] = map[string]any{"agencies": []string{"so-b"}}
	e.must(e.call("manager", "POST", "/api/v1/broadcasts", body), 403)
	// nor read another manager's broadcast
	id := "/api/v1/broadcasts/" + itoa(b.ID)
	e.must(e.call("manager", "GET", id, nil), 200)
	e.must(e.call("manager_b", "GET", id, nil), 403)
	e.must(e.call("manager_b", "POST", id+"/submit", nil), 403)
	var list []store.BroadcastDraft
	e.must(e.call("manager_b", "GET", "/api/v1/broadcasts", nil), 200).json(t, &list)
	if len(list) != 0 {
		t.Fatalf("manager b sees %d broadcasts", len(list))
	}
	var cnt struct{ Count int }
	e.must(e.call("manager", "GET", id+"/audience", nil), 200).json(t, &cnt)
	if cnt.Count != 3 {
		t.Fatalf("agency audience %d, want 3", cnt.Count)
	}
	// managers cannot approve
	e.must(e.call("manager", "POST", id+"/submit", nil), 200)
	e.must(e.call("manager", "POST", id+"/approve", nil), 403)
}
