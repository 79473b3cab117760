package console

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/loa-vn/loa/store"
)

// waitJS waits until a JavaScript expression is true.
func signInBrowser(t *testing.T, ctx context.Context, base, login, password, secret string) {
	t.Helper()
	step(t, ctx, "sign-in page", chromedp.Navigate(base+"/console/sign-in"), chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), login), chromedp.SendKeys(chromedp.ID("password"), password),
		clickAndLoad("button.primary"))
	if secret != "" {
		step(t, ctx, "code", chromedp.WaitVisible(chromedp.ID("code")), chromedp.SendKeys(chromedp.ID("code"), code(t, secret, 1)),
			clickAndLoad("button.primary"))
	}
	step(t, ctx, "home", chromedp.WaitVisible(chromedp.CSS("ul.cards")))
}

func csvFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// An agency manager imports a list: the dry run shows every bad line, the
// corrected file is imported with its progress, the members list shows
// them, and another agency's URL is refused.
func TestBrowserManagerImport(t *testing.T) {
	ctx := browser(t)
	st, srv := testConsole(t)
	dir := screenshotDir(t)
	addStaff(t, st, "Đỗ Thu Hà", store.RoleAgencyManager, "so-khcn-ha-noi", "manager", "mật khẩu quản lý sở", false)
	signInBrowser(t, ctx, srv.URL, "manager", "mật khẩu quản lý sở", "")

	step(t, ctx, "members", clickAndLoad(`nav a[href="/console/members"]`), chromedp.WaitVisible(chromedp.CSS("table.list")))
	shoot(t, ctx, dir, "agencies")
	step(t, ctx, "agency", clickAndLoad(`a[href="/console/members/so-khcn-ha-noi"]`), chromedp.WaitVisible(chromedp.ID("members")))
	step(t, ctx, "import page", clickAndLoad(`a[href="/console/members/so-khcn-ha-noi/import"]`), chromedp.WaitVisible(chromedp.ID("file")))
	shoot(t, ctx, dir, "import")
	step(t, ctx, "bad file", chromedp.SetUploadFiles(chromedp.ID("file"), []string{csvFile(t, "danh-sach.csv", badMembersCSV)}),
		clickAndLoad("button.primary"), chromedp.WaitVisible(chromedp.ID("bad-lines")))
	table := text(t, ctx, "#bad-lines tbody")
	for _, want := range []string{"Họ tên để trống", "Không phải số di động", "Trùng số điện thoại với dòng 2", "Không tìm thấy phường/xã"} {
		if !strings.Contains(table, want) {
			t.Errorf("dry-run table lacks %q: %q", want, table)
		}
	}
	if n := text(t, ctx, "#lines-bad"); n != "4" {
		t.Errorf("bad lines: %q", n)
	}
	shoot(t, ctx, dir, "import-bad-lines")
	step(t, ctx, "upload again", clickAndLoad("a.button.primary"), chromedp.WaitVisible(chromedp.ID("file")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{csvFile(t, "danh-sach.csv", goodMembersCSV)}),
		clickAndLoad("button.primary"), chromedp.WaitVisible(chromedp.ID("do-import")))
	if n := text(t, ctx, "#dry-added"); n != "3" {
		t.Fatalf("dry run would add %q", n)
	}
	shoot(t, ctx, dir, "import-check")
	step(t, ctx, "import", clickAndLoad("#do-import"), chromedp.WaitVisible(chromedp.CSS("#import-status")))
	// the page follows the import by itself until it is done
	waitJS(t, ctx, "import done", `!!document.getElementById("import-result")`)
	if s := text(t, ctx, "#import-result"); !strings.Contains(s, "Thêm mới 3") {
		t.Fatalf("import result: %q", s)
	}
	shoot(t, ctx, dir, "import-done")
	step(t, ctx, "members list", clickAndLoad("#to-members"), chromedp.WaitVisible(chromedp.ID("members")))
	list := text(t, ctx, "#members tbody")
	for _, want := range []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn <b>Cường</b>"} {
		if !strings.Contains(list, want) {
			t.Errorf("members list lacks %q: %q", want, list)
		}
	}
	shoot(t, ctx, dir, "members")

	// invite links with their QR code, and the message form
	step(t, ctx, "invites", clickAndLoad(`a[href="/console/members/so-khcn-ha-noi/invites"]`), chromedp.WaitVisible(chromedp.ID("days")),
		clickAndLoad("form.filters button"), chromedp.WaitVisible(chromedp.CSS("img.qr-big")))
	waitJS(t, ctx, "QR loaded", `document.querySelector("img.qr-big").naturalWidth === 512`)
	shoot(t, ctx, dir, "invites")
	step(t, ctx, "revoke", clickAndLoad("button.danger"), chromedp.WaitVisible(chromedp.CSS(".tag.off")))
	step(t, ctx, "message", chromedp.Navigate(srv.URL+"/console/members/so-khcn-ha-noi/message"), chromedp.WaitVisible(chromedp.ID("text_vi")),
		clickAndLoad("button.primary"), chromedp.WaitVisible(chromedp.ID("name-error")))
	shoot(t, ctx, dir, "message-errors")

	// the URL of another agency is refused
	step(t, ctx, "another agency", chromedp.Navigate(srv.URL+"/console/members/cong-an-tp-ha-noi"), chromedp.WaitVisible(chromedp.CSS(".alert")))
	if s := text(t, ctx, ".alert"); !strings.Contains(s, "không thuộc phạm vi của bạn") {
		t.Fatalf("another agency: %q", s)
	}
	a11y(t, ctx, "members-outside")
}

