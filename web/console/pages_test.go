package console

import (
	"bytes"
	"context"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/locales"
	"github.com/loa-vn/loa/members"
	"github.com/loa-vn/loa/store"
)

// The message ids the member, FAQ, audit and queue pages build at run time
// (a reason code, a phase) exist in both languages.
func TestLocaleDynamicIDs(t *testing.T) {
	cat, err := l10n.LoadSet(locales.FS, "console", nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range []string{members.BadColumns, members.BadNameEmpty, members.BadNameLong, members.BadNameInvisible,
		members.BadPositionLong, members.BadPositionHidden, members.BadPhoneEmpty, members.BadPhoneChars, members.BadPhoneLength,
		members.BadPhoneLandline, members.BadPhoneCountry, members.BadPhoneDuplicate, members.BadLocality, members.BadLocalityMany,
		members.BadLocalitySplit} {
		ids = append(ids, "import_bad_"+c)
	}
	for _, c := range []string{"not_utf8", "no_header", "duplicate_column", "missing_columns", "no_members", "syntax", "bare_quote", "open_quote"} {
		ids = append(ids, "import_file_"+c)
	}
	for _, c := range []string{"name", "phone", "position", "locality"} {
		ids = append(ids, "import_column_"+c)
	}
	for _, c := range []string{phaseCheck, phaseCopy, phaseMerge} {
		ids = append(ids, "import_phase_"+c)
	}
	for _, c := range []string{"key", "key_taken", "locale", "topic", "question_empty", "question_long", "questions", "answer", "source", "related"} {
		ids = append(ids, "faq_err_"+c)
	}
	for _, k := range []string{store.ActorStaff, store.ActorCLI, store.ActorSystem} {
		ids = append(ids, "audit_actor_"+k)
	}
	ids = append(ids, "faq_now_"+store.FAQActive, "faq_now_"+store.FAQRetired)
	// every literal id of the field templates' callers
	re := regexp.MustCompile(`\.Field "[a-z_]+" "([a-z_]+)" "([a-z_]*)"`)
	files, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			ids = append(ids, m[1])
			if m[2] != "" {
				ids = append(ids, m[2])
			}
		}
	}
	for _, id := range ids {
		for _, lang := range l10n.Langs {
			if !cat.Has(lang, id) {
				t.Errorf("%s: no message %q", lang, id)
			}
		}
	}
}

// upload posts a file as the import form does.
func upload(t testing.TB, c *http.Client, u, name, content string) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, u, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return do(t, c, req)
}

