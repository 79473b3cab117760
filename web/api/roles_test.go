package api_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestRoleBoundaries walks the role matrix: who may do what, and every
// refusal is a 403 in the one error shape.
func TestRoleBoundaries(t *testing.T) {
	e := newEnv(t)
	e.subscribers(3, "phuong-hoan-kiem")
	agency := map[string]any{"code": "so-moi", "name_vi": "Sở Mới"}
	faq := map[string]any{"key": "k-%s", "locale": "vi", "topic": "vneid", "questions": []string{"Hỏi?"}, "answer": "Đáp.", "source": "Nguồn"}
	csv := "name,phone\nNguyễn Văn A,0912345678\n"
	cases := []struct {
		who, method, path string
		body              any
		want              int
	}{
		// staff management and audit: admin only
		{"admin", "GET", "/api/v1/staff", nil, 200},
		{"editor", "GET", "/api/v1/staff", nil, 403},
		{"approver", "POST", "/api/v1/staff", map[string]any{"name": "x", "role": "admin"}, 403},
		{"manager", "POST", "/api/v1/staff", map[string]any{"name": "x", "role": "admin"}, 403},
		{"viewer", "GET", "/api/v1/audit", nil, 403},
		{"admin", "GET", "/api/v1/audit", nil, 200},
		// agencies: admin manages
		{"editor", "POST", "/api/v1/agencies", agency, 403},
		{"manager", "POST", "/api/v1/agencies", agency, 403},
		{"viewer", "POST", "/api/v1/agencies", agency, 403},
		{"admin", "POST", "/api/v1/agencies", agency, 201},
		{"manager", "PUT", "/api/v1/agencies/so-a", map[string]any{"name_vi": "X"}, 403},
		// member lists: own agency and below only
		{"manager", "GET", "/api/v1/agencies/so-a/members", nil, 200},
		{"manager", "GET", "/api/v1/agencies/so-a-phong/members", nil, 200},
		{"manager", "GET", "/api/v1/agencies/so-b/members", nil, 403},
		{"manager_b", "GET", "/api/v1/agencies/so-a/members", nil, 403},
		{"manager", "GET", "/api/v1/agencies/so-b", nil, 403},
		{"manager", "POST", "/api/v1/agencies/so-b/invites", nil, 403},
		{"manager", "POST", "/api/v1/agencies/so-a/invites", nil, 201},
		{"editor", "GET", "/api/v1/agencies/so-a/members", nil, 403},
		{"viewer", "GET", "/api/v1/agencies/so-a/members", nil, 403}, // issue 9 item 4: viewers read no member list,
		{"viewer", "POST", "/api/v1/agencies/so-a/invites", nil, 403},
		{"manager", "DELETE", "/api/v1/agencies/so-b/members/p1", nil, 403},
		// FAQ: admin and editor write, everyone reads
		{"editor", "POST", "/api/v1/faq", faq, 201},
		{"admin", "POST", "/api/v1/faq", faq, 201},
		{"approver", "POST", "/api/v1/faq", faq, 403},
		{"viewer", "POST", "/api/v1/faq", faq, 403},
		{"manager", "POST", "/api/v1/faq", faq, 403},
		{"viewer", "GET", "/api/v1/faq", nil, 200},
		{"viewer", "GET", "/api/v1/faq/unanswered", nil, 403}, // issue 9 item 3: curators and admins only
		// broadcasts: viewers and approvers do not write drafts
		{"viewer", "POST", "/api/v1/broadcasts", dtDay("v"), 403},
		{"approver", "POST", "/api/v1/broadcasts", dtDay("a"), 403},
		{"editor", "POST", "/api/v1/broadcasts", dtDay("e"), 201},
		{"viewer", "GET", "/api/v1/broadcasts", nil, 200},
		{"viewer", "POST", "/api/v1/broadcasts/1/submit", nil, 403},
		{"viewer", "POST", "/api/v1/broadcasts/1/cancel", nil, 403},
		{"viewer", "POST", "/api/v1/broadcasts/1/schedule", nil, 403},
		{"editor", "POST", "/api/v1/broadcasts/1/schedule", nil, 403},
		{"viewer", "POST", "/api/v1/localities/phuong-hoan-kiem/invites", nil, 403},
		{"editor", "POST", "/api/v1/localities/phuong-hoan-kiem/invites", nil, 201},
	}
	for i, c := range cases {
		body := c.body
		if m, ok := body.(map[string]any); ok && m["key"] != nil {
			m2 := map[string]any{}
			for k, v := range m {
				m2[k] = v
			}
			m2["key"] = fmt.Sprintf("k-%d", i)
			body = m2
		}
		r := e.call(c.who, c.method, c.path, body)
		if r.Status != c.want {
			t.Errorf("%s %s %s: %d, want %d: %s", c.who, c.method, c.path, r.Status, c.want, r.Body)
			continue
		}
		if r.Status == 403 && r.apiErr(t).Code == "" {
			t.Errorf("%s %s %s: 403 without the error shape", c.who, c.method, c.path)
		}
	}
	// CSV import: manager of so-a only, viewer never
	req := func(who, code string) int {
		return e.csv(who, "/api/v1/agencies/"+code+"/members/import", csv, "text/csv").Status
	}
	if got := req("manager", "so-a"); got != 200 {
		t.Errorf("manager import own: %d", got)
	}
	for _, c := range []struct{ who, code string }{{"manager", "so-b"}, {"manager_b", "so-a"}, {"viewer", "so-a"}, {"editor", "so-a"}} {
		if got := req(c.who, c.code); got != 403 {
			t.Errorf("%s import into %s: %d, want 403", c.who, c.code, got)
		}
	}
	// a viewer changed nothing: every audit row is by someone else
	list := e.must(e.call("admin", "GET", "/api/v1/audit?limit=500", nil), 200)
	if strings.Contains(string(list.Body), fmt.Sprintf(`"staff_id":%d,`, e.staff["viewer"].ID)) {
		t.Error("the viewer appears in the audit log")
	}
}
