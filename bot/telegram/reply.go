package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/loa-vn/loa/bot/conv"
)

// chat sends the replies to one update back to Telegram.
type chat struct {
	b       *Bot
	chatID  int64
	cq      *models.CallbackQuery // the button press being answered, if any
	acked   bool
	contact bool // answering a shared contact: the share-my-number keyboard goes away
}

// Caps: Telegram shows everything Loa sends.
func (c *chat) Caps() conv.Caps {
	return conv.Caps{Buttons: true, HTML: true, CommandMenu: true, Contact: true, Notices: true, Files: true}
}

// Send answers the button press first (Telegram shows a spinner until
// then; the notice becomes its toast), then sends the text and document.
func (c *chat) Send(ctx context.Context, r conv.Reply) error {
	switch {
	case c.cq != nil && !c.acked:
		c.answerCallback(ctx, r.Notice)
	case c.cq == nil && r.Notice != "" && r.Text == "":
		r.Text = html.EscapeString(r.Notice)
	case c.cq == nil && r.Notice != "":
		r.Text = html.EscapeString(r.Notice) + "\n\n" + r.Text
	}
	if r.File != nil {
		if err := c.sendDocument(ctx, r.File); err != nil {
			return err
		}
	}
	if r.Text == "" {
		return nil
	}
	p := &bot.SendMessageParams{ChatID: c.chatID, Text: r.Text, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()}}
	if mk := c.markup(r); mk != nil {
		p.ReplyMarkup = mk
	}
	return c.b.classify(c.send(ctx, func() error { _, err := c.b.api.SendMessage(ctx, p); return err }))
}

// markup is the share-my-number keyboard, inline buttons, or the removal
// of the share keyboard once a contact has been answered.
func (c *chat) markup(r conv.Reply) models.ReplyMarkup {
	switch {
	case r.AskContact != "":
		return &models.ReplyKeyboardMarkup{
			Keyboard:        [][]models.KeyboardButton{{{Text: r.AskContact, RequestContact: true}}},
			OneTimeKeyboard: true, ResizeKeyboard: true}
	case len(r.Choices) > 0 || len(r.Links) > 0:
		var rows [][]models.InlineKeyboardButton
		for _, row := range r.Choices {
			var out []models.InlineKeyboardButton
			for _, ch := range row {
				if len(ch.Data) <= 64 { // Telegram's limit for callback data
					out = append(out, models.InlineKeyboardButton{Text: ch.Label, CallbackData: ch.Data})
				}
			}
			if len(out) > 0 {
				rows = append(rows, out)
			}
		}
		for _, l := range r.Links {
			rows = append(rows, []models.InlineKeyboardButton{{Text: l.Label, URL: l.URL}})
		}
		return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
	case c.contact:
		return &models.ReplyKeyboardRemove{RemoveKeyboard: true}
	}
	return nil
}

func (c *chat) sendDocument(ctx context.Context, f *conv.File) error {
	p := &bot.SendDocumentParams{ChatID: c.chatID,
		Document: &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}}
	return c.b.classify(c.send(ctx, func() error { _, err := c.b.api.SendDocument(ctx, p); return err }))
}

// send waits out a short 429 once.
func (c *chat) send(ctx context.Context, call func() error) error {
	err := call()
	var tooMany *bot.TooManyRequestsError
	if errors.As(err, &tooMany) && tooMany.RetryAfter <= 5 {
		select {
		case <-time.After(time.Duration(tooMany.RetryAfter) * time.Second):
			err = call()
		case <-ctx.Done():
		}
	}
	return err
}

// classify marks "the resident blocked the bot" for the conversations and
// keeps the token out of the error text.
func (b *Bot) classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, bot.ErrorForbidden) {
		return conv.Blocked(errors.New(b.redact(err)))
	}
	return fmt.Errorf("telegram: %s", b.redact(err))
}

// answerCallback stops the button's spinner, with a toast when text is set.
func (c *chat) answerCallback(ctx context.Context, text string) {
	c.acked = true
	p := &bot.AnswerCallbackQueryParams{CallbackQueryID: c.cq.ID, Text: text}
	if _, err := c.b.api.AnswerCallbackQuery(ctx, p); err != nil {
		c.b.Log.Warn("answerCallbackQuery", "chat_id", c.chatID, "err", c.b.redact(err))
	}
}

// finish answers a button press nobody answered.
func (c *chat) finish(ctx context.Context) {
	if c.cq != nil && !c.acked {
		c.answerCallback(ctx, "")
	}
}
