package api_test

import (
	"context"
	"testing"

	"github.com/loa-vn/loa/store"
)

func TestAuthentication(t *testing.T) {
	e := newEnv(t)
	if r := e.call("", "GET", "/api/v1/staff/me", nil); r.Status != 401 || r.apiErr(t).Code != "unauthenticated" {
		t.Fatalf("no token: %d %s", r.Status, r.Body)
	}
	e.tokens["forged"] = "loa_notarealtokenatall"
	e.must(e.call("forged", "GET", "/api/v1/staff/me", nil), 401)

	var me store.Staff
	e.must(e.call("editor", "GET", "/api/v1/staff/me", nil), 200).json(t, &me)
	if me.Role != store.RoleEditor {
		t.Fatalf("me = %+v", me)
	}

	// revoke by prefix: the token stops working at once
	prefix := e.tokens["editor"][:12]
	e.must(e.call("admin", "DELETE", "/api/v1/tokens/"+prefix, nil), 200)
	e.must(e.call("editor", "GET", "/api/v1/staff/me", nil), 401)
	e.must(e.call("admin", "DELETE", "/api/v1/tokens/"+prefix, nil), 404)

	// a disabled member's token fails too; re-enabling restores it
	id := itoa(e.staff["viewer"].ID)
	e.must(e.call("admin", "POST", "/api/v1/staff/"+id+"/disable", nil), 200)
	e.must(e.call("viewer", "GET", "/api/v1/staff/me", nil), 401)
	e.must(e.call("admin", "POST", "/api/v1/staff/"+id+"/enable", nil), 200)
	e.must(e.call("viewer", "GET", "/api/v1/staff/me", nil), 200)

	// admins add staff; the token is returned once and works
	var created struct {
		Staff store.Staff `json:"staff"`
		Token string      `json:"token"`
	}
	e.must(e.call("admin", "POST", "/api/v1/staff", map[string]any{"name": "New Editor", "role": "editor"}), 201).json(t, &created)
	e.tokens["new"] = created.Token
	e.must(e.call("new", "GET", "/api/v1/staff/me", nil), 200)
	r := e.must(e.call("admin", "POST", "/api/v1/staff", map[string]any{"name": "X", "role": "agency_manager"}), 422)
	if !r.apiErr(t).hasField("agency") {
		t.Errorf("agency manager without agency: %s", r.Body)
	}
	for _, a := range []string{"staff.create", "staff.token_revoke", "staff.disable", "staff.enable"} {
		if e.auditCount(a) == 0 {
			t.Errorf("no audit entry %s", a)
		}
	}
	// tokens are stored hashed: the clear token appears nowhere in the table
	var n int
	if err := e.st.DB().GetContext(context.Background(), &n, `SELECT count(*) FROM api_tokens WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%'`, created.Token); err != nil || n != 0 {
		t.Errorf("token stored in clear? n=%d err=%v", n, err)
	}
}

func TestLinkCode(t *testing.T) {
	e := newEnv(t)
	var lc struct {
		Code    string `json:"code"`
		Command string `json:"command"`
	}
	e.must(e.call("approver", "POST", "/api/v1/staff/me/link-code", nil), 201).json(t, &lc)
	ctx := context.Background()
	st, err := e.st.RedeemLinkCode(ctx, lc.Code, 777001)
	if err != nil || st.ID != e.staff["approver"].ID {
		t.Fatalf("redeem: %+v %v", st, err)
	}
	if _, err := e.st.RedeemLinkCode(ctx, lc.Code, 777002); err == nil {
		t.Fatal("a link code worked twice")
	}
	if got, err := e.st.StaffByTelegram(ctx, 777001); err != nil || got.ID != st.ID {
		t.Fatalf("by telegram: %+v %v", got, err)
	}
}
