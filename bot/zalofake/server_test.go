package zalofake

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRouting(t *testing.T) {
	s := New()
	defer s.Close()
	cases := []struct {
		name, method, path string
		want               int
	}{
		{"getMe by POST", http.MethodPost, "/bot" + s.Token() + "/getMe", 200},
		{"getMe by GET", http.MethodGet, "/bot" + s.Token() + "/getMe", 200},
		{"wrong token", http.MethodPost, "/bot1459232241454765289:wrong/getMe", 401},
		{"no token", http.MethodPost, "/bot/getMe", 404},
		{"wrong case", http.MethodPost, "/bot" + s.Token() + "/getme", 400},
		{"wrong case sendMessage", http.MethodPost, "/bot" + s.Token() + "/SendMessage", 400},
		{"unknown method", http.MethodPost, "/bot" + s.Token() + "/sendInvoice", 400},
		{"not a bot path", http.MethodGet, "/getMe", 404},
		{"nested path", http.MethodGet, "/bot" + s.Token() + "/a/getMe", 404},
		{"PUT", http.MethodPut, "/bot" + s.Token() + "/getMe", 405},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, s.URL()+c.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if code, _ := decode(t, resp); code != c.want {
				t.Errorf("%s %s = %d, want %d", c.method, c.path, code, c.want)
			}
		})
	}
}

func TestGetMeHasStringIDs(t *testing.T) {
	s := New()
	defer s.Close()
	_, a := call(t, s, "getMe", nil)
	var me map[string]any
	if err := json.Unmarshal(a.Result, &me); err != nil {
		t.Fatal(err)
	}
	if id, ok := me["id"].(string); !ok || id != "1459232241454765289" {
		t.Errorf("getMe id = %#v, want the string 1459232241454765289", me["id"])
	}
	if me["account_type"] != "BASIC" || me["can_join_groups"] != false {
		t.Errorf("getMe = %v", me)
	}
}

// TestParameterEncodings sends the same message in the four documented ways.
func TestParameterEncodings(t *testing.T) {
	s := New()
	defer s.Close()
	base := s.URL() + "/bot" + s.Token() + "/sendMessage"
	form := url.Values{"chat_id": {lan.ID}, "text": {"Xin chào & tạm biệt"}}
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	_ = mw.WriteField("chat_id", lan.ID)
	_ = mw.WriteField("text", "Xin chào & tạm biệt")
	_ = mw.Close()
	reqs := map[string]func() (*http.Response, error){
		"query GET":  func() (*http.Response, error) { return http.Get(base + "?" + form.Encode()) },
		"query POST": func() (*http.Response, error) { return http.Post(base+"?"+form.Encode(), "", nil) },
		"urlencoded": func() (*http.Response, error) { return http.PostForm(base, form) },
		"json": func() (*http.Response, error) {
			return http.Post(base, "application/json; charset=utf-8",
				strings.NewReader(`{"chat_id":"`+lan.ID+`","text":"Xin chào & tạm biệt"}`))
		},
		"multipart": func() (*http.Response, error) { return http.Post(base, mw.FormDataContentType(), &mp) },
	}
	for name, do := range reqs {
		resp, err := do()
		if err != nil {
			t.Fatal(err)
		}
		if code, a := decode(t, resp); code != 200 {
			t.Errorf("%s: %d %s", name, code, a.Description)
		}
	}
	for _, r := range s.SentTo(lan.ID) {
		if r.Text != "Xin chào & tạm biệt" {
			t.Errorf("recorded %q", r.Text)
		}
	}
	if n := s.CountTo(lan.ID); n != len(reqs) {
		t.Errorf("CountTo = %d, want %d", n, len(reqs))
	}
}

func TestSendMessageLength(t *testing.T) {
	s := New()
	defer s.Close()
	cases := []struct {
		name string
		text any
		want int
	}{
		{"one character", "a", 200},
		{"2000 Vietnamese letters", strings.Repeat("ệ", 2000), 200},
		{"2000 emoji count 2000 runes", strings.Repeat("😀", 2000), 200},
		{"2001 characters", strings.Repeat("a", 2001), 400},
		{"empty", "", 400},
		{"only spaces", "  \n ", 400},
		{"absent", nil, 400},
	}
	for _, c := range cases {
		body := map[string]any{"chat_id": lan.ID}
		if c.text != nil {
			body["text"] = c.text
		}
		if code, a := call(t, s, "sendMessage", body); code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, code, a.Description, c.want)
		}
	}
	if code, _ := call(t, s, "sendMessage", map[string]any{"text": "x"}); code != 400 {
		t.Errorf("no chat_id: %d, want 400", code)
	}
}

