package app

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/loa-vn/loa/jobs/redistest"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// Issue 9, item 26: a missing id says what does not exist, never SQL.
func TestCLINotFoundSaysWhat(t *testing.T) {
	t.Parallel()
	dsn := storetest.NewDatabase(t, true)
	env := map[string]string{"DATABASE_URL": dsn, "REDIS_URL": redistest.URL(redistest.New(t))}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"broadcast", "show", "42"}, "broadcast 42 does not exist"},
		{[]string{"broadcast", "submit", "42"}, "broadcast 42 does not exist"},
		{[]string{"broadcast", "report", "42"}, "run 42 does not exist"},
		{[]string{"staff", "link", "--id", "42"}, "staff 42 does not exist"},
	} {
		out, code := loaCLI(t, env, c.args...)
		if code != 1 || !strings.Contains(out, c.want) || strings.Contains(out, "sql") {
			t.Errorf("loa %s: exit %d:\n%s\nwant %q and no SQL", strings.Join(c.args, " "), code, out, c.want)
		}
	}
}

// Issue 9, item 27: a time given to the second is shown to the second.
func TestCLIShowsStoredSeconds(t *testing.T) {
	t.Parallel()
	dsn := storetest.NewDatabase(t, true)
	env := map[string]string{"DATABASE_URL": dsn, "REDIS_URL": redistest.URL(redistest.New(t)), "LOA_TWO_PERSON_RULE": "false"}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := st.GenerateSubscribers(ctx, store.Generated{N: 3, ChatIDBase: 700}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "once.yaml")
	yaml := "name: once\ncontent:\n  variants:\n    vi:\n      text: Xin chào\nschedule:\n  at: \"2029-12-31 04:59:30\"\n  timezone: Asia/Ho_Chi_Minh\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := loaCLI(t, env, "broadcast", "create", "--file", file)
	m := regexp.MustCompile(`broadcast (\d+) `).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("create:\n%s", out)
	}
	for _, step := range []string{"submit", "approve"} {
		if out, code := loaCLI(t, env, "broadcast", step, m[1]); code != 0 {
			t.Fatalf("%s: %s", step, out)
		}
	}
	if out, _ := loaCLI(t, env, "broadcast", "schedule", m[1]); !strings.Contains(out, "next run 2029-12-31 04:59:30 +07") {
		t.Errorf("schedule:\n%s", out)
	}
	if out, _ := loaCLI(t, env, "broadcast", "schedule", m[1], "--at", "2029-12-31T05:00:15+07:00"); !strings.Contains(out, "next run 2029-12-31 05:00:15 +07") {
		t.Errorf("schedule --at RFC 3339:\n%s", out)
	}
	if out, _ := loaCLI(t, env, "broadcast", "show", m[1]); !strings.Contains(out, "once 2029-12-31 05:00:15 +07") {
		t.Errorf("show:\n%s", out)
	}
	if out, _ := loaCLI(t, env, "broadcast", "schedule", "--help"); !strings.Contains(out, "08:00:30") {
		t.Errorf("help does not show seconds:\n%s", out)
	}
}

// Issue 9, item 5: /metrics is not on the listener the public webhook
// shares: it is served on METRICS_ADDR only.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	dsn := storetest.NewDatabase(t, true)
	addr, metrics := freeAddr(t), freeAddr(t)
	e := env(map[string]string{"DATABASE_URL": dsn, "REDIS_URL": redistest.URL(redistest.New(t)), "HTTP_ADDR": addr, "METRICS_ADDR": metrics})
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"web"}, e, strings.NewReader(""), &out, &errOut) }()
	defer func() { cancel(); <-done }()
	if !waitHTTP(t, "http://"+addr+"/readyz", http.StatusOK) {
		t.Fatalf("readyz never answered 200; log:\n%s", errOut.String())
	}
	if !waitHTTP(t, "http://"+metrics+"/metrics", http.StatusOK) {
		t.Errorf("no /metrics on METRICS_ADDR %s; log:\n%s", metrics, errOut.String())
	}
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		t.Errorf("/metrics still served on HTTP_ADDR")
	}
}
