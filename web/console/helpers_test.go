package console

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// testConsole serves a console on a fresh seeded database at an httptest
// address (plain http on 127.0.0.1, as under `loa dev`).
func testConsole(t testing.TB) (*store.Store, *httptest.Server) {
	t.Helper()
	st := storetest.NewSeeded(t)
	var h http.Handler = http.NotFoundHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	c, err := New(Deps{Store: st, BaseURL: srv.URL, SessionCleanup: -1, BotUsername: "loa_hanoi_bot", Key: []byte("console test key")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	mux := http.NewServeMux()
	mux.Handle(Prefix, c)
	h = mux
	return st, srv
}

// addStaff creates a staff member who has set their password; with
// withTOTP, the second factor is enrolled too and its secret returned.
func addStaff(t testing.TB, st *store.Store, name, role, agency, login, password string, withTOTP bool) (store.Staff, string) {
	t.Helper()
	ctx := context.Background()
	s, link, err := st.CreateConsoleStaff(ctx, store.CLIActor, store.NewStaff{Name: name, Role: role, AgencyCode: agency}, login)
	if err != nil {
		t.Fatal(err)
	}
	if password != "" {
		if _, err := st.SetPasswordWithLink(ctx, link.Token, HashPassword(password)); err != nil {
			t.Fatal(err)
		}
	}
	if !withTOTP {
		return s, ""
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Loa", AccountName: login})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnableTOTP(ctx, store.CLIActor, s.ID, key.Secret(), 0, nil); err != nil {
		t.Fatal(err)
	}
	return s, key.Secret()
}

// client is a cookie-keeping HTTP client that does not follow redirects.
func client(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// post sends a same-origin form post, as a browser would label it.
func post(t testing.TB, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return do(t, c, req)
}

func get(t testing.TB, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return do(t, c, req)
}

func do(t testing.TB, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// code is the TOTP code of the step after the current one: accepted (clocks
// drift by a step) and never the one an earlier sign-in in the test used.
func code(t testing.TB, secret string, steps int) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, time.Now().Add(time.Duration(steps)*totpPeriod))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// signIn signs in over HTTP and returns the signed-in client.
func signIn(t testing.TB, base, login, password, secret string) *http.Client {
	t.Helper()
	c := client(t)
	resp, body := post(t, c, base+"/console/sign-in", url.Values{"login": {login}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d %s", resp.StatusCode, body)
	}
	if secret != "" {
		if loc := resp.Header.Get("Location"); loc != "/console/sign-in/code" {
			t.Fatalf("sign-in sent to %q, want the code page", loc)
		}
		resp, body = post(t, c, base+"/console/sign-in/code", url.Values{"code": {code(t, secret, 1)}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/" {
			t.Fatalf("code: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
	}
	return c
}