// waitImport follows an import's status page until it is done.
func waitImport(t testing.TB, c *http.Client, u string) string {
	t.Helper()
	for i := 0; i < 600; i++ {
		_, body := get(t, c, u)
		if !strings.Contains(body, `data-running="1"`) {
			return body
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the import did not finish")
	return ""
}

const badMembersCSV = "họ tên,số điện thoại,chức vụ,phường/xã\n" +
	"Nguyễn Văn An,0912 345 678,Chuyên viên,\n" +
	",0987654321,,\n" + // line 3: no name
	"Trần Thị Bình,024 3825 1234,,\n" + // line 4: landline
	"Lê Văn Cường,0912345678,,\n" + // line 5: same phone as line 2
	"Phạm Thị Dung,0977123456,,Phường Không Có\n" // line 6: unknown ward

const goodMembersCSV = "họ tên,số điện thoại,chức vụ\n" +
	"Nguyễn Văn An,0912 345 678,Chuyên viên\n" +
	"Trần Thị Bình,0987 654 321,Trưởng phòng\n" +
	"Lê Văn <b>Cường</b>,+84 977 123 456,\n"

func TestManagerImportAndScope(t *testing.T) {
	st, srv := testConsole(t)
	addStaff(t, st, "Quản lý Sở", store.RoleAgencyManager, "so-khcn-ha-noi", "manager", "mật khẩu quản lý sở", false)
	c := signIn(t, srv.URL, "manager", "mật khẩu quản lý sở", "")
	base := srv.URL + "/console/members/so-khcn-ha-noi"

	// the manager's agencies: theirs and the one below it, no other
	_, body := get(t, c, srv.URL+"/console/members")
	if !strings.Contains(body, "so-tttt-ha-noi-cu") || strings.Contains(body, "cong-an-tp-ha-noi") {
		t.Fatalf("agency list: %s", body)
	}
	if resp, body := get(t, c, srv.URL+"/console/members/cong-an-tp-ha-noi"); resp.StatusCode != http.StatusForbidden ||
		!strings.Contains(body, "không thuộc phạm vi") {
		t.Fatalf("another agency: %d", resp.StatusCode)
	}
	if resp, _ := upload(t, c, srv.URL+"/console/members/cong-an-tp-ha-noi/import", "a.csv", goodMembersCSV); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("import into another agency: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, srv.URL+"/console/members/so-tttt-ha-noi-cu"); resp.StatusCode != 200 {
		t.Fatalf("sub-agency: %d", resp.StatusCode)
	}

	// bad lines: every one, with its number and reason; nothing imported
	resp, body := upload(t, c, base+"/import", "ds.csv", badMembersCSV)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: %d %s", resp.StatusCode, body)
	}
	for _, want := range []string{">3<", "Họ tên để trống", ">4<", "Không phải số di động", ">5<", "Trùng số điện thoại với dòng 2",
		">6<", "Không tìm thấy phường/xã &#34;Phường Không Có&#34;", `id="lines-bad">4<`} {
		if !strings.Contains(body, want) {
			t.Errorf("dry run lacks %q", want)
		}
	}
	if strings.Contains(body, `id="do-import"`) {
		t.Fatal("an import button with bad lines")
	}
	// too large: a clear message
	resp, body = upload(t, c, base+"/import", "big.csv", "name,phone\n"+strings.Repeat("x", members.MaxCSVBytes))
	if resp.StatusCode < 400 || !strings.Contains(body, "lớn hơn 32 MB") {
		t.Fatalf("too large: %d", resp.StatusCode)
	}

	// a good file: the dry run's counts, then the import, then the list
	resp, body = upload(t, c, base+"/import", "ds.csv", goodMembersCSV)
	if resp.StatusCode != 200 || !strings.Contains(body, `id="dry-added">3<`) {
		t.Fatalf("good file: %d %s", resp.StatusCode, body)
	}
	action := regexp.MustCompile(`action="(/console/members/so-khcn-ha-noi/import/\d+)"`).FindStringSubmatch(body)
	if action == nil {
		t.Fatal("no import form")
	}
	resp, _ = post(t, c, srv.URL+action[1], url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d", resp.StatusCode)
	}
	body = waitImport(t, c, srv.URL+resp.Header.Get("Location"))
	if !strings.Contains(body, "Thêm mới 3, cập nhật 0") {
		t.Fatalf("import result: %s", body)
	}
	// a second click imports nothing twice
	if resp, _ := post(t, c, srv.URL+action[1], url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second click: %d", resp.StatusCode)
	}
	_, body = get(t, c, base)
	for _, want := range []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn &lt;b&gt;Cường&lt;/b&gt;", "3 thành viên", "…678"} {
		if !strings.Contains(body, want) {
			t.Errorf("member list lacks %q", want)
		}
	}
	if strings.Contains(body, "0912") {
		t.Error("a whole phone number on the member list")
	}
}

