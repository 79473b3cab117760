package api_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/invite"
	"github.com/loa-vn/loa/web/api"
)

// With Zalo on, an invite also carries the Zalo bot's link, its QR code and
// the text the resident sends there (a Zalo link carries no payload): the
// same signed payload as the Telegram link.
func TestInviteHasAZaloLinkBesideTelegram(t *testing.T) {
	e := newEnv(t, func(d *api.Deps) { d.ZaloBotID = "1459232241454765289" })
	var inv struct {
		ID        int64  `json:"id"`
		URL       string `json:"url"`
		ZaloURL   string `json:"zalo_url"`
		ZaloText  string `json:"zalo_text"`
		ZaloQRURL string `json:"zalo_qr_url"`
	}
	e.must(e.call("manager", "POST", "/api/v1/agencies/so-a-phong/invites", nil), 201).json(t, &inv)
	if inv.ZaloURL != "https://zalo.me/1459232241454765289" {
		t.Errorf("zalo_url %q", inv.ZaloURL)
	}
	payload, ok := strings.CutPrefix(inv.ZaloText, "/start ")
	if got, err := invite.Verify(testKey, payload, time.Now()); !ok || err != nil || got.ID != inv.ID {
		t.Fatalf("zalo_text %q: %+v %v", inv.ZaloText, got, err)
	}
	if !strings.HasSuffix(inv.URL, "?start="+payload) {
		t.Errorf("the Telegram link %q and the Zalo text %q carry different payloads", inv.URL, inv.ZaloText)
	}
	qr := e.must(e.call("manager", "GET", inv.ZaloQRURL, nil), 200)
	if !bytes.HasPrefix(qr.Body, []byte("\x89PNG")) {
		t.Fatal("zalo qr is not a PNG")
	}
	e.must(e.call("manager", "GET", strings.Replace(inv.ZaloQRURL, "zalo", "viber", 1), nil), 400)

	off := newEnv(t)
	var plain map[string]any
	off.must(off.call("manager", "POST", "/api/v1/agencies/so-a-phong/invites", nil), 201).json(t, &plain)
	if _, ok := plain["zalo_url"]; ok {
		t.Error("a zalo_url with Zalo off")
	}
}
