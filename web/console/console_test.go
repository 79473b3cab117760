package console

import (
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/locales"
	"github.com/loa-vn/loa/store"
)

func TestLocaleParity(t *testing.T) {
	cat, err := l10n.LoadSet(locales.FS, "console", nil)
	if err != nil {
		t.Fatal(err)
	}
	for lang, ids := range cat.Missing() {
		if len(ids) > 0 {
			t.Errorf("console.%s.toml lacks %v", lang, ids)
		}
	}
	// every literal id a template or handler uses exists
	used := map[string]bool{}
	re := regexp.MustCompile(`\.T "([a-z_]+)"`)
	files, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	for _, r := range store.Roles {
		used["role_"+r] = true
	}
	for _, s := range sections {
		used[s.label], used[s.label+"_desc"] = true, true
	}
	for id := range used {
		for _, lang := range l10n.Langs {
			if !cat.Has(lang, id) {
				t.Errorf("%s: no message %q", lang, id)
			}
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h := HashPassword("một câu dài dễ nhớ")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if ok, err := CheckPassword(h, "một câu dài dễ nhớ"); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, _ := CheckPassword(h, "một câu dài dễ nhớ!"); ok {
		t.Fatal("wrong password accepted")
	}
	if h2 := HashPassword("một câu dài dễ nhớ"); h2 == h {
		t.Fatal("same salt twice")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$aa$bb", "$argon2id$v=19$m=0,t=1,p=1$aa$bb", "plain"} {
		if _, err := CheckPassword(bad, "x"); err == nil {
			t.Errorf("%q accepted as a hash", bad)
		}
	}
}

func TestSecureCookies(t *testing.T) {
	for base, want := range map[string]bool{
		"http://127.0.0.1:8080": false, "http://localhost:8080": false, "http://[::1]:8080": false,
		"https://127.0.0.1": true, "https://loa.example.vn": true, "http://loa.example.vn": true, "": true,
	} {
		if got := secureCookies(base); got != want {
			t.Errorf("secureCookies(%q) = %v", base, got)
		}
	}
	if u := SetPasswordURL("https://loa.example.vn/", "abc"); u != "https://loa.example.vn/console/set-password/abc" {
		t.Errorf("SetPasswordURL = %q", u)
	}
}

// A form posted from another site is refused before anything reads it.
func TestCrossOriginPostRefused(t *testing.T) {
	st, srv := testConsole(t)
	addStaff(t, st, "Quản trị", store.RoleAdmin, "", "admin", "mật khẩu thật dài", true)
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/console/sign-in",
			strings.NewReader(url.Values{"login": {"admin"}, "password": {"mật khẩu thật dài"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, body := do(t, client(t), req)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "trang web khác") {
			t.Errorf("%v: %d %s", h, resp.StatusCode, body)
		}
	}
}

func TestSignInSecondFactorAndRoles(t *testing.T) {
	st, srv := testConsole(t)
	_, secret := addStaff(t, st, "Quản trị", store.RoleAdmin, "", "admin", "mật khẩu thật dài", true)
	addStaff(t, st, "Biên tập", store.RoleEditor, "", "editor", "mật khẩu biên tập", false)

	// nothing but the sign-in page without a session
	resp, _ := get(t, client(t), srv.URL+"/console/staff")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/sign-in" {
		t.Fatalf("anonymous: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// password right, second factor owed: still not in
	c := client(t)
	post(t, c, srv.URL+"/console/sign-in", url.Values{"login": {"ADMIN "}, "password": {"mật khẩu thật dài"}})
	if resp, _ := get(t, c, srv.URL+"/console/"); resp.Header.Get("Location") != "/console/sign-in" {
		t.Fatalf("half signed in reached home: %d", resp.StatusCode)
	}
	resp, body := post(t, c, srv.URL+"/console/sign-in/code", url.Values{"code": {"000000"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Mã không đúng") {
		t.Fatalf("wrong code: %d", resp.StatusCode)
	}
	good := code(t, secret, 1)
	if resp, _ := post(t, c, srv.URL+"/console/sign-in/code", url.Values{"code": {good}}); resp.Header.Get("Location") != "/console/" {
		t.Fatalf("good code: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := get(t, c, srv.URL+"/console/staff"); resp.StatusCode != 200 || !strings.Contains(body, "Biên tập") {
		t.Fatalf("admin staff page: %d", resp.StatusCode)
	}
	// the same code again, in a new sign-in, is refused (replay)
	c2 := client(t)
	post(t, c2, srv.URL+"/console/sign-in", url.Values{"login": {"admin"}, "password": {"mật khẩu thật dài"}})
	if resp, _ := post(t, c2, srv.URL+"/console/sign-in/code", url.Values{"code": {good}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("replayed code: %d", resp.StatusCode)
	}

	// an editor signs in with the password alone, and may not see staff
	e := signIn(t, srv.URL, "editor", "mật khẩu biên tập", "")
	if resp, body := get(t, e, srv.URL+"/console/"); resp.StatusCode != 200 || strings.Contains(body, `href="/console/staff"`) {
		t.Fatalf("editor home: %d", resp.StatusCode)
	}
	if resp, _ := get(t, e, srv.URL+"/console/staff"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("editor staff page: %d", resp.StatusCode)
	}
	if resp, _ := post(t, e, srv.URL+"/console/staff/new", url.Values{"name": {"x"}, "role": {"admin"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("editor invite: %d", resp.StatusCode)
	}
	// promoted to approver while signed in: the second factor comes first
	ed, _, _ := st.ConsoleAccountByLogin(context.Background(), "editor")
	if _, err := st.ChangeStaffRole(context.Background(), store.CLIActor, ed.ID, store.RoleApprover, ""); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, e, srv.URL+"/console/"); resp.Header.Get("Location") != "/console/sign-in/enrol" {
		t.Fatalf("promoted editor: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// disabled: the session stops working at once
	if _, err := st.SetStaffDisabled(context.Background(), store.CLIActor, ed.ID, true); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, e, srv.URL+"/console/sign-in/enrol"); resp.Header.Get("Location") != "/console/sign-in" {
		t.Fatalf("disabled: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestLockout(t *testing.T) {
	st, srv := testConsole(t)
	addStaff(t, st, "Biên tập", store.RoleEditor, "", "editor", "mật khẩu biên tập", false)
	c := client(t)
	for i := 1; i <= accountLock.Failures; i++ {
		resp, body := post(t, c, srv.URL+"/console/sign-in", url.Values{"login": {"editor"}, "password": {"sai"}})
		want := http.StatusUnprocessableEntity
		if i == accountLock.Failures {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want {
			t.Fatalf("attempt %d: %d %s", i, resp.StatusCode, body)
		}
	}
	// locked: even the right password is not checked
	resp, body := post(t, c, srv.URL+"/console/sign-in", url.Values{"login": {"editor"}, "password": {"mật khẩu biên tập"}})
	if resp.StatusCode != http.StatusTooManyRequests || !regexp.MustCompile(`tạm khóa đến \d\d/\d\d/\d{4} \d\d:\d\d`).MatchString(body) {
		t.Fatalf("locked: %d %s", resp.StatusCode, body)
	}
	// another account from the same address is not locked by this one
	addStaff(t, st, "Khác", store.RoleViewer, "", "other", "mật khẩu người khác", false)
	signIn(t, srv.URL, "other", "mật khẩu người khác", "")
}

// Errors show next to their fields, what was typed stays, HTML is text.
func TestInviteValidationAndEscaping(t *testing.T) {
	st, srv := testConsole(t)
	_, secret := addStaff(t, st, "Quản trị", store.RoleAdmin, "", "admin", "mật khẩu thật dài", true)
	c := signIn(t, srv.URL, "admin", "mật khẩu thật dài", secret)
	resp, body := post(t, c, srv.URL+"/console/staff/new", url.Values{"name": {""}, "login": {"Bad Name!"}, "role": {"agency_manager"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid invite: %d", resp.StatusCode)
	}
	for _, want := range []string{"Nhập họ tên.", "Tên đăng nhập chỉ gồm", "Quản lý cơ quan cần chọn", `value="Bad Name!"`, `aria-invalid="true"`} {
		if !strings.Contains(body, want) {
			t.Errorf("invalid invite page lacks %q", want)
		}
	}
	resp, _ = post(t, c, srv.URL+"/console/staff/new", url.Values{"name": {`<script>alert(1)</script> Lan`}, "role": {"editor"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: %d", resp.StatusCode)
	}
	resp, body = get(t, c, srv.URL+resp.Header.Get("Location"))
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt; Lan") {
		t.Fatalf("name not escaped: %s", body)
	}
	link := regexp.MustCompile(`value="(http://[^"]+/console/set-password/[a-z0-9]+)"`).FindStringSubmatch(body)
	if link == nil {
		t.Fatalf("no link on the page: %s", body)
	}
	// shown once
	if _, again := get(t, c, srv.URL+resp.Request.URL.Path); strings.Contains(again, link[1]) {
		t.Fatal("link shown twice")
	}
	// the link sets a password once; the sign-in name was made from the name
	n := client(t)
	resp, body = get(t, n, link[1])
	if resp.StatusCode != 200 || !strings.Contains(body, "<code>script.alert.1.script.lan</code>") {
		t.Fatalf("set-password page: %d %s", resp.StatusCode, body)
	}
	if resp, body := post(t, n, link[1], url.Values{"password": {"ngắn"}, "confirm": {"khác"}}); resp.StatusCode != 422 ||
		!strings.Contains(body, "ít nhất 12 ký tự") || !strings.Contains(body, "không giống nhau") {
		t.Fatalf("short password: %d", resp.StatusCode)
	}
	if resp, _ := post(t, n, link[1], url.Values{"password": {"một mật khẩu đủ dài"}, "confirm": {"một mật khẩu đủ dài"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set password: %d", resp.StatusCode)
	}
	if resp, _ := get(t, n, link[1]); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("used link: %d", resp.StatusCode)
	}
	signIn(t, srv.URL, "script.alert.1.script.lan", "một mật khẩu đủ dài", "")
}
