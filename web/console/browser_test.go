package console

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/loa-vn/loa/store"
)

// The browser tests drive Debian's Chromium (apt-get install chromium;
// .ci/services installs it) headless through chromedp. In CI (CI=true) a
// missing Chromium fails them; on a developer's machine it skips them with
// the command to run.

const chromiumPath = "/usr/bin/chromium"

//go:embed testdata/axe/axe.min.js
var axeJS string

// Screenshots go to docs/screenshots when LOA_SCREENSHOTS=1 (the README's
// images), and to a temporary folder otherwise, so a test run leaves the
// work tree as it was.
func screenshotDir(t *testing.T) string {
	if os.Getenv("LOA_SCREENSHOTS") == "1" {
		dir := filepath.Join("..", "..", "docs", "screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// browser starts one headless Chromium for the test, with a fresh profile.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath
	if _, err := os.Stat(path); err != nil {
		if p, lerr := exec.LookPath("chromium"); lerr == nil {
			path = p
		} else if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is not installed at %s: .ci/services should have installed it (apt-get install -y chromium)", chromiumPath)
		} else {
			t.Skipf("browser tests skipped: Chromium is not installed. Install it with: sudo apt-get install -y chromium (or run .ci/services as root)")
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "vi-VN"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// the first Run starts the browser and binds it to ctx: no timeout here
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// step runs actions with a timeout derived from the running browser's context.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// clickAndLoad clicks something that loads a new page and waits for it: the
// old page is marked first, so a wait cannot be satisfied by the page that is
// going away.
func clickAndLoad(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`document.body.classList.add("stale"); true`)(ctx, t)
			return err
		}),
		chromedp.Click(chromedp.CSS(sel)),
		chromedp.WaitReady(chromedp.CSS("body:not(.stale)")),
	)
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any `json:"target"`
		} `json:"nodes"`
	} `json:"violations"`
}

// a11y injects axe-core into the page and fails on any serious or critical
// violation (WCAG 2.x A and AA rules and best practices).
func a11y(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(sctx, chromedp.Evaluate[bool](axeJS+";true")); err != nil {
		t.Fatalf("%s: inject axe: %v", name, err)
	}
	raw, err := chromedp.Run(sctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe.run: %v", name, err)
	}
	var res axeResult
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatalf("%s: axe result: %v", name, err)
	}
	for _, v := range res.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s: accessibility (%s) %s: %s at %v", name, v.Impact, v.ID, v.Help, v.Nodes)
		}
	}
}

// shoot checks accessibility and saves the page at phone and desktop width.
func shoot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	a11y(t, ctx, name)
	for _, w := range []struct {
		suffix string
		width  int64
	}{{"360", 360}, {"desktop", 1280}} {
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		if err := chromedp.Do(sctx, chromedp.EmulateViewport(w.width, 800)); err != nil {
			cancel()
			t.Fatal(err)
		}
		png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("console-%s-%s.png", name, w.suffix)), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	step(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
}

