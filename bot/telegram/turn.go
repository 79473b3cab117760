package telegram

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/store"
)

// turn is one update from one resident: who they are and how to answer.
type turn struct {
	*Bot
	user   int64
	chatID int64
	lang   string
	name   string
	sub    store.Subscriber
}

// handle routes every update; it is the only go-telegram handler, so the
// routing rules (commands, steps, media) live in one place.
func (b *Bot) handle(ctx context.Context, _ *bot.Bot, u *models.Update) {
	// one resident's updates run one at a time (striped by user id), so a
	// quick "/subscribe" then "hang bac" cannot overtake each other
	mu := &b.perUser[uint64(updateUser(u))%uint64(len(b.perUser))]
	mu.Lock()
	defer mu.Unlock()
	switch {
	case u.MyChatMember != nil:
		b.counts.updates.WithLabelValues("member").Inc()
		b.onMemberChange(ctx, u.MyChatMember)
	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		b.counts.updates.WithLabelValues("callback").Inc()
		if t := b.begin(ctx, &cq.From, callbackChat(cq), func(t *turn) { t.ack(ctx, cq, "slow_down") }); t != nil {
			t.onCallback(ctx, cq)
		}
	case u.Message != nil && u.Message.From != nil && u.Message.Chat.Type == models.ChatTypePrivate:
		m := u.Message
		b.counts.updates.WithLabelValues("message").Inc()
		if t := b.begin(ctx, m.From, m.Chat.ID, func(t *turn) { t.say(ctx, "slow_down") }); t != nil {
			t.onMessage(ctx, m)
		}
	}
}

func updateUser(u *models.Update) int64 {
	switch {
	case u.MyChatMember != nil:
		return u.MyChatMember.From.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	case u.Message != nil && u.Message.From != nil:
		return u.Message.From.ID
	}
	return 0
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

// begin applies the flood limit and loads (or creates) the resident's row.
// It returns nil when the update must not be handled further.
func (b *Bot) begin(ctx context.Context, from *models.User, chatID int64, slowDown func(*turn)) *turn {
	t := &turn{Bot: b, user: from.ID, chatID: chatID, lang: l10n.Pick(from.LanguageCode), name: from.FirstName}
	ok, warn := b.flood.allow(from.ID)
	if !ok {
		if warn {
			slowDown(t)
		}
		b.counts.updates.WithLabelValues("flood").Inc()
		b.Log.Info("flood limit", "user_id", from.ID)
		return nil
	}
	sub, err := b.Store.UpsertSubscriber(ctx, store.Contact{Channel: Channel, ExternalID: strconv.FormatInt(from.ID, 10),
		ChatID: chatID, FirstName: from.FirstName, Locale: t.lang})
	if err != nil {
		b.Log.Error("load subscriber", "user_id", from.ID, "err", err)
		t.say(ctx, "error")
		return nil
	}
	t.sub, t.lang = sub, l10n.Pick(sub.Locale)
	return t
}

// onMemberChange follows private-chat blocks: "kicked" means the resident
// blocked the bot, "member" that they unblocked it.
func (b *Bot) onMemberChange(ctx context.Context, m *models.ChatMemberUpdated) {
	if m.Chat.Type != models.ChatTypePrivate {
		return
	}
	ext := strconv.FormatInt(m.From.ID, 10)
	var err error
	switch m.NewChatMember.Type {
	case models.ChatMemberTypeBanned:
		err = b.Store.MarkBlocked(ctx, Channel, ext, "blocked by user")
	case models.ChatMemberTypeMember:
		err = b.Store.MarkUnblocked(ctx, Channel, ext)
	}
	if err != nil {
		b.Log.Error("member change", "user_id", m.From.ID, "status", m.NewChatMember.Type, "err", err)
	}
}

// t renders a message in the resident's language.
func (t *turn) t(id string, kv ...any) string { return t.Text.T(t.lang, id, kv...) }

// say sends a locale message.
func (t *turn) say(ctx context.Context, id string, kv ...any) {
	t.send(ctx, t.t(id, kv...), nil)
}

// send sends HTML text (already escaped where it holds user input). A 429
// is waited out once if short; a block marks the resident blocked.
func (t *turn) send(ctx context.Context, text string, kb *models.InlineKeyboardMarkup) {
	if kb == nil { // a nil pointer in the interface would still be sent
		t.sendMarkup(ctx, text, nil)
		return
	}
	t.sendMarkup(ctx, text, kb)
}

// sendMarkup sends with any reply markup: inline buttons, or Telegram's
// reply keyboard (the share-my-number button).
func (t *turn) sendMarkup(ctx context.Context, text string, markup models.ReplyMarkup) {
	p := &bot.SendMessageParams{ChatID: t.chatID, Text: text, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()}, ReplyMarkup: markup}
	_, err := t.api.SendMessage(ctx, p)
	var tooMany *bot.TooManyRequestsError
	if errors.As(err, &tooMany) && tooMany.RetryAfter <= 5 {
		select {
		case <-time.After(time.Duration(tooMany.RetryAfter) * time.Second):
			_, err = t.api.SendMessage(ctx, p)
		case <-ctx.Done():
		}
	}
	if err == nil {
		return
	}
	t.Log.Warn("send", "chat_id", t.chatID, "subscriber_id", t.sub.ID, "err", t.redact(err))
	if errors.Is(err, bot.ErrorForbidden) {
		if merr := t.Store.MarkBlocked(ctx, Channel, strconv.FormatInt(t.user, 10), "forbidden"); merr != nil {
			t.Log.Error("mark blocked", "user_id", t.user, "err", merr)
		}
	}
}

// ack answers a callback query (Telegram shows a spinner until then), with
// a short toast when id is not empty.
func (t *turn) ack(ctx context.Context, cq *models.CallbackQuery, id string) {
	p := &bot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID}
	if id != "" {
		p.Text = t.Text.Plain(t.lang, id)
	}
	if _, err := t.api.AnswerCallbackQuery(ctx, p); err != nil {
		t.Log.Warn("answerCallbackQuery", "user_id", t.user, "err", t.redact(err))
	}
}

// keyboard builds an inline keyboard from rows of (label, data) pairs.
func keyboard(rows ...[]models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
	var out [][]models.InlineKeyboardButton
	for _, r := range rows {
		if len(r) > 0 {
			out = append(out, r)
		}
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: out}
}

func button(label, data string) models.InlineKeyboardButton {
	return models.InlineKeyboardButton{Text: clip(label, 60), CallbackData: data}
}

// clip shortens a label to n runes, for buttons made of question text.
func clip(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
