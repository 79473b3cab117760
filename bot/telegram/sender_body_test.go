package telegram

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/loa-vn/loa/bot/channel"
)

// sendRequest is the struct the hand-written body replaced: the reference
// appendBody must agree with.
type sendRequest struct {
	ChatID             int64           `json:"chat_id"`
	Text               string          `json:"text,omitempty"`
	Photo              string          `json:"photo,omitempty"`
	Caption            string          `json:"caption,omitempty"`
	ParseMode          string          `json:"parse_mode"`
	LinkPreview        *linkPreview    `json:"link_preview_options,omitempty"`
	ReplyMarkup        *inlineKeyboard `json:"reply_markup,omitempty"`
	AllowPaidBroadcast bool            `json:"allow_paid_broadcast,omitempty"`
}

type linkPreview struct {
	IsDisabled bool `json:"is_disabled"`
}

type inlineKeyboard struct {
	InlineKeyboard [][]urlButton `json:"inline_keyboard"`
}

type urlButton struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

func reference(paid bool, chatID int64, p channel.Part) (string, sendRequest) {
	r := sendRequest{ChatID: chatID, ParseMode: "HTML", AllowPaidBroadcast: paid}
	if p.ButtonText != "" && p.ButtonURL != "" {
		r.ReplyMarkup = &inlineKeyboard{InlineKeyboard: [][]urlButton{{{Text: p.ButtonText, URL: p.ButtonURL}}}}
	}
	if p.PhotoURL != "" {
		r.Photo, r.Caption = p.PhotoURL, p.Text
		return "sendPhoto", r
	}
	r.Text, r.LinkPreview = p.Text, &linkPreview{IsDisabled: true}
	return "sendMessage", r
}

func checkBody(t *testing.T, paid bool, chatID int64, p channel.Part) {
	t.Helper()
	s := &Sender{paid: paid}
	method, body, err := s.appendBody(nil, chatID, p)
	valid := utf8.ValidString(p.Text) && utf8.ValidString(p.PhotoURL) // the button is written only whole
	if p.ButtonText != "" && p.ButtonURL != "" {
		valid = valid && utf8.ValidString(p.ButtonText) && utf8.ValidString(p.ButtonURL)
	}
	if err != nil || !valid {
		if err == nil || valid {
			t.Fatalf("appendBody(%+v): error %v, but the part's UTF-8 is valid: %v", p, err, valid)
		}
		return // invalid UTF-8: Send reports it as a failed part
	}
	wantMethod, want := reference(paid, chatID, p)
	var got sendRequest
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body %s is not JSON: %v", body, err)
	}
	if method != wantMethod || !reflect.DeepEqual(got, want) {
		t.Fatalf("appendBody(%+v) = %s %s, want %s %+v", p, method, body, wantMethod, want)
	}
}

func TestAppendBodyMatchesTheMarshalledRequest(t *testing.T) {
	parts := []channel.Part{
		{Text: "<b>10/10</b> là Ngày Chuyển đổi số quốc gia"},
		{Text: "Xem \"ngay\"\n\t\\ & <a href=\"https://x.vn/?a=1&b=2\">link</a> 🇻🇳", ButtonText: "Mở", ButtonURL: "https://dichvucong.gov.vn/p?a=1&b=\"2\""},
		{Text: "chú thích", PhotoURL: "https://example.org/a.png"},
		{Text: "", PhotoURL: "https://example.org/a.png", ButtonText: "Xem", ButtonURL: "https://x.vn"},
		{Text: "only a button text", ButtonText: "Xem"},
		{Text: "\u2028\u2029\x00\x1f"},
	}
	for _, paid := range []bool{false, true} {
		for _, p := range parts {
			checkBody(t, paid, -1001234567890, p)
		}
	}
}

func FuzzAppendBody(f *testing.F) {
	f.Add(int64(1), "<b>x</b>", "", "Xem", "https://x.vn", false)
	f.Add(int64(-100), "\"\\\n", "https://p.vn/a.png", "", "", true)
	f.Fuzz(func(t *testing.T, chatID int64, text, photo, btn, url string, paid bool) {
		checkBody(t, paid, chatID, channel.Part{Text: text, PhotoURL: photo, ButtonText: btn, ButtonURL: url})
	})
}

func TestNetReasonCutsTheToken(t *testing.T) {
	s := &Sender{token: "123456:SECRETSECRET"}
	got := s.netReason(errors.New(`POST "http://127.0.0.1:1/bot123456:SECRETSECRET/sendMessage": refused`))
	if strings.Contains(got, "SECRET") || !strings.Contains(got, "refused") {
		t.Fatalf("netReason = %q", got)
	}
}
