package zalofake

import (
	"context"
	"sort"
	"time"
)

// Sent is one accepted send, as the bot asked for it.
type Sent struct {
	Seq       int64 // global acceptance order (the sandbox cursor)
	Method    string
	ChatID    string
	MessageID string
	Text      string // sendMessage
	Photo     string // sendPhoto: the photo URL
	Caption   string // sendPhoto
	Sticker   string // sendSticker
	Time      time.Time
}

// Visible is what the resident sees of a send.
func (r Sent) Visible() string {
	switch r.Method {
	case "sendPhoto":
		if r.Caption != "" {
			return "[photo " + r.Photo + "] " + r.Caption
		}
		return "[photo " + r.Photo + "]"
	case "sendSticker":
		return "[sticker " + r.Sticker + "]"
	}
	return r.Text
}

// SentTo returns the kept sends to one chat (the last WithRecordLimit of
// them), oldest first.
func (s *Server) SentTo(chatID string) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sentToLocked(chatID, 0)
}

func (s *Server) sentToLocked(chatID string, after int64) []Sent {
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	var out []Sent
	for _, r := range c.sent {
		if r.Seq > after {
			out = append(out, r)
		}
	}
	return out
}

// Sent returns every kept send, in acceptance order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, c := range s.chats {
		out = append(out, c.sent...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// Count is how many sends were accepted, recorded or not.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// CountTo is how many sends a chat received, recorded or not.
func (s *Server) CountTo(chatID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chats[chatID]; c != nil {
		return c.total
	}
	return 0
}

// Calls is how many requests a method received, failed ones included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Statuses copies the count of answers per HTTP status.
func (s *Server) Statuses() map[int]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[int]int, len(s.statuses))
	for k, v := range s.statuses {
		out[k] = v
	}
	return out
}

// Reset forgets sends and counters (chats stay known, message ids keep
// increasing).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count, s.tooMany, s.delivered, s.hookErrors = 0, 0, 0, 0
	s.calls = make(map[string]int)
	s.statuses = make(map[int]int)
	for _, c := range s.chats {
		c.sent, c.total = nil, 0
	}
}

// WaitSent waits until chatID has received n sends in total and returns
// its kept records; when ctx ends first it returns them with ctx.Err().
func (s *Server) WaitSent(ctx context.Context, chatID string, n int) ([]Sent, error) {
	for {
		s.mu.Lock()
		total := 0
		if c := s.chats[chatID]; c != nil {
			total = c.total
		}
		if total >= n || s.closed {
			out := s.sentToLocked(chatID, 0)
			s.mu.Unlock()
			return out, nil
		}
		ch := s.sentWait
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return s.SentTo(chatID), ctx.Err()
		}
	}
}
