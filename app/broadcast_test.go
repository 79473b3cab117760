package app

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

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
	out = run(0, "broadcast", "create", "--file", "../messages/testdata/ngay-cds.yaml")
	m := regexp.MustCompile(`broadcast (\d+) .* created, approved, next run (\d{4})-10-10 08:00 \+07`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("create:\n%s", out)
	}
	id := m[1]
	out = run(0, "broadcast", "schedule", id, "--at", "2099-01-02 03:04")
	if !strings.Contains(out, "next run 2099-01-02 03:04 +07") {
		t.Errorf("schedule --at:\n%s", out)
	}
	if out = run(0, "broadcast", "show", id); !strings.Contains(out, "status    approved") {
		t.Errorf("show:\n%s", out)
	}
	run(0, "broadcast", "cancel", id)
	if out = run(0, "broadcast", "show", id); !strings.Contains(out, "status    cancelled") || !strings.Contains(out, "next run  -") {
		t.Errorf("show after cancel:\n%s", out)
	}
	run(2, "broadcast")
	run(2, "broadcast", "show", "x") // a malformed id is a usage mistake

	// A run: pause, resume, status, report.
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := st.GenerateSubscribers(ctx, store.Generated{N: 30, ChatIDBase: 500}); err != nil {
		t.Fatal(err)
	}
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
	if out = run(0, "broadcast", "resume", rid); !strings.Contains(out, "is sending") {
		t.Errorf("resume:\n%s", out)
	}
	if out = run(0, "broadcast", "status", rid, "--once"); !strings.Contains(out, "0/30 pending 30") {
		t.Errorf("status:\n%s", out)
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
