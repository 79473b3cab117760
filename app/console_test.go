package app

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// loa staff add prints a one-time set-password link for the console;
// loa staff first-admin (make run) prints the console's address and a first
// admin's link while no admin has a password, and no link afterwards.
func TestConsoleLinksFromTheCommandLine(t *testing.T) {
	dsn := storetest.NewDatabase(t, true)
	runEnv := runner(env(map[string]string{"DATABASE_URL": dsn, "HTTP_ADDR": ":8088"}))
	run := func(args ...string) (string, int) {
		out, errOut, code := runEnv(args...)
		return out + errOut, code
	}
	link := regexp.MustCompile(`http://127\.0\.0\.1:8088/console/set-password/[a-z0-9]+`)
	out, code := run("staff", "add", "--name", "Nguyễn Lan", "--role", "editor")
	if code != 0 || !link.MatchString(out) || !strings.Contains(out, `"nguyen.lan"`) {
		t.Fatalf("staff add: %d %s", code, out)
	}
	out, code = run("staff", "first-admin")
	first := link.FindString(out)
	if code != 0 || first == "" || !strings.Contains(out, "Console: http://127.0.0.1:8088/console/sign-in") || !strings.Contains(out, `"admin"`) {
		t.Fatalf("first-admin: %d %s", code, out)
	}
	out, _ = run("staff", "first-admin") // again: the same admin, a fresh link
	if second := link.FindString(out); second == "" || second == first {
		t.Fatalf("first-admin again: %s", out)
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.StaffPage(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	admins := 0
	for _, r := range rows {
		if r.Role == store.RoleAdmin {
			admins++
		}
	}
	if admins != 1 {
		t.Fatalf("%d admins after two runs", admins)
	}
	// once the admin has a password: the address, no link
	tok := strings.TrimPrefix(link.FindString(out), "http://127.0.0.1:8088/console/set-password/")
	if _, err := st.SetPasswordWithLink(context.Background(), tok, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"); err != nil {
		t.Fatal(err)
	}
	out, code = run("staff", "first-admin")
	if code != 0 || link.MatchString(out) || !strings.Contains(out, `Sign in as "admin"`) {
		t.Fatalf("first-admin with a password set: %d %s", code, out)
	}
}
