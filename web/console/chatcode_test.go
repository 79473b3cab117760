package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// fakeChat records what the console sends to staff chats.
type fakeChat struct {
	mu   sync.Mutex
	sent map[string][]string
}

func (f *fakeChat) Send(_ context.Context, to string, p channel.Part) channel.Outcome {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent[to] = append(f.sent[to], p.Text)
	return channel.Outcome{Kind: channel.Sent}
}

func (f *fakeChat) last(to string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sent[to]) == 0 {
		return ""
	}
	return f.sent[to][len(f.sent[to])-1]
}

// An approver whose Telegram is linked signs in with a code the bot sends
// there instead of an authenticator app: once, rate-limited.
func TestSecondFactorByChat(t *testing.T) {
	st := storetest.NewSeeded(t)
	chat := &fakeChat{sent: map[string][]string{}}
	var h http.Handler = http.NotFoundHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	c, err := New(Deps{Store: st, BaseURL: srv.URL, SessionCleanup: -1, Chat: chat})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	h = c
	ctx := context.Background()
	ap, _ := addStaff(t, st, "Duyệt", store.RoleApprover, "", "approver", "mật khẩu người duyệt", false)
	linkCode, _, err := st.CreateLinkCode(ctx, store.CLIActor, ap.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RedeemLinkCode(ctx, linkCode, 777001); err != nil {
		t.Fatal(err)
	}

	cl := client(t)
	resp, _ := post(t, cl, srv.URL+"/console/sign-in", url.Values{"login": {"approver"}, "password": {"mật khẩu người duyệt"}})
	if loc := resp.Header.Get("Location"); loc != "/console/sign-in/code" {
		t.Fatalf("a linked approver without TOTP is sent to %q", loc)
	}
	_, body := get(t, cl, srv.URL+"/console/sign-in/code")
	if !strings.Contains(body, `action="/console/sign-in/code/chat"`) {
		t.Fatalf("no send button: %s", body)
	}
	resp, _ = post(t, cl, srv.URL+"/console/sign-in/code/chat", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", resp.StatusCode)
	}
	msg := chat.last("777001")
	code := regexp.MustCompile(`<b>(\d{6})</b>`).FindStringSubmatch(msg)
	if code == nil {
		t.Fatalf("message: %q", msg)
	}
	if _, body := get(t, cl, srv.URL+"/console/sign-in/code"); !strings.Contains(body, "Đã gửi mã đến Telegram") {
		t.Fatal("no notice that the code was sent")
	}
	wrong := "000000"
	if code[1] == wrong {
		wrong = "111111"
	}
	if resp, _ := post(t, cl, srv.URL+"/console/sign-in/code", url.Values{"code": {wrong}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("wrong code: %d", resp.StatusCode)
	}
	resp, _ = post(t, cl, srv.URL+"/console/sign-in/code", url.Values{"code": {code[1]}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/" {
		t.Fatalf("right code: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := get(t, cl, srv.URL+"/console/"); resp.StatusCode != 200 {
		t.Fatalf("home after the chat code: %d", resp.StatusCode)
	}
	// the same code a second time is refused
	c2 := client(t)
	post(t, c2, srv.URL+"/console/sign-in", url.Values{"login": {"approver"}, "password": {"mật khẩu người duyệt"}})
	if resp, _ := post(t, c2, srv.URL+"/console/sign-in/code", url.Values{"code": {code[1]}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("code used twice: %d", resp.StatusCode)
	}
	// three codes per quarter hour
	for i := 0; i < 2; i++ {
		post(t, c2, srv.URL+"/console/sign-in/code/chat", nil)
	}
	resp, body = post(t, c2, srv.URL+"/console/sign-in/code/chat", nil)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Đã gửi đủ số mã") {
		t.Fatalf("fourth code: %d", resp.StatusCode)
	}
	if n := len(chat.sent["777001"]); n != 3 {
		t.Fatalf("%d codes sent", n)
	}
}