// The inbox masks numbers; a group becomes an entry, with the bot's answer
// previewed live as the curator types.
func TestBrowserFAQInbox(t *testing.T) {
	ctx := browser(t)
	st, srv := testConsole(t)
	dir := screenshotDir(t)
	addStaff(t, st, "Phan Minh Châu", store.RoleEditor, "", "editor", "mật khẩu biên tập", false)
	logUnanswered(t, st, "Làm lại căn cước ở đâu? số tôi 0912 345 678", "làm lại căn cước ở đâu", "Làm lại căn cước ở đâu")
	signInBrowser(t, ctx, srv.URL, "editor", "mật khẩu biên tập", "")
	step(t, ctx, "faq", clickAndLoad(`nav a[href="/console/faq"]`), chromedp.WaitVisible(chromedp.CSS("table.list")))
	shoot(t, ctx, dir, "faq")
	step(t, ctx, "inbox", clickAndLoad(`a[href="/console/faq/inbox"]`), chromedp.WaitVisible(chromedp.ID("inbox")))
	inbox := text(t, ctx, "#inbox tbody")
	if strings.Contains(inbox, "345 678") || !strings.Contains(inbox, "Làm lại căn cước ở đâu") || !strings.Contains(inbox, "3 lần") {
		t.Fatalf("inbox: %q", inbox)
	}
	shoot(t, ctx, dir, "faq-inbox")
	step(t, ctx, "make entry", clickAndLoad("#inbox button"), chromedp.WaitVisible(chromedp.ID("answer")))
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("questions"))); !strings.Contains(v, "Làm lại căn cước ở đâu") || strings.Contains(v, "345 678") {
		t.Fatalf("questions from the group: %q", v)
	}
	step(t, ctx, "type", chromedp.SendKeys(chromedp.ID("key"), "lam-lai-can-cuoc"), chromedp.SendKeys(chromedp.ID("topic"), "giay-to"),
		chromedp.SendKeys(chromedp.ID("source"), "Bộ Công an"), chromedp.SendKeys(chromedp.ID("answer"), "Tại <b>Công an</b> phường nơi bạn ở."))
	// the live preview: the bot's own text, what was typed shown as text
	waitJS(t, ctx, "live preview", `(document.getElementById("preview-telegram")||{}).textContent?.includes("Tại <b>Công an</b> phường nơi bạn ở.") &&
		document.querySelector("#preview-telegram i")?.textContent === "Nguồn: Bộ Công an"`)
	shoot(t, ctx, dir, "faq-edit")
	step(t, ctx, "save", clickAndLoad(`button[value="save"]`), chromedp.WaitVisible(chromedp.CSS(".notice")))
	e, err := st.FAQByKey(context.Background(), "lam-lai-can-cuoc", "vi")
	if err != nil || e.Answer != "Tại <b>Công an</b> phường nơi bạn ở." {
		t.Fatalf("entry: %+v %v", e, err)
	}
}

