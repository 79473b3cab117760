package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/web/api"
)

// fieldSays fails unless the error names path and its message holds every want.
func fieldSays(t *testing.T, what string, r resp, status int, path string, wants ...string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %d, want %d: %s", what, r.Status, status, r.Body)
		return
	}
	for _, f := range r.apiErr(t).Fields {
		if f.Path != path {
			continue
		}
		for _, w := range wants {
			if !strings.Contains(f.Message, w) {
				t.Errorf("%s: %s says %q, lacks %q", what, path, f.Message, w)
			}
		}
		return
	}
	t.Errorf("%s: no field %s in %s", what, path, r.Body)
}

// Issue 9, item 10: a long broadcast name, an invisible character in it and
// a time without its offset are each a field error naming the field and the
// limit or format, never "the data breaks a rule" or Go's parsing error.
func TestBroadcastNameAndTimeFieldErrors(t *testing.T) {
	e := newEnv(t)
	long := dtDay(strings.Repeat("a", 5000))
	fieldSays(t, "5000-character name", e.call("editor", "POST", "/api/v1/broadcasts", long), 422, "name", "at most 200 characters", "5000")
	fieldSays(t, "right-to-left override", e.call("editor", "POST", "/api/v1/broadcasts", dtDay("Ngày CĐS\u202egnp.exe")), 422, "name", "U+202E")
	once := dtDay("once")
	once["schedule"] = map[string]any{"at": "2027-01-01T09:00:00"}
	r := e.call("editor", "POST", "/api/v1/broadcasts", once)
	fieldSays(t, "time without an offset", r, 422, "schedule.at", "RFC 3339", "2027-01-01T09:00:00+07:00")
	if strings.Contains(string(r.Body), "parsing time") {
		t.Errorf("raw Go error: %s", r.Body)
	}
	once["schedule"] = map[string]any{"at": 20270101}
	fieldSays(t, "time as a number", e.call("editor", "POST", "/api/v1/broadcasts", once), 422, "schedule.at", "RFC 3339")
	// the well-formed time still works, on edit too
	once["schedule"] = map[string]any{"at": "2027-01-01T09:00:00+07:00"}
	var b store.BroadcastDraft
	e.must(e.call("editor", "POST", "/api/v1/broadcasts", once), 201).json(t, &b)
	once["schedule"] = map[string]any{"at": "2027-01-01 09:00"}
	fieldSays(t, "edit", e.call("editor", "PUT", "/api/v1/broadcasts/"+itoa(b.ID), once), 422, "schedule.at", "RFC 3339")
}

// Issue 9, item 11: a schedule in the year 9999 is refused: at most five
// years ahead, on create and when Schedule moves the time.
func TestScheduleAtMostFiveYearsAhead(t *testing.T) {
	e := newEnv(t)
	once := dtDay("far")
	once["schedule"] = map[string]any{"at": "9999-01-01T09:00:00+07:00"}
	fieldSays(t, "year 9999", e.call("editor", "POST", "/api/v1/broadcasts", once), 422, "schedule.at", "more than 5 years ahead")
	once["schedule"] = map[string]any{"at": "2030-01-01T09:00:00+07:00"}
	e.must(e.call("editor", "POST", "/api/v1/broadcasts", once), 201)
}

// Issue 9, item 12: unknown codes in an audience to count, and an unknown
// status filter, are refused naming the field, instead of count 0 and [].
func TestUnknownFilterCodesAreRefused(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		body map[string]any
		path string
	}{
		{map[string]any{"localities": []string{"phuong-khong-co"}}, "audience.localities"},
		{map[string]any{"languages": []string{"xx"}}, "audience.languages[0]"},
		{map[string]any{"channels": []string{"fax"}}, "audience.channels[0]"},
		{map[string]any{"agencies": []string{"so-khong-co"}}, "audience.agencies"},
	} {
		fieldSays(t, c.path, e.call("editor", "POST", "/api/v1/audience/count", c.body), 422, c.path)
	}
	e.must(e.call("editor", "POST", "/api/v1/audience/count", map[string]any{"localities": []string{"phuong-hoan-kiem"}}), 200)
	fieldSays(t, "status=bogus", e.call("viewer", "GET", "/api/v1/broadcasts?status=bogus", nil), 400, "status", "draft")
	// as the member list's filter answers
	fieldSays(t, "members status=bogus", e.call("admin", "GET", "/api/v1/agencies/so-a/members?status=bogus", nil), 400, "status")
	e.must(e.call("viewer", "GET", "/api/v1/broadcasts?status=submitted", nil), 200)
}

// Issue 9, item 25: the test send fills {name} with the staff member's own
// name, and one person may send three tests a minute.
func TestTestSendFillsNameAndIsLimited(t *testing.T) {
	fs := &fakeSender{sent: map[int64][]messages.Part{}}
	e := newEnv(t, func(d *api.Deps) { d.Sender = fs })
	e.subscribers(1, "phuong-hoan-kiem")
	body := dtDay("test {name}")
	body["content"] = map[string]any{"variants": map[string]any{"vi": map[string]any{"text": "Chào {name}!"}}}
	var b store.BroadcastDraft
	e.must(e.call("editor", "POST", "/api/v1/broadcasts", body), 201).json(t, &b)
	var lc struct{ Code string }
	e.must(e.call("editor", "POST", "/api/v1/staff/me/link-code", nil), 201).json(t, &lc)
	if _, err := e.st.RedeemLinkCode(context.Background(), lc.Code, 4343); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/broadcasts/" + itoa(b.ID) + "/test"
	for i := 0; i < 3; i++ {
		e.must(e.call("editor", "POST", path, nil), 200)
	}
	if got := fs.sent[4343]; len(got) != 3 || got[0].Text != "Chào Editor!" {
		t.Fatalf("sent %+v", got)
	}
	r := e.call("editor", "POST", path, nil)
	if r.Status != 429 || r.apiErr(t).Code != "rate_limited" {
		t.Fatalf("fourth test send in a minute: %d %s", r.Status, r.Body)
	}
	if len(fs.sent[4343]) != 3 || e.auditCount("broadcast.test_send") != 3 {
		t.Errorf("the refused send went out or was audited: %d sent", len(fs.sent[4343]))
	}
}

// Issue 9, item 4: viewers do not read member lists, of any agency, in any
// form; an agency manager reads their own agency's only.
func TestViewersDoNotReadMembers(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/api/v1/agencies/so-a/members", "/api/v1/agencies/so-b/members?status=joined",
		"/api/v1/agencies/so-a/members/export.csv"} {
		if r := e.call("viewer", "GET", path, nil); r.Status != 403 {
			t.Errorf("viewer %s: %d %s", path, r.Status, r.Body)
		}
	}
	e.must(e.call("manager", "GET", "/api/v1/agencies/so-a/members", nil), 200)
	e.must(e.call("manager", "GET", "/api/v1/agencies/so-b/members", nil), 403)
	e.must(e.call("admin", "GET", "/api/v1/agencies/so-b/members", nil), 200)
	// the document says so
	var doc struct {
		Paths map[string]map[string]struct{ Description string } `json:"paths"`
	}
	e.must(e.call("", "GET", "/api/openapi.json", nil), 200).json(t, &doc)
	if d := doc.Paths["/api/v1/agencies/{code}/members"]["get"].Description; strings.Contains(d, "viewer") {
		t.Errorf("members listing documented for viewers: %q", d)
	}
}