// The whole first day: an admin sets the password from the link, enrols the
// second factor, signs out and back in with a code, invites an editor, who
// sets their password and signs in, and finds the staff page closed to them.
func TestBrowserSignInSecondFactorAndInvite(t *testing.T) {
	ctx := browser(t)
	st, srv := testConsole(t)
	dir := screenshotDir(t)
	admin, link, err := st.CreateConsoleStaff(context.Background(), store.CLIActor,
		store.NewStaff{Name: "Trần Thị Minh", Role: store.RoleAdmin}, "")
	if err != nil {
		t.Fatal(err)
	}
	_ = admin

	// 1. the one-time link: choose a password
	step(t, ctx, "open link", chromedp.Navigate(SetPasswordURL(srv.URL, link.Token)), chromedp.WaitVisible(chromedp.ID("password")))
	shoot(t, ctx, dir, "set-password")
	step(t, ctx, "too short", chromedp.SendKeys(chromedp.ID("password"), "ngắn"), chromedp.SendKeys(chromedp.ID("confirm"), "ngắn"),
		clickAndLoad("button.primary"), chromedp.WaitVisible(chromedp.CSS(".field-error")))
	if s := text(t, ctx, "#password-error"); !strings.Contains(s, "12") {
		t.Fatalf("short password error: %q", s)
	}
	a11y(t, ctx, "set-password-errors")
	pw := "Hồ Gươm buổi sáng có sương"
	step(t, ctx, "set password", chromedp.SendKeys(chromedp.ID("password"), pw), chromedp.SendKeys(chromedp.ID("confirm"), pw),
		clickAndLoad("button.primary"), chromedp.WaitVisible(chromedp.CSS(".notice")))

	// 2. sign in: the name is filled in after the link; an admin must enrol
	if v := text(t, ctx, ".notice"); !strings.Contains(v, "Đã lưu mật khẩu") {
		t.Fatalf("after set-password: %q", v)
	}
	shoot(t, ctx, dir, "sign-in")
	step(t, ctx, "sign in", chromedp.SendKeys(chromedp.ID("password"), pw), clickAndLoad("button.primary"),
		chromedp.WaitVisible(chromedp.ID("totp-key")))
	shoot(t, ctx, dir, "enrol")
	key := strings.ReplaceAll(text(t, ctx, "#totp-key"), " ", "")
	step(t, ctx, "enrol", chromedp.SendKeys(chromedp.ID("code"), code(t, key, 0)), clickAndLoad("button.primary"),
		chromedp.WaitVisible(chromedp.CSS("ul.codes")))
	shoot(t, ctx, dir, "recovery-codes")
	step(t, ctx, "continue", clickAndLoad("a.button"), chromedp.WaitVisible(chromedp.CSS("ul.cards")))
	shoot(t, ctx, dir, "home")

	// 3. out and back in, with the second factor
	step(t, ctx, "sign out", clickAndLoad("form.signout button"), chromedp.WaitVisible(chromedp.ID("login")))
	step(t, ctx, "sign in again", chromedp.SendKeys(chromedp.ID("login"), link.Login), chromedp.SendKeys(chromedp.ID("password"), pw),
		clickAndLoad("button.primary"), chromedp.WaitVisible(chromedp.ID("code")))
	shoot(t, ctx, dir, "second-factor")
	step(t, ctx, "code", chromedp.SendKeys(chromedp.ID("code"), code(t, key, 1)), clickAndLoad("button.primary"),
		chromedp.WaitVisible(chromedp.CSS("ul.cards")))

	// 4. the staff page: invite an editor, with a mistake first
	step(t, ctx, "staff page", clickAndLoad(`nav a[href="/console/staff"]`), chromedp.WaitVisible(chromedp.CSS("table.list")))
	shoot(t, ctx, dir, "staff")
	step(t, ctx, "invite form", clickAndLoad(`a[href="/console/staff/new"]`), chromedp.WaitVisible(chromedp.ID("name")))
	step(t, ctx, "invite with a bad name", chromedp.SendKeys(chromedp.ID("login"), "Lan Nguyễn"), clickAndLoad("button.primary"),
		chromedp.WaitVisible(chromedp.ID("name-error")))
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("login"))); v != "Lan Nguyễn" {
		t.Fatalf("typed sign-in name lost: %q", v)
	}
	shoot(t, ctx, dir, "invite-errors")
	step(t, ctx, "invite", chromedp.SendKeys(chromedp.ID("name"), "Nguyễn <b>Lan</b>"), chromedp.Clear(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "nguyen.lan"), clickAndLoad("button.primary"),
		chromedp.WaitVisible(chromedp.ID("link")))
	if h := text(t, ctx, "h1"); h != "Nguyễn <b>Lan</b>" {
		t.Fatalf("name not shown as typed: %q", h)
	}
	shoot(t, ctx, dir, "staff-member")
	editorLink, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("link")))
	if err != nil || !strings.Contains(editorLink, "/console/set-password/") {
		t.Fatalf("link: %q %v", editorLink, err)
	}

	// 5. the editor, in the same browser after the admin signs out
	step(t, ctx, "admin out", clickAndLoad("form.signout button"), chromedp.WaitVisible(chromedp.ID("login")))
	epw := "phố cổ Hà Nội mùa thu"
	step(t, ctx, "editor link", chromedp.Navigate(editorLink), chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("password"), epw), chromedp.SendKeys(chromedp.ID("confirm"), epw),
		clickAndLoad("button.primary"), chromedp.WaitVisible(chromedp.CSS(".notice")))
	step(t, ctx, "editor sign in", chromedp.SendKeys(chromedp.ID("password"), epw), clickAndLoad("button.primary"),
		chromedp.WaitVisible(chromedp.CSS("ul.cards")))
	if nav := text(t, ctx, "nav"); strings.Contains(nav, "Nhân viên") {
		t.Fatalf("editor sees the staff page in the navigation: %q", nav)
	}
	step(t, ctx, "editor tries staff", chromedp.Navigate(srv.URL+"/console/staff"), chromedp.WaitVisible(chromedp.CSS(".alert")))
	if s := text(t, ctx, ".alert"); !strings.Contains(s, "Vai trò của bạn không được") {
		t.Fatalf("editor on the staff page: %q", s)
	}
	a11y(t, ctx, "forbidden")
	step(t, ctx, "soon page", chromedp.Navigate(srv.URL+"/console/broadcasts"), chromedp.WaitVisible(chromedp.CSS("h1")))
	a11y(t, ctx, "soon")
	// English
	step(t, ctx, "english", clickAndLoad("form.lang button"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if h := text(t, ctx, "h1"); h != "Broadcasts" {
		t.Fatalf("English title: %q", h)
	}
	a11y(t, ctx, "soon-en")
}

// Five wrong passwords lock the account, with the time it opens again.
func TestBrowserLockout(t *testing.T) {
	ctx := browser(t)
	st, srv := testConsole(t)
	addStaff(t, st, "Biên tập", store.RoleEditor, "", "editor", "mật khẩu biên tập", false)
	step(t, ctx, "sign-in page", chromedp.Navigate(srv.URL+"/console/sign-in"), chromedp.WaitVisible(chromedp.ID("login")))
	for i := 0; i < accountLock.Failures; i++ {
		step(t, ctx, "wrong password", chromedp.Clear(chromedp.ID("login")), chromedp.SendKeys(chromedp.ID("login"), "editor"),
			chromedp.SendKeys(chromedp.ID("password"), "sai mật khẩu"), clickAndLoad("button.primary"),
			chromedp.WaitVisible(chromedp.ID("login")))
	}
	msg := text(t, ctx, "p.alert")
	if !regexp.MustCompile(`tạm khóa đến \d\d/\d\d/\d{4} \d\d:\d\d`).MatchString(msg) {
		t.Fatalf("lock-out message: %q", msg)
	}
	shoot(t, ctx, t.TempDir(), "locked")
	step(t, ctx, "right password, still locked", chromedp.Clear(chromedp.ID("login")), chromedp.SendKeys(chromedp.ID("login"), "editor"),
		chromedp.SendKeys(chromedp.ID("password"), "mật khẩu biên tập"), clickAndLoad("button.primary"),
		chromedp.WaitVisible(chromedp.CSS(".alert")))
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/console/sign-in") {
		t.Fatalf("signed in while locked: %s", loc)
	}
}

