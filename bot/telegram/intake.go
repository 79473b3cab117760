package telegram

import (
	"context"
	"strconv"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/loa-vn/loa/bot/conv"
)

// handle is the only go-telegram handler for residents: it turns the update
// into a neutral message and lets the conversations answer through a chat
// that speaks Telegram.
func (b *Bot) handle(ctx context.Context, _ *bot.Bot, u *models.Update) {
	m, c, ok := b.incoming(u)
	if !ok {
		return
	}
	b.Conv.Handle(ctx, m, c)
	c.finish(ctx)
}

// incoming converts an update: a private chat's block or unblock, a button
// press (the chosen option), or a message (command, text, contact, media).
func (b *Bot) incoming(u *models.Update) (conv.Message, *chat, bool) {
	switch {
	case u.MyChatMember != nil:
		mc := u.MyChatMember
		if mc.Chat.Type != models.ChatTypePrivate {
			return conv.Message{}, nil, false
		}
		m := from(mc.From, mc.Chat.ID)
		switch mc.NewChatMember.Type {
		case models.ChatMemberTypeBanned: // "kicked": the resident blocked the bot
			m.Kind = conv.KindBlocked
		case models.ChatMemberTypeMember:
			m.Kind = conv.KindUnblocked
		default:
			return conv.Message{}, nil, false
		}
		return m, &chat{b: b, chatID: mc.Chat.ID}, true
	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		id := callbackChat(cq)
		m := from(cq.From, id)
		m.Kind, m.Choice = conv.KindChoice, cq.Data
		return m, &chat{b: b, chatID: id, cq: cq}, true
	case u.Message != nil && u.Message.From != nil:
		msg := u.Message
		m := from(*msg.From, msg.Chat.ID)
		m.Group = msg.Chat.Type != models.ChatTypePrivate
		m.Text = msg.Text
		c := &chat{b: b, chatID: msg.Chat.ID}
		switch {
		case msg.Contact != nil:
			m.Kind = conv.KindContact
			m.Contact = &conv.Contact{Phone: msg.Contact.PhoneNumber, Own: msg.Contact.UserID == msg.From.ID}
			c.contact = true
		case isCommand(msg):
			m.Kind = conv.KindCommand
		case msg.Text == "":
			m.Kind, m.Media = conv.KindMedia, mediaKind(msg)
		}
		return m, c, true
	}
	return conv.Message{}, nil, false
}

func from(u models.User, chatID int64) conv.Message {
	return conv.Message{Channel: Channel, UserID: strconv.FormatInt(u.ID, 10), ChatID: strconv.FormatInt(chatID, 10),
		Name: u.FirstName, LangCode: u.LanguageCode}
}

// isCommand: Telegram marks commands with a leading bot_command entity;
// "/something" typed without it is still text.
func isCommand(m *models.Message) bool {
	return len(m.Entities) > 0 && m.Entities[0].Type == models.MessageEntityTypeBotCommand && m.Entities[0].Offset == 0
}

func mediaKind(m *models.Message) string {
	switch {
	case m.Sticker != nil:
		return "sticker"
	case len(m.Photo) > 0:
		return "photo"
	case m.Voice != nil:
		return "voice"
	}
	return "other"
}

func callbackChat(cq *models.CallbackQuery) int64 {
	switch {
	case cq.Message.Message != nil:
		return cq.Message.Message.Chat.ID
	case cq.Message.InaccessibleMessage != nil:
		return cq.Message.InaccessibleMessage.Chat.ID
	}
	return cq.From.ID // private chats share the user's id
}