func TestSendMessageAnswer(t *testing.T) {
	s := New()
	defer s.Close()
	_, a := call(t, s, "sendMessage", map[string]any{"chat_id": lan.ID, "text": "Chào Lan"})
	var res struct {
		MessageID string `json:"message_id"`
		Date      int64  `json:"date"`
	}
	if err := json.Unmarshal(a.Result, &res); err != nil || res.MessageID == "" || res.Date < 1e12 {
		t.Errorf("result = %s (%v), want a string message_id and a date in ms", a.Result, err)
	}
}

func TestSendPhotoAndChatAction(t *testing.T) {
	s := New()
	defer s.Close()
	cases := []struct {
		name   string
		method string
		body   map[string]any
		want   int
	}{
		{"photo", "sendPhoto", map[string]any{"chat_id": lan.ID, "photo": "https://hanoi.gov.vn/a.jpg", "caption": "Ảnh"}, 200},
		{"photo without caption", "sendPhoto", map[string]any{"chat_id": lan.ID, "photo": "https://hanoi.gov.vn/a.jpg"}, 200},
		{"photo not a URL", "sendPhoto", map[string]any{"chat_id": lan.ID, "photo": "a.jpg"}, 400},
		{"caption too long", "sendPhoto", map[string]any{"chat_id": lan.ID, "photo": "https://x.vn/a.jpg", "caption": strings.Repeat("a", 2001)}, 400},
		{"typing", "sendChatAction", map[string]any{"chat_id": lan.ID, "action": "typing"}, 200},
		{"unknown action", "sendChatAction", map[string]any{"chat_id": lan.ID, "action": "dancing"}, 400},
		{"sticker", "sendSticker", map[string]any{"chat_id": lan.ID, "sticker": "0e078a2fb66a5f34067b"}, 200},
	}
	for _, c := range cases {
		if code, a := call(t, s, c.method, c.body); code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, code, a.Description, c.want)
		}
	}
	if n := s.CountTo(lan.ID); n != 3 {
		t.Errorf("CountTo = %d, want 3 (two photos and a sticker; chat actions are not messages)", n)
	}
	if got := s.SentTo(lan.ID)[0]; got.Photo != "https://hanoi.gov.vn/a.jpg" || got.Caption != "Ảnh" {
		t.Errorf("recorded %+v", got)
	}
}

func TestStrictChats(t *testing.T) {
	s := New(WithStrictChats())
	defer s.Close()
	if code, _ := call(t, s, "sendMessage", map[string]any{"chat_id": lan.ID, "text": "x"}); code != 400 {
		t.Errorf("send to a chat that never wrote = %d, want 400", code)
	}
	s.SendText(lan, "hi")
	if code, _ := call(t, s, "sendMessage", map[string]any{"chat_id": lan.ID, "text": "x"}); code != 200 {
		t.Errorf("send after the user wrote = %d, want 200", code)
	}
}

func TestRecordLimitPerChat(t *testing.T) {
	s := New(WithRecordLimit(2))
	defer s.Close()
	for _, text := range []string{"1", "2", "3"} {
		call(t, s, "sendMessage", map[string]any{"chat_id": lan.ID, "text": text})
	}
	call(t, s, "sendMessage", map[string]any{"chat_id": "other", "text": "x"})
	got := s.SentTo(lan.ID)
	if len(got) != 2 || got[0].Text != "2" || got[1].Text != "3" {
		t.Errorf("SentTo = %+v, want the last two", got)
	}
	if s.CountTo(lan.ID) != 3 || s.Count() != 4 || len(s.Sent()) != 3 {
		t.Errorf("CountTo = %d, Count = %d, Sent = %d", s.CountTo(lan.ID), s.Count(), len(s.Sent()))
	}
}
