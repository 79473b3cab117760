package tgfake

import (
	"encoding/json"
	"net/url"
	"strings"
)

// Button is one keyboard button as the bot sent it.
type Button struct {
	Text           string `json:"text"`
	CallbackData   string `json:"callback_data,omitempty"`
	URL            string `json:"url,omitempty"`
	RequestContact bool   `json:"request_contact,omitempty"` // reply-keyboard buttons only
}

// Markup is a parsed reply_markup: inline keyboard rows, or a reply
// keyboard, or a request to remove the reply keyboard.
type Markup struct {
	Inline         [][]Button
	Keyboard       [][]Button
	RemoveKeyboard bool
}

type rawMarkup struct {
	InlineKeyboard [][]map[string]json.RawMessage `json:"inline_keyboard"`
	Keyboard       [][]json.RawMessage            `json:"keyboard"`
	RemoveKeyboard bool                           `json:"remove_keyboard"`
}

// parseMarkup reads reply_markup (a JSON string in a form field) and
// applies Telegram's button checks.
func parseMarkup(s string) (*Markup, *Fault) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var raw rawMarkup
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	m := &Markup{RemoveKeyboard: raw.RemoveKeyboard}
	for _, row := range raw.InlineKeyboard {
		out := make([]Button, 0, len(row))
		for _, fields := range row {
			b, f := inlineButton(fields)
			if f != nil {
				return nil, f
			}
			out = append(out, b)
		}
		m.Inline = append(m.Inline, out)
	}
	for _, row := range raw.Keyboard {
		out := make([]Button, 0, len(row))
		for _, rb := range row {
			out = append(out, replyButton(rb))
		}
		m.Keyboard = append(m.Keyboard, out)
	}
	return m, nil
}

// inlineButton checks one inline button. An empty copy_text object counts
// as absent: go-telegram/bot sends "copy_text":{"text":""} on every button.
func inlineButton(fields map[string]json.RawMessage) (Button, *Fault) {
	var b Button
	_ = json.Unmarshal(fields["text"], &b.Text)
	actions := 0
	for k, v := range fields {
		switch k {
		case "text":
		case "callback_data":
			if json.Unmarshal(v, &b.CallbackData) != nil || len(b.CallbackData) == 0 || len(b.CallbackData) > 64 {
				return b, badRequest("BUTTON_DATA_INVALID")
			}
			actions++
		case "url":
			if json.Unmarshal(v, &b.URL) != nil || !validButtonURL(b.URL) {
				return b, badRequest("BUTTON_URL_INVALID")
			}
			actions++
		case "copy_text":
			var ct struct{ Text string }
			if json.Unmarshal(v, &ct) == nil && ct.Text != "" {
				actions++
			}
		default:
			actions++ // web_app, login_url, switch_inline_query*, pay, ...
		}
	}
	if strings.TrimSpace(b.Text) == "" {
		return b, badRequest("BUTTON_TEXT_INVALID")
	}
	if actions == 0 {
		return b, badRequest("text buttons are unallowed in the inline keyboard")
	}
	return b, nil
}

func validButtonURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "tg":
		return true
	}
	return false
}

// replyButton accepts both forms Telegram takes: a bare string or an object.
func replyButton(raw json.RawMessage) Button {
	var b Button
	if json.Unmarshal(raw, &b.Text) == nil {
		return b
	}
	var obj struct {
		Text           string `json:"text"`
		RequestContact bool   `json:"request_contact"`
	}
	_ = json.Unmarshal(raw, &obj)
	b.Text, b.RequestContact = obj.Text, obj.RequestContact
	return b
}

// wire converts the inline part back to what Telegram echoes in a Message.
func (m *Markup) wire() *wireMarkup {
	if m == nil || len(m.Inline) == 0 {
		return nil
	}
	out := &wireMarkup{InlineKeyboard: make([][]wireButton, len(m.Inline))}
	for i, row := range m.Inline {
		out.InlineKeyboard[i] = make([]wireButton, len(row))
		for j, b := range row {
			out.InlineKeyboard[i][j] = wireButton{Text: b.Text, CallbackData: b.CallbackData, URL: b.URL}
		}
	}
	return out
}

// Buttons lists the inline buttons in reading order (nil-safe).
func (m *Markup) Buttons() []Button {
	if m == nil {
		return nil
	}
	var out []Button
	for _, row := range m.Inline {
		out = append(out, row...)
	}
	return out
}
