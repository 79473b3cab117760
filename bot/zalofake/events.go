package zalofake

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Event names of the Bot Platform.
const (
	EventText        = "message.text.received"
	EventImage       = "message.image.received"
	EventSticker     = "message.sticker.received"
	EventUnsupported = "message.unsupported.received"
)

// User is a Zalo user writing to the bot in a private chat (chat id =
// user id, as the platform's samples show).
type User struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
}

// wire types: the event as the platform sends it.
type wireEvent struct {
	EventName string      `json:"event_name"`
	Message   wireMessage `json:"message"`
}

type wireMessage struct {
	From      wireFrom `json:"from"`
	Chat      wireChat `json:"chat"`
	Text      string   `json:"text,omitempty"`
	Photo     string   `json:"photo,omitempty"`
	Caption   string   `json:"caption,omitempty"`
	Sticker   string   `json:"sticker,omitempty"`
	URL       string   `json:"url,omitempty"`
	MessageID string   `json:"message_id"`
	Date      int64    `json:"date"` // milliseconds
}

type wireFrom struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	IsBot       bool   `json:"is_bot"`
}

type wireChat struct {
	ID       string `json:"id"`
	ChatType string `json:"chat_type"`
}

type event struct {
	id  string
	raw []byte // the event object, what "result" holds
}

// SendText injects a text message from u; it returns its message_id.
func (s *Server) SendText(u User, text string) string {
	return s.inject(u, EventText, func(m *wireMessage) { m.Text = text })
}

// SendImage injects a photo (its URL) with an optional caption from u.
func (s *Server) SendImage(u User, photoURL, caption string) string {
	return s.inject(u, EventImage, func(m *wireMessage) { m.Photo, m.Caption = photoURL, caption })
}

// SendSticker injects a sticker from u.
func (s *Server) SendSticker(u User, sticker, url string) string {
	return s.inject(u, EventSticker, func(m *wireMessage) { m.Sticker, m.URL = sticker, url })
}

// SendUnsupported injects what the platform sends instead of the content
// when the sender belongs to a protected group: the sender and chat are
// still in the event, which is why Loa must take care not to keep them.
func (s *Server) SendUnsupported(u User) string {
	return s.inject(u, EventUnsupported, func(*wireMessage) {})
}

func (s *Server) inject(u User, name string, fill func(*wireMessage)) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgSeq++
	id := messageID(s.msgSeq)
	m := wireMessage{From: wireFrom{ID: u.ID, DisplayName: u.DisplayName},
		Chat: wireChat{ID: u.ID, ChatType: "PRIVATE"}, MessageID: id, Date: time.Now().UnixMilli()}
	fill(&m)
	raw, _ := json.Marshal(wireEvent{EventName: name, Message: m}) // plain structs cannot fail
	s.chatLocked(u.ID).wrote = true
	s.injected[id] = raw
	s.injectLog = append(s.injectLog, id)
	if len(s.injectLog) > maxInjected {
		delete(s.injected, s.injectLog[0])
		s.injectLog = s.injectLog[1:]
	}
	s.queueLocked(event{id: id, raw: raw})
	return id
}

// Redeliver queues the event with messageID once more, byte for byte, as
// the platform does when it retries a delivery. It reports whether the
// event was known.
func (s *Server) Redeliver(messageID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	raw, ok := s.injected[messageID]
	if ok {
		s.queueLocked(event{id: messageID, raw: raw})
	}
	return ok
}

// Pending is how many events wait for getUpdates or the webhook.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events)
}

func (s *Server) queueLocked(e event) {
	s.events = append(s.events, e)
	s.wakeEventsLocked()
}

// maxPollTimeout caps getUpdates' timeout (the platform's is undocumented;
// its default is 30 s).
const maxPollTimeout = 60 * time.Second

// getUpdates answers one event, or 408 "Request timeout" when none came
// within timeout (what clients of the platform see, and ignore).
func (s *Server) getUpdates(ctx context.Context, p params) (any, *Fault) {
	timeout := 30 * time.Second
	if v := strings.TrimSpace(p.get("timeout")); v != "" {
		sec, err := strconv.ParseFloat(v, 64)
		if err != nil || sec < 0 {
			return nil, badRequest("timeout must be a number of seconds")
		}
		timeout = min(time.Duration(sec*float64(time.Second)), maxPollTimeout)
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if s.hook != nil {
			s.mu.Unlock()
			return nil, badRequest("getUpdates does not work while a webhook is set; call deleteWebhook first")
		}
		if len(s.events) > 0 {
			e := s.events[0]
			s.events = s.events[1:]
			s.mu.Unlock()
			return json.RawMessage(e.raw), nil
		}
		if s.closed {
			s.mu.Unlock()
			return nil, ServerError(http.StatusServiceUnavailable).ptr()
		}
		ch := s.evWait
		s.polling++
		s.mu.Unlock()
		select {
		case <-ch:
			s.donePolling()
		case <-timer.C:
			s.donePolling()
			return nil, &Fault{Code: http.StatusRequestTimeout, Description: "Request timeout"}
		case <-ctx.Done():
			s.donePolling()
			return nil, &Fault{Code: http.StatusRequestTimeout, Description: "Request timeout"}
		}
	}
}

func (s *Server) donePolling() {
	s.mu.Lock()
	s.polling--
	s.mu.Unlock()
}

// Polling is how many getUpdates calls are waiting for an event now.
func (s *Server) Polling() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polling
}
