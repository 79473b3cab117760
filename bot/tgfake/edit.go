package tgfake

import (
	"context"
	"reflect"
	"time"
)

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a specified content and reply markup of the message"

func (s *Server) editMessageText(_ context.Context, p *params) (any, *Fault) {
	if p.has("inline_message_id") && !p.has("chat_id") {
		return true, nil // inline messages are not tracked; Telegram answers True
	}
	chatID, msgID, f := editTarget(p)
	if f != nil {
		return nil, f
	}
	c, f := readContent(p, "text", messageText)
	if f != nil {
		return nil, f
	}
	rec := Sent{Method: "editMessageText", ChatID: chatID, MessageID: msgID, Text: c.raw, Plain: c.plain,
		ParseMode: c.mode, Markup: c.mk}
	// Editing text without reply_markup removes the inline keyboard, as on Telegram.
	return s.commitEdit(chatID, msgID, rec, func(m *wireMessage) {
		m.Text, m.Entities, m.ReplyMarkup = c.plain, c.ents, c.mk.wire()
	})
}

func (s *Server) editMessageReplyMarkup(_ context.Context, p *params) (any, *Fault) {
	if p.has("inline_message_id") && !p.has("chat_id") {
		return true, nil
	}
	chatID, msgID, f := editTarget(p)
	if f != nil {
		return nil, f
	}
	mk, f := parseMarkup(p.get("reply_markup"))
	if f != nil {
		return nil, f
	}
	rec := Sent{Method: "editMessageReplyMarkup", ChatID: chatID, MessageID: msgID, Markup: mk}
	return s.commitEdit(chatID, msgID, rec, func(m *wireMessage) {
		m.ReplyMarkup = mk.wire()
	})
}

func editTarget(p *params) (int64, int, *Fault) {
	chatID, f := p.chatIDField("chat_id")
	if f != nil {
		return 0, 0, f
	}
	msgID, f := p.integer("message_id", 0)
	if f != nil {
		return 0, 0, f
	}
	if msgID <= 0 {
		return 0, 0, badRequest("message identifier is not specified")
	}
	return chatID, int(msgID), nil
}

// commitEdit applies change to a bot message the fake knows, refusing
// edits Telegram refuses: unknown message, user's message, no change.
func (s *Server) commitEdit(chatID int64, msgID int, rec Sent, change func(*wireMessage)) (any, *Fault) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.checkChatLocked(chatID); f != nil {
		return nil, f
	}
	c := s.chats[chatID]
	if c == nil || msgID >= c.nextMsgID {
		return nil, badRequest("message to edit not found")
	}
	bot := s.botWireUser()
	m := wireMessage{MessageID: msgID, From: &bot, Chat: s.wireChatLocked(chatID), Date: now.Unix()}
	if s.storesMessages() {
		old := c.msgs[msgID]
		if old == nil {
			return nil, badRequest("message to edit not found")
		}
		if old.From == nil || !old.From.IsBot {
			return nil, badRequest("message can't be edited")
		}
		m = *old
	}
	before := m
	change(&m)
	if s.storesMessages() && sameContent(&before, &m) {
		return nil, badRequest(notModified)
	}
	m.EditDate = now.Unix()
	if s.storesMessages() {
		stored := m
		c.msgs[msgID] = &stored
	}
	if rec.Text == "" && rec.Plain == "" {
		rec.Plain = m.Text + m.Caption // markup-only edit: keep what the user sees
	}
	rec.Time = now
	s.recordLocked(c, rec, false)
	return &m, nil
}

func sameContent(a, b *wireMessage) bool {
	return a.Text == b.Text && a.Caption == b.Caption &&
		reflect.DeepEqual(a.Entities, b.Entities) &&
		reflect.DeepEqual(a.CaptionEntities, b.CaptionEntities) &&
		reflect.DeepEqual(a.ReplyMarkup, b.ReplyMarkup)
}

func (s *Server) deleteMessage(_ context.Context, p *params) (any, *Fault) {
	chatID, msgID, f := editTarget(p)
	if f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.checkChatLocked(chatID); f != nil {
		return nil, f
	}
	c := s.chats[chatID]
	if c == nil || msgID >= c.nextMsgID {
		return nil, badRequest("message to delete not found")
	}
	if s.storesMessages() {
		if c.msgs[msgID] == nil {
			return nil, badRequest("message to delete not found")
		}
		delete(c.msgs, msgID)
	}
	return true, nil
}

func (s *Server) sendChatAction(_ context.Context, p *params) (any, *Fault) {
	chatID, f := p.chatIDField("chat_id")
	if f != nil {
		return nil, f
	}
	switch p.get("action") {
	case "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
		"upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note":
	default:
		return nil, badRequest("wrong parameter action in request")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.checkChatLocked(chatID); f != nil {
		return nil, f
	}
	return true, nil
}
