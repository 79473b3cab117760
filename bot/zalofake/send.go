package zalofake

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxTextLen is sendMessage's documented "1 to 2000 characters", also the
// cap on a sendPhoto caption.
//
// How the platform counts a "character" is not documented. The fake counts
// Unicode code points (runes): "Chuyển đổi số" is 13, an emoji 1. Loa's
// renderer counts UTF-16 units, which are never fewer, so what it lets
// through fits whichever way the platform counts.
const MaxTextLen = 2000

type sendResult struct {
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"` // milliseconds
}

type botInfo struct {
	ID            string `json:"id"`
	AccountName   string `json:"account_name"`
	AccountType   string `json:"account_type"`
	CanJoinGroups bool   `json:"can_join_groups"`
}

func (s *Server) getMe(context.Context, params) (any, *Fault) {
	return botInfo{ID: s.botID, AccountName: s.accountName, AccountType: "BASIC"}, nil
}

func (s *Server) sendMessage(_ context.Context, p params) (any, *Fault) {
	chatID, f := p.required("chat_id")
	if f != nil {
		return nil, f
	}
	text := p.get("text")
	if f := checkText("text", text, true); f != nil {
		return nil, f
	}
	return s.accept(Sent{Method: "sendMessage", ChatID: chatID, Text: text})
}

func (s *Server) sendPhoto(_ context.Context, p params) (any, *Fault) {
	chatID, f := p.required("chat_id")
	if f != nil {
		return nil, f
	}
	photo, f := p.required("photo")
	if f != nil {
		return nil, f
	}
	if u, err := url.Parse(photo); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, badRequest("photo must be an http(s) URL")
	}
	caption := p.get("caption")
	if f := checkText("caption", caption, false); f != nil {
		return nil, f
	}
	return s.accept(Sent{Method: "sendPhoto", ChatID: chatID, Photo: photo, Caption: caption})
}

func (s *Server) sendSticker(_ context.Context, p params) (any, *Fault) {
	chatID, f := p.required("chat_id")
	if f != nil {
		return nil, f
	}
	sticker, f := p.required("sticker")
	if f != nil {
		return nil, f
	}
	return s.accept(Sent{Method: "sendSticker", ChatID: chatID, Sticker: sticker})
}

func (s *Server) sendChatAction(_ context.Context, p params) (any, *Fault) {
	chatID, f := p.required("chat_id")
	if f != nil {
		return nil, f
	}
	switch p.get("action") {
	case "typing", "upload_photo":
	default:
		return nil, badRequest(`action must be "typing" or "upload_photo"`)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.reachLocked(chatID); f != nil {
		return nil, f
	}
	s.chatLocked(chatID)
	return nil, nil
}

// checkText enforces 1–2000 characters (see MaxTextLen). A text of only
// spaces counts as empty: the platform's rule is undocumented there, and
// refusing it catches a Loa bug early. A caption may be absent.
func checkText(field, text string, required bool) *Fault {
	if !utf8.ValidString(text) {
		return badRequest(field + " must be UTF-8")
	}
	if strings.TrimSpace(text) == "" {
		if required {
			return badRequest(field + " is empty (1 to 2000 characters)")
		}
		return nil
	}
	if n := utf8.RuneCountInString(text); n > MaxTextLen {
		return badRequest(fmt.Sprintf("%s is too long: %d characters, at most %d", field, n, MaxTextLen))
	}
	return nil
}

// reachLocked refuses chats the fake may not send to.
func (s *Server) reachLocked(chatID string) *Fault {
	if s.strictChats {
		if c := s.chats[chatID]; c == nil || !c.wrote {
			return ChatNotFound().ptr()
		}
	}
	return nil
}

// accept applies the rate limit and books the send.
func (s *Server) accept(rec Sent) (any, *Fault) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.reachLocked(rec.ChatID); f != nil {
		return nil, f
	}
	if s.limit != nil && !s.limit.allow(now) {
		s.tooMany++
		return nil, QuotaExceeded().ptr()
	}
	s.msgSeq++
	s.seq++
	s.count++
	rec.Seq, rec.MessageID, rec.Time = s.seq, messageID(s.msgSeq), now
	c := s.chatLocked(rec.ChatID)
	c.total++
	if s.recordLimit > 0 {
		if len(c.sent) >= s.recordLimit {
			c.sent = append(c.sent[:0], c.sent[1:]...)
		}
		c.sent = append(c.sent, rec)
	}
	s.wakeSentLocked()
	return sendResult{MessageID: rec.MessageID, Date: now.UnixMilli()}, nil
}

// messageID looks like the platform's: 20 hex digits.
func messageID(n int64) string { return fmt.Sprintf("%020x", n) }
