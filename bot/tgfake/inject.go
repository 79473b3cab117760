package tgfake

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// User is a resident talking to the bot; ID doubles as the private chat id.
type User struct {
	ID           int64  `json:"id"`
	FirstName    string `json:"first_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

func (u User) wire() wireUser {
	name := u.FirstName
	if name == "" {
		name = "User"
	}
	return wireUser{ID: u.ID, FirstName: name, Username: u.Username, LanguageCode: u.LanguageCode}
}

// AddChat makes a chat known (as if the user had pressed Start) without
// queueing an update: handy with WithStrictChats for broadcast tests.
func (s *Server) AddChat(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.meetLocked(u)
}

func (s *Server) meetLocked(u User) *chat {
	c := s.chatLocked(u.ID)
	c.seen = true
	uc := u
	c.user = &uc
	return c
}

// userMessage queues a message from u, completed by fill, and returns
// the update id and message id.
func (s *Server) userMessage(u User, fill func(m *wireMessage)) (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.meetLocked(u)
	from := u.wire()
	m := &wireMessage{MessageID: c.nextMsgID, From: &from, Chat: s.wireChatLocked(u.ID), Date: time.Now().Unix()}
	c.nextMsgID++
	fill(m)
	if s.storesMessages() {
		if c.msgs == nil {
			c.msgs = make(map[int]*wireMessage, 4)
		}
		c.msgs[m.MessageID] = m
	}
	return s.pushLocked(&wireUpdate{Message: m}), m.MessageID
}

// SendText queues a text message from u. A leading "/command" (with an
// optional @botname) gets the bot_command entity Telegram adds, which
// go-telegram/bot's command matching needs.
func (s *Server) SendText(u User, text string) int {
	id, _ := s.userMessage(u, func(m *wireMessage) {
		m.Text = text
		if cmd := commandToken(text); cmd != "" {
			m.Entities = []wireEntity{{Type: "bot_command", Offset: 0, Length: utf16Len(cmd)}}
		}
	})
	return id
}

func commandToken(text string) string {
	if !strings.HasPrefix(text, "/") || len(text) < 2 {
		return ""
	}
	end := strings.IndexAny(text, " \t\n")
	if end < 0 {
		end = len(text)
	}
	return text[:end]
}

// SendSticker queues a sticker message.
func (s *Server) SendSticker(u User, emoji string) int {
	f := false
	file := s.fakeFile(24000, 512, 512)
	file.Type, file.Emoji, file.IsAnimated, file.IsVideo = "regular", emoji, &f, &f
	id, _ := s.userMessage(u, func(m *wireMessage) { m.Sticker = &file })
	return id
}

// SendPhoto queues a photo message with an optional caption.
func (s *Server) SendPhoto(u User, caption string) int {
	file := s.fakeFile(0, 1280, 960)
	id, _ := s.userMessage(u, func(m *wireMessage) {
		m.Photo, m.Caption = []wireFile{file}, caption
	})
	return id
}

// SendVoice queues a voice note of the given length.
func (s *Server) SendVoice(u User, seconds int) int {
	file := s.fakeFile(int64(seconds)*4000, 0, 0)
	file.Duration, file.MimeType = seconds, "audio/ogg"
	id, _ := s.userMessage(u, func(m *wireMessage) { m.Voice = &file })
	return id
}

// SendContact queues the user sharing their own phone number, as the
// "share contact" reply button does (contact.user_id is the sender).
func (s *Server) SendContact(u User, phone string) int {
	id, _ := s.userMessage(u, func(m *wireMessage) {
		m.Contact = &wireContact{PhoneNumber: phone, FirstName: u.wire().FirstName, UserID: u.ID}
	})
	return id
}

// PressButton queues a callback_query for an inline button with data on
// the bot message messageID in u's chat (see Sent.MessageID).
func (s *Server) PressButton(u User, messageID int, data string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.meetLocked(u)
	msg := c.msgs[messageID]
	if msg == nil {
		// Not stored (recording off): Telegram still sends the basics.
		bot := s.botWireUser()
		msg = &wireMessage{MessageID: messageID, From: &bot, Chat: s.wireChatLocked(u.ID), Date: time.Now().Unix()}
	}
	id := "cb" + strconv.Itoa(s.nextCallback)
	s.nextCallback++
	s.callbacks[id] = struct{}{}
	cq := &wireCallback{ID: id, From: u.wire(), Message: msg, Data: data,
		ChatInstance: strconv.FormatInt(u.ID*7919, 10)}
	return s.pushLocked(&wireUpdate{CallbackQuery: cq})
}

// PressLabel presses the inline button labelled label on a sent message.
func (s *Server) PressLabel(u User, msg Sent, label string) (int, error) {
	for _, b := range msg.Buttons() {
		if b.Text == label && b.CallbackData != "" {
			return s.PressButton(u, msg.MessageID, b.CallbackData), nil
		}
	}
	return 0, errors.New("tgfake: no callback button " + strconv.Quote(label))
}

// BlockBot queues the my_chat_member update Telegram sends when a user
// blocks the bot; sends to the chat then get 403 until UnblockBot.
func (s *Server) BlockBot(u User) int { return s.memberChange(u, "member", "kicked", true) }

// UnblockBot reverses BlockBot (status kicked -> member).
func (s *Server) UnblockBot(u User) int { return s.memberChange(u, "kicked", "member", false) }

func (s *Server) memberChange(u User, from, to string, blocked bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.meetLocked(u)
	c.blocked = blocked
	bot := s.botWireUser()
	var zero int64
	upd := &wireMemberUpdated{Chat: s.wireChatLocked(u.ID), From: u.wire(), Date: time.Now().Unix(),
		OldChatMember: wireMember{Status: from, User: bot}, NewChatMember: wireMember{Status: to, User: bot}}
	if to == "kicked" {
		upd.NewChatMember.UntilDate = &zero
	} else {
		upd.OldChatMember.UntilDate = &zero
	}
	return s.pushLocked(&wireUpdate{MyChatMember: upd})
}

// InjectRaw queues any update given as a JSON object; its update_id is
// replaced by the next one in sequence.
func (s *Server) InjectRaw(raw []byte) (int, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return 0, errors.New("tgfake: update is not a JSON object: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextUpdateID
	s.nextUpdateID++
	obj["update_id"] = json.RawMessage(strconv.Itoa(id))
	out, err := json.Marshal(obj)
	if err != nil {
		return 0, err
	}
	s.updates = append(s.updates, queuedUpdate{id: id, raw: out})
	s.wakeUpdatesLocked()
	return id, nil
}
