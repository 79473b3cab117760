package tgfake

import (
	"context"
	"io"
	"mime/multipart"
	"strconv"
	"strings"
	"time"
)

// outgoing is a validated send waiting to be committed.
type outgoing struct {
	chatID int64
	rec    Sent
	msg    wireMessage
}

func (s *Server) sendMessage(_ context.Context, p *params) (any, *Fault) {
	chatID, f := p.chatIDField("chat_id")
	if f != nil {
		return nil, f
	}
	c, f := readContent(p, "text", messageText)
	if f != nil {
		return nil, f
	}
	o := &outgoing{chatID: chatID,
		rec: Sent{Method: "sendMessage", ChatID: chatID, Text: c.raw, Plain: c.plain, ParseMode: c.mode,
			Markup: c.mk, AllowPaidBroadcast: p.boolean("allow_paid_broadcast")},
		msg: wireMessage{Text: c.plain, Entities: c.ents, ReplyMarkup: c.mk.wire()}}
	return s.commitSend(o)
}

func (s *Server) sendPhoto(_ context.Context, p *params) (any, *Fault) {
	return s.sendFile(p, "photo")
}

func (s *Server) sendDocument(_ context.Context, p *params) (any, *Fault) {
	return s.sendFile(p, "document")
}

// maxKeptDocument bounds the bytes of an uploaded document the fake keeps
// for tests to read back.
const maxKeptDocument = 1 << 20

// sendFile sends a photo or a document: a URL/file_id, or an upload.
func (s *Server) sendFile(p *params, field string) (any, *Fault) {
	chatID, f := p.chatIDField("chat_id")
	if f != nil {
		return nil, f
	}
	ref, size, data := p.get(field), int64(0), []byte(nil)
	if fh := p.files[field]; fh != nil {
		ref, size = "upload:"+fh.Filename, fh.Size
		if field == "document" && size <= maxKeptDocument {
			data = readUpload(fh)
		}
	}
	if ref == "" {
		return nil, badRequest("there is no " + field + " in the request")
	}
	c, f := readContent(p, "caption", captionText)
	if f != nil {
		return nil, f
	}
	o := &outgoing{chatID: chatID,
		rec: Sent{Method: "send" + strings.ToUpper(field[:1]) + field[1:], ChatID: chatID, Caption: c.raw, Plain: c.plain,
			ParseMode: c.mode, Markup: c.mk, AllowPaidBroadcast: p.boolean("allow_paid_broadcast")},
		msg: wireMessage{Caption: c.plain, CaptionEntities: c.ents, ReplyMarkup: c.mk.wire()}}
	if field == "photo" {
		o.rec.Photo, o.msg.Photo = ref, []wireFile{s.fakeFile(size, 1280, 720)}
	} else {
		o.rec.Document, o.rec.DocumentData = ref, data
		doc := s.fakeFile(size, 0, 0)
		o.msg.Document = &doc
	}
	return s.commitSend(o)
}

func readUpload(fh *multipart.FileHeader) []byte {
	f, err := fh.Open()
	if err != nil {
		return nil
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, maxKeptDocument))
	return b
}

// copyMessage re-sends a message the fake knows; Telegram answers with
// just the new MessageId.
func (s *Server) copyMessage(_ context.Context, p *params) (any, *Fault) {
	chatID, f := p.chatIDField("chat_id")
	if f != nil {
		return nil, f
	}
	from, f := p.chatIDField("from_chat_id")
	if f != nil {
		return nil, f
	}
	msgID, f := p.integer("message_id", 0)
	if f != nil {
		return nil, f
	}
	src, f := s.lookupMessage(from, int(msgID))
	if f != nil {
		return nil, f
	}
	mk, f := parseMarkup(p.get("reply_markup"))
	if f != nil {
		return nil, f
	}
	o := &outgoing{chatID: chatID, msg: src}
	o.msg.ReplyMarkup = mk.wire()
	if p.has("caption") {
		plain, ents, f := captionText(p.get("caption"), p.get("parse_mode"))
		if f != nil {
			return nil, f
		}
		o.msg.Caption, o.msg.CaptionEntities = plain, ents
	}
	o.rec = Sent{Method: "copyMessage", ChatID: chatID, Text: o.msg.Text, Caption: o.msg.Caption,
		Plain: o.msg.Text + o.msg.Caption, Markup: mk, AllowPaidBroadcast: p.boolean("allow_paid_broadcast")}
	if len(o.msg.Photo) > 0 {
		o.rec.Photo = o.msg.Photo[0].FileID
	}
	m, f := s.commitSend(o)
	if f != nil {
		return nil, f
	}
	return wireMessageID{MessageID: m.MessageID}, nil
}

// lookupMessage copies a stored message; without message storage
// (WithoutRecording) the source cannot be known, so a stub is used.
func (s *Server) lookupMessage(chatID int64, msgID int) (wireMessage, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil || msgID <= 0 || msgID >= c.nextMsgID {
		return wireMessage{}, badRequest("message to copy not found")
	}
	if !s.storesMessages() {
		return wireMessage{Text: "(copied message)"}, nil
	}
	m := c.msgs[msgID]
	if m == nil {
		return wireMessage{}, badRequest("message to copy not found")
	}
	return *m, nil
}

// checkChatLocked answers what Telegram answers before delivering.
func (s *Server) checkChatLocked(chatID int64) *Fault {
	c := s.chats[chatID]
	if c != nil && c.blocked {
		f := Blocked()
		return &f
	}
	if s.strictChats && (c == nil || !c.seen) {
		f := ChatNotFound()
		return &f
	}
	return nil
}

// commitSend delivers a validated send: chat checks, rate limit, message
// id, storage and recording, all in one short critical section.
func (s *Server) commitSend(o *outgoing) (*wireMessage, *Fault) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.checkChatLocked(o.chatID); f != nil {
		return nil, f
	}
	if f := s.limitLocked(o.rec.AllowPaidBroadcast, now); f != nil {
		return nil, f // call() counts the 429
	}
	c := s.chatLocked(o.chatID)
	m := o.msg
	m.MessageID = c.nextMsgID
	c.nextMsgID++
	bot := s.botWireUser()
	m.From, m.Chat, m.Date = &bot, s.wireChatLocked(o.chatID), now.Unix()
	m.EditDate = 0
	if s.storesMessages() {
		if c.msgs == nil {
			c.msgs = make(map[int]*wireMessage, 4)
		}
		stored := m
		c.msgs[m.MessageID] = &stored
	}
	o.rec.MessageID, o.rec.Time = m.MessageID, now
	s.recordLocked(c, o.rec, true)
	return &m, nil
}

// fakeFile invents a file the way Telegram reports stored media.
func (s *Server) fakeFile(size int64, w, h int) wireFile {
	s.mu.Lock()
	s.fileSeq++
	n := s.fileSeq
	s.mu.Unlock()
	id := "AgACAgFake" + strconv.FormatInt(n, 10)
	if size == 0 {
		size = 54321
	}
	return wireFile{FileID: id, FileUniqueID: "AQAD" + strconv.FormatInt(n, 10), Width: w, Height: h, FileSize: size}
}