// A page on another site posts a form to the console with the admin's
// browser: the console answers 403 and creates nothing.
func TestBrowserForgedPostRefused(t *testing.T) {
	ctx := browser(t)
	st, srv := testConsole(t)
	_, secret := addStaff(t, st, "Quản trị", store.RoleAdmin, "", "admin", "mật khẩu thật dài", true)
	step(t, ctx, "sign in", chromedp.Navigate(srv.URL+"/console/sign-in"), chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "admin"), chromedp.SendKeys(chromedp.ID("password"), "mật khẩu thật dài"),
		clickAndLoad("button.primary"), chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SendKeys(chromedp.ID("code"), code(t, secret, 1)), clickAndLoad("button.primary"),
		chromedp.WaitVisible(chromedp.CSS("ul.cards")))
	// the attacker's page, on another origin (localhost vs 127.0.0.1, another port)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>prize</title><form id="f" method="post" action="%s/console/staff/new">
			<input name="name" value="Mallory"><input name="role" value="admin"></form>
			<script>document.getElementById("f").submit()</script></html>`, srv.URL)
	}))
	defer evil.Close()
	evilURL := strings.Replace(evil.URL, "127.0.0.1", "localhost", 1)
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(evilURL))
	if err != nil || resp.Status != 200 {
		t.Fatalf("attacker page: %v", err)
	}
	step(t, ctx, "forged post answered", chromedp.WaitVisible(chromedp.CSS(".alert")))
	if s := text(t, ctx, ".alert"); !strings.Contains(s, "trang web khác") {
		t.Fatalf("forged post page: %q", s)
	}
	a11y(t, ctx, "cross-origin")
	rows, err := st.StaffPage(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Name == "Mallory" {
			t.Fatal("the forged post created a staff member")
		}
	}
}