func TestInvitesAndMessage(t *testing.T) {
	st, srv := testConsole(t)
	addStaff(t, st, "Quản lý Sở", store.RoleAgencyManager, "so-khcn-ha-noi", "manager", "mật khẩu quản lý sở", false)
	c := signIn(t, srv.URL, "manager", "mật khẩu quản lý sở", "")
	base := srv.URL + "/console/members/so-khcn-ha-noi"
	if resp, body := post(t, c, base+"/invites", url.Values{"days": {"0"}}); resp.StatusCode != 422 || !strings.Contains(body, "từ 1 đến 365") {
		t.Fatalf("bad days: %d", resp.StatusCode)
	}
	if resp, _ := post(t, c, base+"/invites", url.Values{"days": {"30"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create invite: %d", resp.StatusCode)
	}
	_, body := get(t, c, base+"/invites")
	qr := regexp.MustCompile(`src="(/console/members/so-khcn-ha-noi/invites/(\d+)/qr.png)"`).FindStringSubmatch(body)
	if qr == nil || !strings.Contains(body, "https://t.me/") {
		t.Fatalf("invite page: %s", body)
	}
	if resp, _ := get(t, c, srv.URL+qr[1]); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("qr: %d", resp.StatusCode)
	}
	if resp, _ := post(t, c, base+"/invites/"+qr[2]+"/revoke", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, srv.URL+qr[1]); resp.StatusCode != http.StatusGone {
		t.Fatalf("revoked qr: %d", resp.StatusCode)
	}
	// another agency's invite through this agency's path: not found
	if resp, _ := get(t, c, srv.URL+"/console/members/so-tttt-ha-noi-cu/invites/"+qr[2]+"/qr.png"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("invite under another agency: %d", resp.StatusCode)
	}

	// message my members: a draft bound to the agency, through the workflow
	if resp, body := post(t, c, base+"/message", url.Values{"name": {""}, "text_vi": {""}}); resp.StatusCode != 422 ||
		!strings.Contains(body, "Nhập tên tin nhắn") {
		t.Fatalf("empty message: %d", resp.StatusCode)
	}
	if resp, body := post(t, c, base+"/message", url.Values{"name": {"hop-thang-10"}, "text_vi": {"Chào {name}, họp lúc 8 giờ."}, "at": {time.Now().Add(48 * time.Hour).In(hanoi).Format(DateLayout)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("message: %d %s", resp.StatusCode, regexp.MustCompile(`field-error[^<]*<`).FindAllString(body, -1))
	}
	var n int
	if err := st.DB().GetContext(context.Background(), &n, `SELECT count(*) FROM broadcasts b JOIN agencies a ON a.id = b.agency_id
		WHERE b.name = 'hop-thang-10' AND a.code = 'so-khcn-ha-noi' AND b.status = 'draft'`); err != nil || n != 1 {
		t.Fatalf("drafts bound to the agency: %d %v", n, err)
	}
}

var hanoi, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

// logUnanswered records residents' questions the bot could not answer.
func logUnanswered(t testing.TB, st *store.Store, questions ...string) {
	t.Helper()
	for _, q := range questions {
		if _, err := st.LogQuestion(context.Background(), store.Question{Locale: "vi", Question: q,
			Normalized: "lam lai can cuoc o dau", Outcome: "fallback"}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFAQInboxMaskedAndEntryFromGroup(t *testing.T) {
	st, srv := testConsole(t)
	addStaff(t, st, "Biên tập", store.RoleEditor, "", "editor", "mật khẩu biên tập", false)
	logUnanswered(t, st, "Làm lại căn cước ở đâu? số tôi 0912 345 678", "làm lại căn cước ở đâu", "Làm lại căn cước ở đâu")
	c := signIn(t, srv.URL, "editor", "mật khẩu biên tập", "")
	_, body := get(t, c, srv.URL+"/console/faq/inbox")
	if strings.Contains(body, "345 678") || strings.Contains(body, "0912") {
		t.Fatalf("a phone number unmasked in the inbox: %s", body)
	}
	if !strings.Contains(body, "3 lần") {
		t.Fatalf("no count: %s", body)
	}
	hash := regexp.MustCompile(`name="group" value="([0-9a-f]+)"`).FindStringSubmatch(body)
	if hash == nil {
		t.Fatal("no group form")
	}
	resp, body := post(t, c, srv.URL+"/console/faq/new", url.Values{"group": {hash[1]}, "step": {"start"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "Làm lại căn cước ở đâu") || strings.Contains(body, "345 678") {
		t.Fatalf("editor from the group: %d %s", resp.StatusCode, body)
	}
	// the preview is the bot's answer, what staff typed shown as text
	resp, body = post(t, c, srv.URL+"/console/faq/new", url.Values{"group": {hash[1]}, "action": {"preview"}, "locale": {"vi"},
		"key": {"lam-lai-can-cuoc"}, "topic": {"giay-to"}, "answer": {"Tại <b>Công an</b> phường."}, "source": {"Bộ Công an"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "Tại &lt;b&gt;Công an&lt;/b&gt; phường.") || !strings.Contains(body, "<i>Nguồn: Bộ Công an</i>") {
		t.Fatalf("preview: %d %s", resp.StatusCode, body)
	}
	// errors next to their fields, what was typed kept
	resp, body = post(t, c, srv.URL+"/console/faq/new", url.Values{"group": {hash[1]}, "locale": {"vi"}, "key": {"Sai Mã"}, "answer": {"x"}})
	if resp.StatusCode != 422 || !strings.Contains(body, `id="key-error"`) || !strings.Contains(body, `value="Sai Mã"`) || !strings.Contains(body, `id="source-error"`) {
		t.Fatalf("invalid entry: %d", resp.StatusCode)
	}
	resp, _ = post(t, c, srv.URL+"/console/faq/new", url.Values{"group": {hash[1]}, "locale": {"vi"}, "key": {"lam-lai-can-cuoc"},
		"topic": {"giay-to"}, "questions": {"Cấp lại căn cước"}, "answer": {"Tại Công an phường."}, "source": {"Bộ Công an"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/faq/lam-lai-can-cuoc/vi" {
		t.Fatalf("create from group: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	e, err := st.FAQByKey(context.Background(), "lam-lai-can-cuoc", "vi")
	if err != nil {
		t.Fatal(err)
	}
	if e.Questions[0] != "Cấp lại căn cước" || len(e.Questions) < 2 || strings.Contains(strings.Join(e.Questions, " "), "345 678") {
		t.Fatalf("questions: %q", e.Questions)
	}
	// the fragment the editor's script asks for
	resp, body = post(t, c, srv.URL+"/console/faq/preview", url.Values{"locale": {"en"}, "answer": {"At the ward police."}, "source": {"MPS"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "<i>Source: MPS</i>") || strings.Contains(body, "<html") {
		t.Fatalf("preview fragment: %d %s", resp.StatusCode, body)
	}
	// viewers and approvers are not curators
	addStaff(t, st, "Xem", store.RoleViewer, "", "viewer", "mật khẩu người xem", false)
	v := signIn(t, srv.URL, "viewer", "mật khẩu người xem", "")
	if resp, _ := get(t, v, srv.URL+"/console/faq/inbox"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer inbox: %d", resp.StatusCode)
	}
}

func TestAuditFilters(t *testing.T) {
	st, srv := testConsole(t)
	_, secret := addStaff(t, st, "Quản trị", store.RoleAdmin, "", "admin", "mật khẩu thật dài", true)
	ed, _ := addStaff(t, st, "Biên tập", store.RoleEditor, "", "editor", "mật khẩu biên tập", false)
	ctx := context.Background()
	if _, err := st.CreateFAQ(ctx, store.StaffActor(ed.ID, ""), store.FAQInput{Key: "mot", Locale: "vi", Topic: "chung",
		Questions: []string{"một?"}, Answer: "Một.", Source: "Loa"}); err != nil {
		t.Fatal(err)
	}
	c := signIn(t, srv.URL, "admin", "mật khẩu thật dài", secret)
	_, body := get(t, c, srv.URL+"/console/audit?who=editor")
	if !strings.Contains(body, "faq.create") || strings.Contains(body, "staff.console_sign_in") {
		t.Fatalf("who=editor: %s", body)
	}
	_, body = get(t, c, srv.URL+"/console/audit?action=staff")
	if strings.Contains(body, "faq.create") || !strings.Contains(body, "staff.create") {
		t.Fatalf("action=staff: %s", body)
	}
	today := time.Now().In(hanoi).Format("02/01/2006")
	_, body = get(t, c, srv.URL+"/console/audit?from="+url.QueryEscape(today)+"&to="+url.QueryEscape(today))
	if !strings.Contains(body, "faq.create") {
		t.Fatalf("today: %s", body)
	}
	_, body = get(t, c, srv.URL+"/console/audit?to=01/01/2020")
	if strings.Contains(body, "faq.create") {
		t.Fatalf("before 2020: %s", body)
	}
	resp, body := get(t, c, srv.URL+"/console/audit?who=nobody.here&from=hôm+qua")
	if resp.StatusCode != 422 || !strings.Contains(body, "Không có nhân viên này") || !strings.Contains(body, "Viết ngày dạng") {
		t.Fatalf("bad filters: %d", resp.StatusCode)
	}
	e := signIn(t, srv.URL, "editor", "mật khẩu biên tập", "")
	if resp, _ := get(t, e, srv.URL+"/console/audit"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("editor audit: %d", resp.StatusCode)
	}
	if resp, body := get(t, c, srv.URL+"/console/queues"); resp.StatusCode != 200 || !strings.Contains(body, "Không đọc được hàng đợi") {
		t.Fatalf("queues without an inspector: %d", resp.StatusCode)
	}
}

// A form posted after the session expired comes back after signing in,
// filled in, and nothing was saved meanwhile.
func TestSessionExpiryKeepsForm(t *testing.T) {
	st, srv := testConsole(t)
	addStaff(t, st, "Biên tập", store.RoleEditor, "", "editor", "mật khẩu biên tập", false)
	c := signIn(t, srv.URL, "editor", "mật khẩu biên tập", "")
	if _, err := st.DB().Exec(`DELETE FROM console_sessions`); err != nil { // the session expires
		t.Fatal(err)
	}
	form := url.Values{"locale": {"vi"}, "key": {"gio-lam-viec"}, "topic": {"chung"}, "questions": {"Mấy giờ mở cửa?\nGiờ làm việc"},
		"answer": {"Từ 8 giờ đến 17 giờ."}, "source": {"UBND phường"}, "password": {"không giữ"}}
	resp, _ := post(t, c, srv.URL+"/console/faq/new", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/sign-in" {
		t.Fatalf("expired post: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := get(t, c, srv.URL+"/console/sign-in"); !strings.Contains(body, "biểu mẫu sẽ hiện lại") {
		t.Fatalf("sign-in page does not say the form is kept: %s", body)
	}
	resp, _ = post(t, c, srv.URL+"/console/sign-in", url.Values{"login": {"editor"}, "password": {"mật khẩu biên tập"}})
	next := resp.Header.Get("Location")
	if !strings.HasPrefix(next, "/console/faq/new?restore=") {
		t.Fatalf("after sign-in: %s", next)
	}
	_, body := get(t, c, srv.URL+next)
	for _, want := range []string{`value="gio-lam-viec"`, "Mấy giờ mở cửa?\nGiờ làm việc</textarea>", "Từ 8 giờ đến 17 giờ.", "Chưa có gì được gửi"} {
		if !strings.Contains(body, want) {
			t.Errorf("restored form lacks %q", want)
		}
	}
	if strings.Contains(body, "không giữ") {
		t.Error("a password field was kept")
	}
	if _, err := st.FAQByKey(context.Background(), "gio-lam-viec", "vi"); err == nil {
		t.Fatal("the form was submitted for them")
	}
	// once only
	if _, again := get(t, c, srv.URL+next); strings.Contains(again, `value="gio-lam-viec"`) {
		t.Fatal("restored twice")
	}
}
