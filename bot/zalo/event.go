package zalo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// MessageKind is what a resident sent.
type MessageKind string

// Message kinds, one per event name the platform documents.
const (
	KindText        MessageKind = "text"
	KindImage       MessageKind = "image"
	KindSticker     MessageKind = "sticker"
	KindUnsupported MessageKind = "unsupported"
)

// Event is one incoming message, channel-neutral: what Loa's conversations
// need and nothing more (no photo or sticker URL, no caption).
//
// For KindUnsupported the platform withheld the content because the sender
// belongs to a protected group; the law says such a message must not be
// stored. The Event then carries ChatID only, so that the generic reply
// can be sent: UserID, Name and Text are empty, and ChatID must be used for
// that reply and nothing else (never stored, never logged).
type Event struct {
	Channel   string // always "zalo"
	MessageID string // the platform's message_id, the deduplication key
	Kind      MessageKind
	UserID    string // the sender's Zalo id (personal data)
	ChatID    string // where replies go; in a private chat, the user id
	Name      string // display name (personal data)
	Text      string // KindText only
	Group     bool   // chat_type GROUP ("coming soon" on the platform)
	Date      time.Time
}

// GenericReplyDue reports whether the only thing to do is the generic
// reply to a withheld (unsupported) message.
func (e Event) GenericReplyDue() bool { return e.Kind == KindUnsupported }

// LogValue keeps personal data out of logs even when an Event is logged
// whole by mistake.
func (e Event) LogValue() slog.Value {
	return slog.GroupValue(slog.String("channel", e.Channel), slog.String("kind", string(e.Kind)))
}

// errIgnored marks an event Loa has no use for (an unknown event name, a
// message without the fields every message has): answered 200, dropped.
var errIgnored = errors.New("zalo: event ignored")

type wireEvent struct {
	EventName string `json:"event_name"`
	Message   *struct {
		From struct {
			ID          string `json:"id"`
			DisplayName string `json:"display_name"`
			IsBot       bool   `json:"is_bot"`
		} `json:"from"`
		Chat struct {
			ID       string `json:"id"`
			ChatType string `json:"chat_type"`
		} `json:"chat"`
		Text      string `json:"text"`
		MessageID string `json:"message_id"`
		Date      int64  `json:"date"` // milliseconds
	} `json:"message"`
}

// parseEvent reads one event, bare or in the {"ok":true,"result":…}
// envelope webhook deliveries use.
func parseEvent(raw []byte) (Event, error) {
	raw = bytes.TrimSpace(raw)
	var env struct {
		Result    json.RawMessage `json:"result"`
		EventName *string         `json:"event_name"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return Event{}, fmt.Errorf("zalo: event: %w", err)
	}
	if env.EventName == nil && len(env.Result) > 0 {
		raw = env.Result
	}
	var w wireEvent
	if err := json.Unmarshal(raw, &w); err != nil {
		return Event{}, fmt.Errorf("zalo: event: %w", err)
	}
	kind, ok := kinds[w.EventName]
	if !ok || w.Message == nil || w.Message.MessageID == "" || w.Message.Chat.ID == "" {
		return Event{}, errIgnored
	}
	m := w.Message
	e := Event{Channel: Name, MessageID: m.MessageID, Kind: kind, ChatID: m.Chat.ID,
		Group: m.Chat.ChatType == "GROUP", Date: time.UnixMilli(m.Date)}
	if kind == KindUnsupported {
		return e, nil // the sender's data stays here
	}
	if m.From.IsBot {
		return Event{}, errIgnored
	}
	e.UserID, e.Name = m.From.ID, m.From.DisplayName
	if kind == KindText {
		e.Text = m.Text
	}
	return e, nil
}

var kinds = map[string]MessageKind{
	"message.text.received":        KindText,
	"message.image.received":       KindImage,
	"message.sticker.received":     KindSticker,
	"message.unsupported.received": KindUnsupported,
}
