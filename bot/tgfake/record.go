package tgfake

import (
	"context"
	"time"
)

// Sent is one accepted send or edit, as the bot asked for it.
type Sent struct {
	Seq                int64 // global acceptance order (the sandbox cursor)
	Method             string
	ChatID             int64
	MessageID          int
	Text               string // text as sent (HTML and all); empty for photos
	Plain              string // what the user sees: text or caption after parsing
	ParseMode          string
	Markup             *Markup
	Photo              string // URL/file_id, or "upload:<filename>"
	Caption            string // caption as sent
	Document           string // sendDocument: file_id, URL or "upload:<filename>"
	DocumentData       []byte // an uploaded document's bytes (up to 1 MiB)
	AllowPaidBroadcast bool
	Time               time.Time
}

// Buttons lists the inline buttons of the message in reading order.
func (s Sent) Buttons() []Button { return s.Markup.Buttons() }

// recordLocked books an accepted send/edit: counters always, the record
// itself depending on the recording mode.
func (s *Server) recordLocked(c *chat, rec Sent, isSend bool) {
	s.seq++
	s.count++
	rec.Seq = s.seq
	c.total++
	if isSend {
		s.countSendLocked(c, rec)
	}
	switch {
	case s.recordLimit < 0:
		s.records = append(s.records, rec)
	case s.recordLimit > 0 && len(s.records) < s.recordLimit:
		s.records = append(s.records, rec)
	case s.recordLimit > 0:
		s.records[s.ringNext] = rec
		s.ringNext = (s.ringNext + 1) % s.recordLimit
	}
	s.wakeSentLocked()
}

// countSendLocked does distinct-chat and duplicate-text accounting.
func (s *Server) countSendLocked(c *chat, rec Sent) {
	if rec.AllowPaidBroadcast {
		s.paidSent++
	}
	h := contentHash(rec.Text, rec.Photo, rec.Caption)
	c.sends++
	if c.sends == 1 {
		s.reached++
		c.hash = h
		return
	}
	seen := h == c.hash
	for _, x := range c.hashes {
		seen = seen || x == h
	}
	switch {
	case seen && !c.dup:
		c.dup = true
		s.dupChats++
	case !seen && len(c.hashes) < maxHashes:
		c.hashes = append(c.hashes, h)
	}
}

// contentHash is FNV-1a over the parts that make two sends "the same".
func contentHash(parts ...string) uint64 {
	h := uint64(14695981039346656037)
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			h ^= uint64(p[i])
			h *= 1099511628211
		}
		h ^= 0xff
		h *= 1099511628211
	}
	return h
}

// Sent returns the kept records, oldest first.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recordsLocked(func(Sent) bool { return true })
}

// SentTo returns the kept records for one chat, oldest first.
func (s *Server) SentTo(chatID int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recordsLocked(func(r Sent) bool { return r.ChatID == chatID })
}

func (s *Server) recordsLocked(keep func(Sent) bool) []Sent {
	var out []Sent
	n := len(s.records)
	for i := 0; i < n; i++ {
		r := s.records[(s.ringNext+i)%n]
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// Count is how many sends and edits were accepted, recorded or not.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// CountTo is how many sends and edits a chat received.
func (s *Server) CountTo(chatID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chats[chatID]; c != nil {
		return c.total
	}
	return 0
}

// Duplicates is how many chats received the same content more than once.
func (s *Server) Duplicates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dupChats
}

// DistinctChats is how many chats received at least one send.
func (s *Server) DistinctChats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reached
}

// PaidCount is how many sends carried allow_paid_broadcast.
func (s *Server) PaidCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paidSent
}

// Calls is how many requests a method received (including failed ones).
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// CallCounts copies the per-method request counters.
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// Reset forgets what was sent and every counter; chats keep their
// identity (seen, blocked, message ids keep increasing), like Telegram.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recordLimit > 0 {
		s.records = s.records[:0]
	} else {
		s.records = nil
	}
	s.ringNext, s.count, s.tooMany, s.paidSent, s.dupChats, s.reached = 0, 0, 0, 0, 0, 0
	s.calls = make(map[string]int, 16)
	s.answers = nil
	for _, c := range s.chats {
		c.sends, c.total, c.dup, c.hash, c.hashes = 0, 0, false, 0, nil
	}
}

// WaitSent waits until chatID has received n sends/edits in total and
// returns its records; on ctx end it returns what it has and ctx.Err().
func (s *Server) WaitSent(ctx context.Context, chatID int64, n int) ([]Sent, error) {
	for {
		s.mu.Lock()
		total := 0
		if c := s.chats[chatID]; c != nil {
			total = c.total
		}
		if total >= n || s.closed {
			out := s.recordsLocked(func(r Sent) bool { return r.ChatID == chatID })
			s.mu.Unlock()
			return out, nil
		}
		ch := s.sentWaitLocked()
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return s.SentTo(chatID), ctx.Err()
		}
	}
}
