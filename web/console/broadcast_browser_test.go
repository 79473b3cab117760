package console

import (
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/bot/telegram"
	"github.com/loa-vn/loa/bot/testchan"
	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/jobs"
	"github.com/loa-vn/loa/jobs/redistest"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// world is a console over the real workflow and broadcast engine: its own
// database and Redis DB, the fake Bot API, the Zalo-like test channel and
// an in-process Asynq worker.
type world struct {
	st    *store.Store
	srv   *httptest.Server
	tg    *tgfake.Server
	tc    *testchan.Channel
	eng   *jobs.Engine
	wf    *broadcast.Workflow
	hcm   *time.Location
	first int64 // first Telegram subscriber
}

const (
	tgChatBase = 5_000_000
	staffTG    = 777 // the editor's own Telegram account, for test sends
)

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{st: storetest.NewSeeded(t), tg: tgfake.New(), tc: testchan.New()}
	w.hcm, _ = time.LoadLocation("Asia/Ho_Chi_Minh")
	t.Cleanup(w.tg.Close)
	ropt := redistest.New(t)
	rdb := redis.NewClient(ropt)
	t.Cleanup(func() { rdb.Close() })
	sender, err := telegram.NewSender(w.tg.Token(), w.tg.URL(), false)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	cfg := jobs.Config{BatchSize: 20, ClaimSize: 5, Backoff: []time.Duration{10 * time.Millisecond},
		TaskTimeout: 20 * time.Second, StaleAfter: 30 * time.Second, IdleAfter: 5 * time.Second, StatePoll: 50 * time.Millisecond}
	// a slow rate, so the run page has a run going out to show
	w.eng = jobs.NewEngine(w.st, rdb, jobs.AsynqRedisOpt(ropt), nil, log, cfg).AddChannel(sender, 15).AddChannel(w.tc, 15)
	t.Cleanup(w.eng.Close)
	worker := asynq.NewServer(jobs.AsynqRedisOpt(ropt), jobs.ServerConfig(4, log))
	mux := asynq.NewServeMux()
	w.eng.Register(mux)
	if err := worker.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.eng.Stop(); worker.Shutdown() })
	w.wf = broadcast.New(broadcast.Config{Store: w.st, Runs: w.eng, Sender: broadcast.ChatSender(sender), TwoPersonRule: true})

	var h http.Handler = http.NotFoundHandler()
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { h.ServeHTTP(rw, r) }))
	t.Cleanup(w.srv.Close)
	c, err := New(Deps{Store: w.st, BaseURL: w.srv.URL, SessionCleanup: -1, Workflow: w.wf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	m := http.NewServeMux()
	m.Handle(Prefix, c)
	h = m

	// residents of Phường Hoàn Kiếm: 40 on Telegram (every fifth in
	// English), 12 on the test channel; two Telegram residents have blocked the bot
	ctx := context.Background()
	loc, err := w.st.LocalityByCode(ctx, "phuong-hoan-kiem")
	if err != nil {
		t.Fatal(err)
	}
	if w.first, _, err = w.st.GenerateSubscribers(ctx, store.Generated{N: 40, ChatIDBase: tgChatBase, EnglishPct: 20,
		Localities: []int64{loc.ID}, Prefix: "tg"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.st.GenerateSubscribers(ctx, store.Generated{N: 12, EnglishPct: 20, Localities: []int64{loc.ID},
		Prefix: "zl", Channel: testchan.Name}); err != nil {
		t.Fatal(err)
	}
	w.tg.FailNext(tgChatBase+3, tgfake.Blocked(), 1)
	w.tg.FailNext(tgChatBase+7, tgfake.Blocked(), 1)
	return w
}

// linkTelegram links a staff member's Telegram account, as /link does.
func (w *world) linkTelegram(t *testing.T, staffID, tgUser int64) {
	t.Helper()
	code, _, err := w.st.CreateLinkCode(context.Background(), store.CLIActor, staffID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.RedeemLinkCode(context.Background(), code, tgUser); err != nil {
		t.Fatal(err)
	}
}

// browserSignIn signs in through the pages, with the second factor when secret is set.
func browserSignIn(t *testing.T, ctx context.Context, base, login, password, secret string, steps int) {
	t.Helper()
	step(t, ctx, "sign-in page", chromedp.Navigate(base+"/console/sign-in"), chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), login), chromedp.SendKeys(chromedp.ID("password"), password),
		clickAndLoad("button.primary"))
	if secret != "" {
		step(t, ctx, "code", chromedp.WaitVisible(chromedp.ID("code")), chromedp.SendKeys(chromedp.ID("code"), code(t, secret, steps)),
			clickAndLoad("button.primary"))
	}
	step(t, ctx, "home", chromedp.WaitVisible(chromedp.CSS("ul.cards")))
}

func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	step(t, ctx, "sign out", clickAndLoad("form.signout button"), chromedp.WaitVisible(chromedp.ID("login")))
}

// waitJS waits until a JavaScript expression is true.
func waitJS(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(sctx, chromedp.Poll[bool](expr)); err != nil {
		t.Fatalf("%s: %v (waiting for %s)", what, err, expr)
	}
}

func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// The whole Digital Transformation Day campaign in the browser: an editor
// writes it (previews of both channels in both languages, the count
// following the audience, a place found by its former ward's name), sends
// a test to their own Telegram and submits it; the approve URL refuses
// them. An approver with a second factor sees it waiting, approves and
// schedules it; when it is due the real engine sends it to the fake Bot API
// and the test channel, the run page follows it without reloading, and the
// report downloads.
func TestBrowserDigitalTransformationDay(t *testing.T) {
	ctx := browser(t)
	w := newWorld(t)
	dir := screenshotDir(t)
	editor, _ := addStaff(t, w.st, "Nguyễn Thu Hà", store.RoleEditor, "", "editor", "mật khẩu biên tập viên", false)
	w.linkTelegram(t, editor.ID, staffTG)
	_, secret := addStaff(t, w.st, "Trần Quốc Bảo", store.RoleApprover, "", "approver", "mật khẩu phê duyệt viên", true)
	base := w.srv.URL
	at := time.Now().In(w.hcm).Truncate(time.Minute).Add(10 * time.Minute)

	// 1. the editor writes it
	browserSignIn(t, ctx, base, "editor", "mật khẩu biên tập viên", "", 0)
	step(t, ctx, "list", clickAndLoad(`nav a[href="/console/broadcasts"]`), chromedp.WaitVisible(chromedp.CSS("table.list")))
	step(t, ctx, "new", clickAndLoad(`a[href="/console/broadcasts/new"]`), chromedp.WaitVisible(chromedp.ID("text_vi")))
	// a first try with mistakes: the errors are next to their fields and what was typed stays
	step(t, ctx, "save with mistakes", chromedp.SendKeys(chromedp.ID("text_vi"), "Chào <b>{name}"),
		chromedp.SendKeys(chromedp.ID("at"), "mai lúc 8 giờ"), clickAndLoad(`button[value="save"]`),
		chromedp.WaitVisible(chromedp.ID("name-error")))
	if s := text(t, ctx, "#at-error"); !strings.Contains(s, "10/10/2026 08:00") {
		t.Fatalf("date error: %q", s)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("text_vi"))); v != "Chào <b>{name}" {
		t.Fatalf("typed text lost: %q", v)
	}
	shoot(t, ctx, dir, "broadcast-errors")
	step(t, ctx, "write", chromedp.SendKeys(chromedp.ID("name"), "Ngày Chuyển đổi số quốc gia"),
		chromedp.Clear(chromedp.ID("text_vi")),
		chromedp.SendKeys(chromedp.ID("text_vi"), "<b>Chào {name}!</b> Ngày 10/10 là Ngày Chuyển đổi số quốc gia. "+
			"Mời bạn cài VNeID và làm thủ tục trên Cổng dịch vụ công."),
		chromedp.SendKeys(chromedp.ID("button_text_vi"), "Dịch vụ công"),
		chromedp.SendKeys(chromedp.ID("button_url_vi"), "https://dichvucong.gov.vn"),
		chromedp.SendKeys(chromedp.ID("text_en"), "<b>Hello {name}!</b> 10 October is National Digital Transformation Day."),
		chromedp.Clear(chromedp.ID("at")),
		chromedp.SendKeys(chromedp.ID("at"), at.Format(DateLayout)))
	// the previews follow the typing: both channels, both languages, the name filled in
	waitJS(t, ctx, "previews", `document.querySelectorAll("#previews figure.phone").length === 4 &&
		document.querySelector('figure[data-channel="telegram"][data-lang="en"] .msg b') !== null &&
		document.querySelector('figure[data-channel="telegram"][data-lang="en"] .msg b').textContent === "Hello Lan!"`)
	if s := text(t, ctx, `figure[data-channel="testchan"][data-lang="vi"] .msg`); !strings.Contains(s, "Chào Lan! Ngày 10/10") ||
		!strings.Contains(s, "Dịch vụ công: https://dichvucong.gov.vn") {
		t.Fatalf("plain-text preview: %q", s)
	}
	// the place, by its former ward's name; the count follows the choice
	step(t, ctx, "find place", chromedp.SendKeys(chromedp.ID("place"), "Hang Bac"), clickAndLoad(`button[value="find"]`),
		chromedp.WaitVisible(chromedp.ID("add-phuong-hoan-kiem")))
	step(t, ctx, "choose place", chromedp.Click(chromedp.ID("add-phuong-hoan-kiem")))
	waitJS(t, ctx, "count", `document.getElementById("count").textContent.includes("52 người nhận")`)
	step(t, ctx, "only telegram", chromedp.Click(chromedp.ID("ch-telegram")))
	waitJS(t, ctx, "count by channel", `document.getElementById("count").textContent.includes("40 người nhận") &&
		document.querySelectorAll("#previews figure.phone").length === 2`)
	step(t, ctx, "both channels", chromedp.Click(chromedp.ID("ch-telegram")))
	waitJS(t, ctx, "count again", `document.getElementById("count").textContent.includes("52 người nhận") &&
		document.querySelectorAll("#previews figure.phone").length === 4`)
	shoot(t, ctx, dir, "broadcast-editor")
	step(t, ctx, "save", clickAndLoad(`button[value="save"]`), chromedp.WaitVisible(chromedp.CSS(".notice")))
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	id := loc[strings.LastIndex(loc, "/")+1:]

	// 2. a test to the editor's own Telegram, then submit
	step(t, ctx, "test send", clickAndLoad(`button[data-step="test"]`), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if got := w.tg.SentTo(staffTG); len(got) != 1 || !strings.Contains(got[0].Text, "Ngày 10/10 là Ngày Chuyển đổi số") {
		t.Fatalf("test send: %+v", got)
	}
	step(t, ctx, "submit", clickAndLoad(`button[data-step="submit"]`), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if n := js[int](t, ctx, `document.querySelectorAll('[data-step="approve"]').length`); n != 0 {
		t.Fatal("the editor sees an approve button")
	}
	if st := js[int](t, ctx, fmt.Sprintf(`fetch("/console/broadcasts/%s/approve", {method: "POST"}).then(r => r.status)`, id)); st != http.StatusForbidden {
		t.Fatalf("the approve URL answered the editor %d", st)
	}
	a11y(t, ctx, "broadcast-submitted")
	signOut(t, ctx)

	// 3. the approver: waiting list, approve, schedule
	browserSignIn(t, ctx, base, "approver", "mật khẩu phê duyệt viên", secret, 1)
	step(t, ctx, "waiting", chromedp.Navigate(base+"/console/broadcasts?status=submitted"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	shoot(t, ctx, dir, "broadcasts")
	step(t, ctx, "open", clickAndLoad(`table.list a[href="/console/broadcasts/`+id+`"]`), chromedp.WaitVisible(chromedp.CSS(`button[data-step="approve"]`)))
	waitJS(t, ctx, "recipients", `document.getElementById("count").textContent.includes("52")`)
	shoot(t, ctx, dir, "broadcast-review")
	step(t, ctx, "approve", clickAndLoad(`button[data-step="approve"]`), chromedp.WaitVisible(chromedp.CSS(`button[data-step="schedule"]`)))
	step(t, ctx, "schedule", clickAndLoad(`button[data-step="schedule"]`), chromedp.WaitVisible(chromedp.CSS("ol.next")))
	if s := text(t, ctx, "ol.next"); !strings.Contains(s, at.Format(DateLayout)) {
		t.Fatalf("next occurrence: %q, want %s", s, at.Format(DateLayout))
	}
	a11y(t, ctx, "broadcast-scheduled")

	// 4. it is due: the scheduler starts it (its clock at the send time)
	sched := &jobs.Scheduler{E: w.eng, Now: func() time.Time { return at.Add(time.Second) }}
	if err := sched.StartDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "run page", chromedp.Navigate(base+"/console/broadcasts/"+id+"/run"), chromedp.WaitVisible(chromedp.ID("live")))
	js[bool](t, ctx, `window.loaMark = "same page"; true`)
	waitJS(t, ctx, "going out", `Number((document.querySelector('[data-total="sent"]')||{}).textContent||"0") > 0`)
	shoot(t, ctx, dir, "run-live")
	waitJS(t, ctx, "done", `document.querySelector(".run-status").dataset.status === "done"`)
	if m := js[string](t, ctx, `window.loaMark || ""`); m != "same page" {
		t.Fatal("the run page reloaded instead of updating itself")
	}
	if s := text(t, ctx, `[data-total="sent"]`); s != "50" {
		t.Fatalf("sent: %q", s)
	}
	if s := text(t, ctx, `[data-total="blocked"]`); s != "2" {
		t.Fatalf("blocked: %q", s)
	}
	if n := js[int](t, ctx, `document.querySelectorAll("svg.chart rect.bar").length`); n == 0 {
		t.Fatal("no bars in the chart")
	}
	shoot(t, ctx, dir, "run-done")
	if got := w.tg.CountTo(tgChatBase + 1); got != 1 {
		t.Fatalf("resident 1 got %d messages", got)
	}

	// 5. the report
	raw := js[string](t, ctx, `fetch(document.getElementById("report").href).then(r => r.text())`)
	rows, err := csv.NewReader(strings.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 53 || strings.Join(rows[0], ",") != "subscriber_id,locality,locale,status,reason,attempts,updated_at,channel" {
		t.Fatalf("report: %d lines, header %v", len(rows), rows[0])
	}
	blocked, zalo := 0, 0
	for _, r := range rows[1:] {
		if r[3] == store.DeliveryBlocked {
			blocked++
		}
		if r[7] == testchan.Name && r[3] == store.DeliverySent {
			zalo++
		}
	}
	if blocked != 2 || zalo != 12 {
		t.Fatalf("report: %d blocked, %d sent on the test channel", blocked, zalo)
	}
}

// The yearly campaign and the role boundary: an admin writes 10 October
// 08:00 every year and submits it; under the two-person rule their own
// approve button is disabled with the reason; an editor sees no approve
// button and the URL refuses them; an approver approves and schedules it,
// and the page lists the next three occurrences in Hanoi time.
func TestBrowserYearlyCampaignAndRoles(t *testing.T) {
	ctx := browser(t)
	w := newWorld(t)
	dir := screenshotDir(t)
	_, adminSecret := addStaff(t, w.st, "Quản trị", store.RoleAdmin, "", "admin", "mật khẩu quản trị viên", true)
	addStaff(t, w.st, "Biên tập", store.RoleEditor, "", "editor", "mật khẩu biên tập viên", false)
	_, secret := addStaff(t, w.st, "Phê duyệt", store.RoleApprover, "", "approver", "mật khẩu phê duyệt viên", true)
	base := w.srv.URL

	browserSignIn(t, ctx, base, "admin", "mật khẩu quản trị viên", adminSecret, 1)
	step(t, ctx, "new", chromedp.Navigate(base+"/console/broadcasts/new"), chromedp.WaitVisible(chromedp.ID("text_vi")),
		chromedp.SendKeys(chromedp.ID("name"), "Ngày Chuyển đổi số 10/10 hằng năm"),
		chromedp.SendKeys(chromedp.ID("text_vi"), "<b>Hôm nay, 10/10, là Ngày Chuyển đổi số quốc gia.</b>"),
		chromedp.Click(chromedp.ID("sched-yearly")),
		chromedp.SendKeys(chromedp.ID("yday"), "10"), chromedp.SendKeys(chromedp.ID("ymonth"), "10"),
		chromedp.SendKeys(chromedp.ID("ytime"), "08:00"),
		clickAndLoad(`button[value="save"]`), chromedp.WaitVisible(chromedp.CSS(".notice")))
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	id := loc[strings.LastIndex(loc, "/")+1:]
	step(t, ctx, "submit", clickAndLoad(`button[data-step="submit"]`), chromedp.WaitVisible(chromedp.CSS(`button[data-step="approve"]`)))
	if d := js[bool](t, ctx, `document.querySelector('button[data-step="approve"]').disabled`); !d {
		t.Fatal("the author's approve button is enabled under the two-person rule")
	}
	if s := text(t, ctx, "#why-approve"); !strings.Contains(s, "Quy tắc hai người") {
		t.Fatalf("reason: %q", s)
	}
	// three occurrences, in Hanoi time, whatever the browser's zone
	sch := messages.Schedule{Yearly: &messages.Yearly{Month: 10, Day: 10, Hour: 8}, Timezone: messages.DefaultTimezone}
	want := nextOccurrences(sch, time.Now(), 3)
	got := text(t, ctx, "ol.next")
	for _, o := range want {
		if !strings.Contains(got, o.In(w.hcm).Format(DateLayout)) {
			t.Fatalf("next three %q lack %s", got, o.In(w.hcm).Format(DateLayout))
		}
	}
	shoot(t, ctx, dir, "broadcast-two-person")
	signOut(t, ctx)

	browserSignIn(t, ctx, base, "editor", "mật khẩu biên tập viên", "", 0)
	step(t, ctx, "editor view", chromedp.Navigate(base+"/console/broadcasts/"+id), chromedp.WaitVisible(chromedp.CSS("h1")))
	if n := js[int](t, ctx, `document.querySelectorAll('[data-step="approve"]').length`); n != 0 {
		t.Fatal("the editor sees an approve button")
	}
	// a hand-made form posting to the approve URL: the workflow refuses, the 403 page says so
	js[bool](t, ctx, fmt.Sprintf(`(() => { const f = document.createElement("form"); f.method = "post";
		f.action = "/console/broadcasts/%s/approve"; document.body.append(f); f.submit(); return true })()`, id))
	step(t, ctx, "refused", chromedp.WaitVisible(chromedp.CSS("p.alert")))
	if s := text(t, ctx, "p.alert"); !strings.Contains(s, "Vai trò của bạn không được") {
		t.Fatalf("editor at the approve URL: %q", s)
	}
	a11y(t, ctx, "broadcast-forbidden")
	signOut(t, ctx)

	browserSignIn(t, ctx, base, "approver", "mật khẩu phê duyệt viên", secret, 1)
	step(t, ctx, "approver", chromedp.Navigate(base+"/console/broadcasts/"+id), chromedp.WaitVisible(chromedp.CSS(`button[data-step="approve"]`)),
		clickAndLoad(`button[data-step="approve"]`), chromedp.WaitVisible(chromedp.CSS(`button[data-step="schedule"]`)),
		clickAndLoad(`button[data-step="schedule"]`), chromedp.WaitVisible(chromedp.CSS(`button[data-step="skip"]`)))
	if s := text(t, ctx, "dl.facts"); !strings.Contains(s, want[0].In(w.hcm).Format(DateLayout)) {
		t.Fatalf("next run: %q", s)
	}
	// the yearly ways back are there: skip, pause for the year (or why not), cancel
	for _, s := range []string{"skip", "pause-year", "cancel"} {
		if n := js[int](t, ctx, `document.querySelectorAll('[data-step="`+s+`"]').length`); n != 1 {
			t.Errorf("no %s button", s)
		}
	}
	shoot(t, ctx, dir, "broadcast-scheduled")
	step(t, ctx, "skip", clickAndLoad(`button[data-step="skip"]`), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if s := text(t, ctx, "dl.facts"); !strings.Contains(s, want[1].In(w.hcm).Format(DateLayout)) {
		t.Fatalf("after skip: %q", s)
	}
	step(t, ctx, "cancel", clickAndLoad(`button[data-step="cancel"]`), chromedp.WaitVisible(chromedp.CSS(`button[data-step="uncancel"]`)))
	step(t, ctx, "uncancel", clickAndLoad(`button[data-step="uncancel"]`), chromedp.WaitVisible(chromedp.CSS(`button[data-step="skip"]`)))
	step(t, ctx, "list", chromedp.Navigate(base+"/console/broadcasts"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	a11y(t, ctx, "broadcasts-en")
}