// An admin filters the audit log by who and what, and sees the queues.
func TestBrowserAuditLog(t *testing.T) {
	ctx := browser(t)
	st, srv := testConsole(t)
	dir := screenshotDir(t)
	_, secret := addStaff(t, st, "Trần Thị Minh", store.RoleAdmin, "", "admin", "mật khẩu thật dài", true)
	ed, _ := addStaff(t, st, "Phan Minh Châu", store.RoleEditor, "", "editor", "mật khẩu biên tập", false)
	if _, err := st.CreateFAQ(context.Background(), store.StaffActor(ed.ID, ""), store.FAQInput{Key: "mot", Locale: "vi", Topic: "chung",
		Questions: []string{"một?"}, Answer: "Một.", Source: "Loa"}); err != nil {
		t.Fatal(err)
	}
	signInBrowser(t, ctx, srv.URL, "admin", "mật khẩu thật dài", secret)
	step(t, ctx, "audit", clickAndLoad(`nav a[href="/console/audit"]`), chromedp.WaitVisible(chromedp.ID("audit")))
	all := text(t, ctx, "#audit tbody")
	if !strings.Contains(all, "faq.create") || !strings.Contains(all, "staff.console_sign_in") {
		t.Fatalf("audit log: %q", all)
	}
	step(t, ctx, "filter who", chromedp.SendKeys(chromedp.ID("who"), "editor"), clickAndLoad("form.filters button"),
		chromedp.WaitVisible(chromedp.ID("audit")))
	if rows := text(t, ctx, "#audit tbody"); !strings.Contains(rows, "faq.create") || strings.Contains(rows, "console_sign_in") {
		t.Fatalf("who=editor: %q", rows)
	}
	shoot(t, ctx, dir, "audit")
	step(t, ctx, "filter what", chromedp.Clear(chromedp.ID("who")), chromedp.SendKeys(chromedp.ID("action"), "staff"),
		clickAndLoad("form.filters button"), chromedp.WaitVisible(chromedp.ID("audit")))
	if rows := text(t, ctx, "#audit tbody"); strings.Contains(rows, "faq.create") || !strings.Contains(rows, "staff.create") {
		t.Fatalf("action=staff: %q", rows)
	}
	step(t, ctx, "bad date", chromedp.SendKeys(chromedp.ID("from"), "hôm qua"), clickAndLoad("form.filters button"),
		chromedp.WaitVisible(chromedp.ID("from-error")))
	a11y(t, ctx, "audit-errors")
	step(t, ctx, "queues", clickAndLoad(`nav a[href="/console/queues"]`), chromedp.WaitVisible(chromedp.ID("queues")))
	shoot(t, ctx, dir, "queues")
}

// The session expires while an editor writes an entry: after signing in
// again the form is back as they left it, and nothing was saved for them.
func TestBrowserSessionExpiryRestoresForm(t *testing.T) {
	ctx := browser(t)
	st, srv := testConsole(t)
	addStaff(t, st, "Phan Minh Châu", store.RoleEditor, "", "editor", "mật khẩu biên tập", false)
	signInBrowser(t, ctx, srv.URL, "editor", "mật khẩu biên tập", "")
	step(t, ctx, "new entry", chromedp.Navigate(srv.URL+"/console/faq/new"), chromedp.WaitVisible(chromedp.ID("answer")),
		chromedp.SendKeys(chromedp.ID("key"), "gio-lam-viec"), chromedp.SendKeys(chromedp.ID("topic"), "chung"),
		chromedp.SendKeys(chromedp.ID("questions"), "Mấy giờ mở cửa?"), chromedp.SendKeys(chromedp.ID("answer"), "Từ 8 giờ đến 17 giờ."))
	if _, err := st.DB().Exec(`DELETE FROM console_sessions`); err != nil { // the session expires
		t.Fatal(err)
	}
	step(t, ctx, "save after expiry", clickAndLoad(`button[value="save"]`), chromedp.WaitVisible(chromedp.ID("login")))
	if s := text(t, ctx, ".notice"); !strings.Contains(s, "biểu mẫu sẽ hiện lại") {
		t.Fatalf("sign-in notice: %q", s)
	}
	a11y(t, ctx, "sign-in-restore")
	step(t, ctx, "sign in again", chromedp.SendKeys(chromedp.ID("login"), "editor"), chromedp.SendKeys(chromedp.ID("password"), "mật khẩu biên tập"),
		clickAndLoad("button.primary"), chromedp.WaitVisible(chromedp.ID("answer")))
	for id, want := range map[string]string{"key": "gio-lam-viec", "topic": "chung", "questions": "Mấy giờ mở cửa?", "answer": "Từ 8 giờ đến 17 giờ."} {
		if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID(id))); v != want {
			t.Errorf("%s after sign-in: %q, want %q", id, v, want)
		}
	}
	if s := text(t, ctx, ".notice"); !strings.Contains(s, "Chưa có gì được gửi") {
		t.Fatalf("restored notice: %q", s)
	}
	if _, err := st.FAQByKey(context.Background(), "gio-lam-viec", "vi"); err == nil {
		t.Fatal("the form was submitted for them")
	}
	step(t, ctx, "now save", chromedp.SendKeys(chromedp.ID("source"), "UBND phường"), clickAndLoad(`button[value="save"]`),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	if _, err := st.FAQByKey(context.Background(), "gio-lam-viec", "vi"); err != nil {
		t.Fatalf("saved by the editor: %v", err)
	}
}
