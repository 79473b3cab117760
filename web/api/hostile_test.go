package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/loa-vn/loa/store"
)

func TestHostileInput(t *testing.T) {
	e := newEnv(t)
	faq := `{"key":"hostile","locale":"vi","topic":"vneid","questions":["Robert'); DROP TABLE faq_entries;--"],` +
		`"answer":"<script>alert('x')</script> ' OR 1=1 --","source":"x"}`

	// wrong content type
	r := e.csv("editor", "/api/v1/faq", faq, "text/plain")
	if r.Status != 415 || r.apiErr(t).Code != "unsupported_media_type" {
		t.Fatalf("text/plain: %d %s", r.Status, r.Body)
	}
	e.must(e.csv("manager", "/api/v1/agencies/so-a/members/import", "name,phone\n", "application/json"), 415)

	// huge body
	huge := `{"key":"` + strings.Repeat("a", 2<<20) + `"}`
	if r := e.call("editor", "POST", "/api/v1/faq", huge); r.Status != 413 {
		t.Fatalf("huge body: %d", r.Status)
	}
	// unknown field, named
	r = e.call("editor", "POST", "/api/v1/faq", `{"key":"a","locale":"vi","is_admin":true}`)
	if r.Status != 400 || !r.apiErr(t).hasField("is_admin") {
		t.Fatalf("unknown field: %d %s", r.Status, r.Body)
	}
	// wrong type, named
	r = e.call("editor", "POST", "/api/v1/faq", `{"key":"a","locale":"vi","questions":"not a list"}`)
	if r.Status != 400 || !r.apiErr(t).hasField("questions") {
		t.Fatalf("wrong type: %d %s", r.Status, r.Body)
	}
	r = e.call("admin", "POST", "/api/v1/staff", `{"name":5,"role":"admin"}`)
	if r.Status != 400 || !r.apiErr(t).hasField("name") {
		t.Fatalf("wrong type: %d %s", r.Status, r.Body)
	}
	// malformed and trailing JSON
	e.must(e.call("editor", "POST", "/api/v1/faq", `{"key":`), 400)
	e.must(e.call("editor", "POST", "/api/v1/faq", `{} {}`), 400)
	e.must(e.call("editor", "POST", "/api/v1/faq", ``), 400)

	// SQL fragments and HTML are data: stored and returned literally, escaped in JSON
	r = e.must(e.call("editor", "POST", "/api/v1/faq", faq), 201)
	if strings.Contains(string(r.Body), "<script>") {
		t.Errorf("JSON output carries raw <script>: %s", r.Body)
	}
	got, err := e.st.FAQByKey(context.Background(), "hostile", "vi")
	if err != nil || got.Answer != "<script>alert('x')</script> ' OR 1=1 --" || got.Questions[0] != "Robert'); DROP TABLE faq_entries;--" {
		t.Fatalf("stored %+v %v", got, err)
	}
	// path parameters with SQL are just unknown codes
	e.must(e.call("admin", "GET", "/api/v1/agencies/so-a'%20OR%20'1'='1", nil), 404)
	// a staff name with SQL and HTML
	var created struct{ Staff store.Staff }
	e.must(e.call("admin", "POST", "/api/v1/staff", map[string]any{"name": "x'); DELETE FROM staff;-- <b>", "role": "viewer"}), 201).json(t, &created)
	if created.Staff.Name != "x'); DELETE FROM staff;-- <b>" {
		t.Fatalf("name %q", created.Staff.Name)
	}
	// CSV with formulas and SQL in names is stored literally too
	e.must(e.csv("manager", "/api/v1/agencies/so-a/members/import", "name,phone\n\"=HYPERLINK(\"\"x\"\")'; DROP TABLE x;--\",0912345678\n", "text/csv"), 200)
}
