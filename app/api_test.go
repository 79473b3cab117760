package app

import (
	"regexp"
	"strings"
	"testing"

	"github.com/loa-vn/loa/store/storetest"
)

func TestStaffCommand(t *testing.T) {
	run := runner(env(map[string]string{"DATABASE_URL": storetest.NewDatabase(t, true)}))
	out, errOut, code := run("staff", "add", "--name", "Trần Minh", "--role", "approver")
	token := regexp.MustCompile(`loa_[a-z0-9]{20,}`).FindString(out)
	if code != 0 || token == "" {
		t.Fatalf("add: exit %d, %s %s", code, out, errOut)
	}
	out, _, _ = run("staff", "list")
	if !strings.Contains(out, "Trần Minh") || strings.Contains(out, token) {
		t.Fatalf("list shows %q (the whole token must never be shown again)", out)
	}
	if _, errOut, code = run("staff", "add", "--name", "X", "--role", "god"); code == 0 || !strings.Contains(errOut, "use one of admin") {
		t.Fatalf("bad role: exit %d %s", code, errOut)
	}
	if _, errOut, code = run("staff", "add", "--name", "Y", "--role", "agency_manager"); code == 0 || !strings.Contains(errOut, "agency") {
		t.Fatalf("manager without agency: exit %d %s", code, errOut)
	}
	if out, errOut, code = run("staff", "revoke", "--token-prefix", token[:12]); code != 0 {
		t.Fatalf("revoke: exit %d %s %s", code, out, errOut)
	}
	out, _, _ = run("staff", "list")
	if strings.Contains(out, token[:12]) {
		t.Fatalf("revoked token still listed as usable: %s", out)
	}
}
