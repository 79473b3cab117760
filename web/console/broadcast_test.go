package console

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/loa-vn/loa/bot/testchan"
	"github.com/loa-vn/loa/store"
)

// dtd is the Digital Transformation Day campaign as the editor types it.
func dtdForm(at string) url.Values {
	return url.Values{
		"name":           {"Ngày Chuyển đổi số quốc gia 10/10"},
		"text_vi":        {"<b>Chào {name}!</b> Ngày 10/10 là Ngày Chuyển đổi số quốc gia. Mời bạn cài VNeID và dùng dịch vụ công trực tuyến."},
		"button_text_vi": {"Dịch vụ công"},
		"button_url_vi":  {"https://dichvucong.gov.vn"},
		"text_en":        {"<b>Hello {name}!</b> 10 October is National Digital Transformation Day."},
		"locality":       {"phuong-hoan-kiem"},
		"sched":          {"once"},
		"at":             {at},
		"action":         {"save"},
	}
}

func idOf(t testing.TB, loc string) string {
	t.Helper()
	m := regexp.MustCompile(`^/console/broadcasts/(\d+)$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("redirect to %q, want a broadcast page", loc)
	}
	return m[1]
}

// The broadcast pages over HTTP, without JavaScript: the editor's form keeps
// what was typed and says what is wrong in Vietnamese; the previews show both
// channels in both languages with the name filled in; the editor sees no
// approve button and the approve URL refuses them; the approver approves.
func TestBroadcastPagesWithoutJS(t *testing.T) {
	testchan.New() // a second, Zalo-like channel is registered
	st, srv := testConsole(t)
	ctx := context.Background()
	loc, err := st.LocalityByCode(ctx, "phuong-hoan-kiem")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.GenerateSubscribers(ctx, store.Generated{N: 5, ChatIDBase: 9000, Localities: []int64{loc.ID}, Prefix: "h"}); err != nil {
		t.Fatal(err)
	}
	addStaff(t, st, "Biên tập", store.RoleEditor, "", "editor", "mật khẩu biên tập", false)
	_, secret := addStaff(t, st, "Phê duyệt", store.RoleApprover, "", "approver", "mật khẩu phê duyệt", true)
	ed := signIn(t, srv.URL, "editor", "mật khẩu biên tập", "")

	resp, body := get(t, ed, srv.URL+"/console/broadcasts/new")
	if resp.StatusCode != 200 {
		t.Fatalf("new: %d %s", resp.StatusCode, body)
	}
	// mistakes: no name, bad HTML, a date that cannot be read; HTML in the name shown as text
	bad := dtdForm("10-10-2026")
	bad.Set("name", "")
	bad.Set("text_vi", "Chào <b>{name}")
	bad.Set("button_text_en", "<script>alert(1)</script>")
	resp, body = post(t, ed, srv.URL+"/console/broadcasts/new", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Viết ngày giờ như 10/10/2026 08:00") {
		t.Fatalf("bad date: %d %s", resp.StatusCode, body)
	}
	bad.Set("at", "10/10/2030 08:00")
	resp, body = post(t, ed, srv.URL+"/console/broadcasts/new", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", resp.StatusCode)
	}
	for _, want := range []string{"Nhập tên đợt gửi.", "Telegram không nhận định dạng này", `id="name-error"`, `id="text_vi-error"`,
		"&lt;script&gt;alert(1)&lt;/script&gt;", "Chào &lt;b&gt;{name}", `value="10/10/2030 08:00"`} {
		if !strings.Contains(body, want) {
			t.Errorf("bad form lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>alert(1)") {
		t.Fatal("typed HTML came back as HTML")
	}
	// the count button and the place search, without JavaScript
	f := dtdForm("10/10/2030 08:00")
	f.Set("action", "count")
	_, body = post(t, ed, srv.URL+"/console/broadcasts/new", f)
	if !strings.Contains(body, "5 người nhận") {
		t.Errorf("count: %s", body)
	}
	f.Set("action", "find")
	f.Set("place", "hang bac")
	_, body = post(t, ed, srv.URL+"/console/broadcasts/new", f)
	if !strings.Contains(body, "Hàng Bạc") {
		t.Errorf("place search by a former ward: %s", body)
	}
	// save
	resp, body = post(t, ed, srv.URL+"/console/broadcasts/new", dtdForm("10/10/2030 08:00"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, body)
	}
	id := idOf(t, resp.Header.Get("Location"))
	resp, body = get(t, ed, srv.URL+"/console/broadcasts/"+id)
	if resp.StatusCode != 200 {
		t.Fatalf("view: %d %s", resp.StatusCode, body)
	}
	for _, want := range []string{`data-channel="telegram" data-lang="vi"`, `data-channel="testchan" data-lang="vi"`,
		`data-channel="telegram" data-lang="en"`, `data-channel="testchan" data-lang="en"`, "<b>Chào Lan!</b>",
		"Chào Lan! Ngày 10/10", "Dịch vụ công: https://dichvucong.gov.vn", "10/10/2030 08:00"} {
		if !strings.Contains(body, want) {
			t.Errorf("view lacks %q", want)
		}
	}
	if strings.Contains(body, `data-step="approve"`) {
		t.Fatal("the editor sees an approve button")
	}
	resp, _ = post(t, ed, srv.URL+"/console/broadcasts/"+id+"/submit", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	resp, body = post(t, ed, srv.URL+"/console/broadcasts/"+id+"/approve", nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Vai trò của bạn không được") {
		t.Fatalf("editor approves: %d %s", resp.StatusCode, body)
	}
	ap := signIn(t, srv.URL, "approver", "mật khẩu phê duyệt", secret)
	_, body = get(t, ap, srv.URL+"/console/broadcasts?status=submitted")
	if !strings.Contains(body, "Ngày Chuyển đổi số quốc gia 10/10") {
		t.Fatalf("waiting list: %s", body)
	}
	_, body = get(t, ap, srv.URL+"/console/broadcasts/"+id)
	if !strings.Contains(body, `data-step="approve"`) || !strings.Contains(body, "Gửi duyệt lần đầu") {
		t.Fatalf("approver's view: %s", body)
	}
	resp, body = post(t, ap, srv.URL+"/console/broadcasts/"+id+"/reject", url.Values{"reason": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="reason-error"`) {
		t.Fatalf("reject without reason: %d", resp.StatusCode)
	}
	resp, _ = post(t, ap, srv.URL+"/console/broadcasts/"+id+"/reject", url.Values{"reason": {"Thêm nút bằng tiếng Anh"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: %d", resp.StatusCode)
	}
	// the editor fixes it and submits again: the approver sees what changed
	f = dtdForm("10/10/2030 08:00")
	f.Set("button_text_en", "Public services")
	f.Set("button_url_en", "https://dichvucong.gov.vn")
	f.Set("text_en", "<b>Hello {name}!</b> 10 October is Vietnam's National Digital Transformation Day.")
	resp, body = post(t, ed, srv.URL+"/console/broadcasts/"+id+"/edit", f)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", resp.StatusCode, body)
	}
	post(t, ed, srv.URL+"/console/broadcasts/"+id+"/submit", nil)
	_, body = get(t, ap, srv.URL+"/console/broadcasts/"+id)
	for _, want := range []string{"Thay đổi so với lần gửi duyệt trước", "<ins>Vietnam&#39;s </ins>", "<ins>Public services</ins>"} {
		if !strings.Contains(body, want) {
			t.Errorf("diff lacks %q", want)
		}
	}
	resp, _ = post(t, ap, srv.URL+"/console/broadcasts/"+id+"/approve", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	resp, _ = post(t, ap, srv.URL+"/console/broadcasts/"+id+"/schedule", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("schedule: %d", resp.StatusCode)
	}
	_, body = get(t, ap, srv.URL+"/console/broadcasts/"+id)
	if !strings.Contains(body, "Đã lên lịch") || !strings.Contains(body, "10/10/2030 08:00") {
		t.Fatalf("scheduled: %s", body)
	}
}
