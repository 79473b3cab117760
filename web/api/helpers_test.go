package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/jobs/redistest"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
	"github.com/loa-vn/loa/web/api"
)

var testKey = []byte("test-key-for-phone-hashes-and-invites-0123456789")

// env is a real API server over a real store and Redis, with one staff
// member per role: admin, editor, approver, approver2, viewer, manager
// (agency "so-a", which has the sub-agency "so-a-phong"), manager_b ("so-b").
type env struct {
	t      testing.TB
	st     *store.Store
	srv    *httptest.Server
	api    *api.Server
	tokens map[string]string
	staff  map[string]store.Staff
}

func newEnv(t *testing.T, mod ...func(*api.Deps)) *env { return newEnvTB(t, mod...) }

func newEnvB(b *testing.B) *env { return newEnvTB(b) }

func newEnvTB(t testing.TB, mod ...func(*api.Deps)) *env {
	t.Helper()
	st := storetest.NewSeeded(t)
	rdb := redis.NewClient(redistest.New(t))
	t.Cleanup(func() { rdb.Close() })
	ctx := context.Background()
	for _, a := range []store.AgencyInput{{Code: "so-a", NameVi: "Sở A"}, {Code: "so-a-phong", ParentCode: "so-a", NameVi: "Phòng A1"},
		{Code: "so-b", NameVi: "Sở B"}} {
		if _, err := st.CreateAgency(ctx, store.CLIActor, a); err != nil {
			t.Fatal(err)
		}
	}
	e := &env{t: t, st: st, tokens: map[string]string{}, staff: map[string]store.Staff{}}
	for name, ns := range map[string]store.NewStaff{
		"admin": {Name: "Admin", Role: store.RoleAdmin}, "editor": {Name: "Editor", Role: store.RoleEditor},
		"approver": {Name: "Approver", Role: store.RoleApprover}, "approver2": {Name: "Approver Two", Role: store.RoleApprover},
		"viewer":    {Name: "Viewer", Role: store.RoleViewer},
		"manager":   {Name: "Manager A", Role: store.RoleAgencyManager, AgencyCode: "so-a"},
		"manager_b": {Name: "Manager B", Role: store.RoleAgencyManager, AgencyCode: "so-b"},
	} {
		s, tok, err := st.CreateStaff(ctx, store.CLIActor, ns)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[name], e.staff[name] = tok, s
	}
	d := api.Deps{Store: st, Redis: rdb, Key: testKey, BotUsername: "loa_test_bot", TwoPersonRule: true}
	for _, m := range mod {
		m(&d)
	}
	e.api = api.New(d)
	e.srv = httptest.NewServer(e.api.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// resp is an answer with its decoded body.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// apiErr decodes the error shape.
func (r resp) apiErr(t *testing.T) apiError {
	t.Helper()
	var b struct {
		Error apiError `json:"error"`
	}
	r.json(t, &b)
	return b.Error
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Fields  []struct {
		Path    string `json:"path"`
		Message string `json:"message"`
	} `json:"fields"`
}

func (a apiError) hasField(path string) bool {
	for _, f := range a.Fields {
		if f.Path == path {
			return true
		}
	}
	return false
}

// call sends a request as who ("" = no token). body: nil, string/[]byte (raw,
// with ct), or a value marshalled as JSON.
func (e *env) call(who, method, path string, body any, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	case []byte:
		rd, ct = bytes.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd, ct = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Header: res.Header, Body: data}
}

func (e *env) must(r resp, want int) resp {
	e.t.Helper()
	if r.Status != want {
		e.t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
	}
	return r
}

// auditCount counts audit rows for an action.
func (e *env) auditCount(action string) int {
	e.t.Helper()
	list, err := e.st.ListAudit(context.Background(), store.AuditFilter{Action: action, Limit: 500})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(list)
}

// subscribers adds n active Telegram subscribers in a locality.
func (e *env) subscribers(n int, localityCode string) (int64, int64) {
	e.t.Helper()
	ctx := context.Background()
	loc, err := e.st.LocalityByCode(ctx, localityCode)
	if err != nil {
		e.t.Fatal(err)
	}
	first, last, err := e.st.GenerateSubscribers(ctx, store.Generated{N: n, ChatIDBase: 1000, Localities: []int64{loc.ID},
		Prefix: fmt.Sprintf("%s-%d-", localityCode, time.Now().UnixNano())})
	if err != nil {
		e.t.Fatal(err)
	}
	return first, last
}

func itoa(n int64) string { return fmt.Sprint(n) }

// csv posts a raw body with a content type.
func (e *env) csv(who, path, body, ct string) resp {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Header: res.Header, Body: data}
}
