package app

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/jobs/redistest"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// loaCLI runs `loa args...` against the test's database and Redis.
func loaCLI(t *testing.T, env map[string]string, args ...string) (string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	return out.String() + errOut.String(), code
}

func TestBroadcastCommandLine(t *testing.T) {
	t.Parallel()
	dsn := storetest.NewDatabase(t, true)
	env := map[string]string{"DATABASE_URL": dsn, "REDIS_URL": redistest.URL(redistest.New(t))}
	run := func(want int, args ...string) string {
		t.Helper()
		out, code := loaCLI(t, env, args...)
		if code != want {
			t.Fatalf("loa %s: exit %d, want %d:\n%s", strings.Join(args, " "), code, want, out)
		}
		return out
	}
	// The seeded Digital Transformation Day campaign, once.
	if out := run(0, "seed"); !strings.Contains(out, "draft yearly campaign") {
		t.Errorf("seed:\n%s", out)
	}
	if out := run(0, "seed"); strings.Contains(out, "draft yearly campaign") {
		t.Errorf("second seed added the campaign again:\n%s", out)
	}
	out := run(0, "broadcast", "list")
	if !strings.Contains(out, "ngay-chuyen-doi-so-quoc-gia") || !strings.Contains(out, "draft") || !strings.Contains(out, "yearly 10/10 08:00") {
		t.Errorf("list:\n%s", out)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := st.GenerateSubscribers(ctx, store.Generated{N: 30, ChatIDBase: 500}); err != nil {
		t.Fatal(err)
	}

	// `create` makes a draft; the operator submits it, and cannot approve
	// or schedule what the operator wrote (LOA_TWO_PERSON_RULE is on).
	out = run(0, "broadcast", "create", "--file", "../messages/testdata/ngay-cds.yaml")
	m := regexp.MustCompile(`broadcast (\d+) .* created as a draft`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("create:\n%s", out)
	}
	id := m[1]
	if out = run(0, "broadcast", "submit", id); !strings.Contains(out, "now submitted") {
		t.Errorf("submit:\n%s", out)
	}
	if out = run(1, "broadcast", "approve", id); !strings.Contains(out,
		"the two-person rule is on: you made the last change to broadcast "+id+", so someone else must approve it") {
		t.Errorf("the operator approved their own broadcast:\n%s", out)
	}
	if out = run(1, "broadcast", "schedule", id); !strings.Contains(out, "only an approved broadcast can be scheduled (this one is submitted)") {
		t.Errorf("the operator scheduled their own broadcast:\n%s", out)
	}
	if out = run(0, "broadcast", "show", id); !strings.Contains(out, "status    submitted") || !strings.Contains(out, "by the operator (cli)") {
		t.Errorf("show after the refusals:\n%s", out)
	}
	// a staff approver approves it; then the operator may schedule it
	ap, _, err := st.CreateStaff(ctx, store.CLIActor, store.NewStaff{Name: "Trần Minh", Role: store.RoleApprover})
	if err != nil {
		t.Fatal(err)
	}
	bid, _ := strconv.ParseInt(id, 10, 64)
	if _, err := broadcast.New(broadcast.Config{Store: st, TwoPersonRule: true}).Approve(ctx, broadcast.StaffActor(ap, ""), bid); err != nil {
		t.Fatal(err)
	}
	out = run(0, "broadcast", "schedule", id)
	ym := regexp.MustCompile(`scheduled, next run (\d{4})-10-10 08:00 \+07`).FindStringSubmatch(out)
	if ym == nil {
		t.Fatalf("schedule:\n%s", out)
	}
	if out = run(1, "broadcast", "schedule", id, "--at", "2099-01-02 03:04"); !strings.Contains(out, "a yearly campaign goes out on its own date") {
		t.Errorf("schedule --at of a yearly campaign:\n%s", out)
	}
	year, _ := strconv.Atoi(ym[1])
	if out = run(0, "broadcast", "skip", id); !strings.Contains(out, fmt.Sprintf("next run %d-10-10 08:00 +07", year+1)) {
		t.Errorf("skip:\n%s", out)
	}
	if out = run(0, "broadcast", "show", id); !strings.Contains(out, "status    scheduled") {
		t.Errorf("show:\n%s", out)
	}
	run(0, "broadcast", "cancel", id)
	if out = run(0, "broadcast", "show", id); !strings.Contains(out, "status    cancelled") || !strings.Contains(out, "next run  -") {
		t.Errorf("show after cancel:\n%s", out)
	}
	if out = run(1, "broadcast", "cancel", id); !strings.Contains(out, "broadcast "+id+" is already cancelled") {
		t.Errorf("cancel twice:\n%s", out)
	}
	if out = run(0, "broadcast", "uncancel", id); !strings.Contains(out, "now scheduled") {
		t.Errorf("uncancel:\n%s", out)
	}
	if out = run(1, "broadcast", "reject", id, "--reason", "typo"); !strings.Contains(out, "only a submitted broadcast can be rejected (this one is scheduled)") {
		t.Errorf("reject a scheduled one:\n%s", out)
	}
	if out = run(0, "broadcast", "to-draft", id); !strings.Contains(out, "now draft") {
		t.Errorf("to-draft:\n%s", out)
	}

	// with LOA_TWO_PERSON_RULE=false the operator may approve their own
	off := map[string]string{"LOA_TWO_PERSON_RULE": "false"}
	for k, v := range env {
		off[k] = v
	}
	out, _ = loaCLI(t, off, "broadcast", "create", "--file", "../messages/testdata/ngay-cds.yaml")
	own := regexp.MustCompile(`broadcast (\d+) `).FindStringSubmatch(out)[1]
	for _, step := range []string{"submit", "approve", "schedule"} {
		if out, code := loaCLI(t, off, "broadcast", step, own); code != 0 {
			t.Fatalf("rule off, %s:\n%s", step, out)
		}
	}

	run(2, "broadcast")
	run(2, "broadcast", "show", "x") // a malformed id is a usage mistake

	// A run: pause, resume, status, report.
	b, _ := st.BroadcastByName(ctx, "ngay-chuyen-doi-so-quoc-gia")
	runID, err := st.CreateRun(ctx, b.ID, time.Now(), store.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.FreezeAudience(ctx, runID, 10); err != nil {
		t.Fatal(err)
	}
	rid := strconv.FormatInt(runID, 10)
	if out = run(0, "broadcast", "pause", rid); !strings.Contains(out, "is paused") {
		t.Errorf("pause:\n%s", out)
	}
	if out = run(1, "broadcast", "pause", rid); !strings.Contains(out, "run "+rid+" is already paused") {
		t.Errorf("pause twice:\n%s", out)
	}
	if out = run(0, "broadcast", "resume", rid); !strings.Contains(out, "is sending") {
		t.Errorf("resume:\n%s", out)
	}
	if out = run(0, "broadcast", "status", rid, "--once"); !strings.Contains(out, "0/30 pending 30") {
		t.Errorf("status:\n%s", out)
	}
	if out = run(0, "broadcast", "report", rid); !regexp.MustCompile(`telegram\s+pending\s+30`).MatchString(out) {
		t.Errorf("report splits by channel:\n%s", out)
	}
	out = run(0, "broadcast", "report", rid, "--csv")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 31 || !strings.HasPrefix(lines[0], "subscriber_id,") {
		t.Errorf("report --csv:\n%s", out)
	}
	var audits int
	st.DB().Get(&audits, `SELECT count(*) FROM audit_log WHERE actor_kind = 'cli'`)
	if audits < 6 {
		t.Errorf("%d cli audit rows, want one per change", audits)
	}
}
