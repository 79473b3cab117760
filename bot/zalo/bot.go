package zalo

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/messages/tghtml"
)

// Conversations answers neutral messages: a *conv.Bot.
type Conversations interface {
	Handle(ctx context.Context, m conv.Message, out conv.Chat)
}

// HandlerLimit is the longest one event's handling may take, even once
// the receiving side (the webhook request, the poll) has ended.
const HandlerLimit = 20 * time.Second

// Bot is the Zalo channel's resident side: every deduplicated event becomes
// a conv.Message handed to the conversations with a chat that answers in
// plain text through the Client. Receive with Webhook (loa web) or Poll
// (loa bot).
type Bot struct {
	c    *Client
	conv Conversations
	log  *slog.Logger
	opts []IntakeOption
	anon []byte // keys the pseudonyms of withheld (unsupported) senders; per process, never stored
}

// NewBot wires the client to the conversations. opts (a RedisDeduper
// behind several processes) apply to the webhook and the poller alike.
func NewBot(c *Client, h Conversations, log *slog.Logger, opts ...IntakeOption) *Bot {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	anon := make([]byte, 32)
	_, _ = rand.Read(anon)
	opts = append([]IntakeOption{WithIntakeLogger(log)}, opts...)
	return &Bot{c: c, conv: h, log: log, opts: opts, anon: anon}
}

// Webhook is the http.Handler for POST /zalo/webhook (secret: ZALO_WEBHOOK_SECRET).
func (b *Bot) Webhook(secret string) (*Webhook, error) {
	return NewWebhook(secret, b.handle, b.opts...)
}

// SetWebhook points the platform at url with secret, so events arrive at Webhook.
func (b *Bot) SetWebhook(ctx context.Context, url, secret string) error {
	return b.c.SetWebhook(ctx, url, secret)
}

// Poll deletes any webhook and long-polls until ctx ends (nil) or the token
// is refused (ErrTokenInvalid). Events are handled one at a time, in order.
func (b *Bot) Poll(ctx context.Context, popts ...PollOption) error {
	return NewPoller(b.c, b.handle, popts, b.opts...).Run(ctx)
}

// handle answers one event. Its handling is detached from the receiving
// context (a webhook request the platform gave up on, a poll cancelled by
// shutdown): a reply that has started goes out, within HandlerLimit.
func (b *Bot) handle(ctx context.Context, e Event) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), HandlerLimit)
	defer cancel()
	m, c := b.incoming(e)
	b.conv.Handle(ctx, m, c)
	return nil
}

// incoming converts an event. For a withheld (unsupported) message the
// conversation sees a pseudonym that is the same for one sender during
// this process's life (so the flood limit still works per sender) and is
// nothing anyone can look up: the real chat id stays in the chat, which
// only sends the generic reply.
func (b *Bot) incoming(e Event) (conv.Message, *chat) {
	c := &chat{c: b.c, chatID: e.ChatID}
	if e.Kind == KindUnsupported {
		p := b.pseudonym(e.ChatID)
		return conv.Message{Channel: Name, UserID: p, ChatID: p, Kind: conv.KindUnsupported, Group: e.Group}, c
	}
	m := conv.Message{Channel: Name, UserID: e.UserID, ChatID: e.ChatID, Name: e.Name, Group: e.Group}
	switch e.Kind {
	case KindText:
		m.Kind, m.Text = conv.KindText, e.Text
	case KindImage:
		m.Kind, m.Media = conv.KindMedia, "photo"
	case KindSticker:
		m.Kind, m.Media = conv.KindMedia, "sticker"
	}
	return m, c
}

func (b *Bot) pseudonym(chatID string) string {
	h := hmac.New(sha256.New, b.anon)
	h.Write([]byte(chatID))
	return "anon-" + hex.EncodeToString(h.Sum(nil)[:12])
}

// chat sends the replies to one event back to its Zalo chat.
type chat struct {
	c      *Client
	chatID string
}

// Caps: Zalo documents no buttons, markup, command menu, contact request,
// notices or files, so the conversations number choices, write links out,
// read commands from text and send notices as text.
func (c *chat) Caps() conv.Caps { return conv.Caps{} }

// Send sends a reply (already plain text: Caps has no HTML), split at
// 2000 characters at paragraph, line or sentence boundaries. A 429 is
// waited out once when its backoff is short.
func (c *chat) Send(ctx context.Context, r conv.Reply) error {
	for _, text := range replyParts(r.Text) {
		o := c.c.SendText(ctx, c.chatID, text)
		if o.Kind == channel.RateLimited && o.RetryAfter <= 5*time.Second {
			if sleepErr(ctx, o.RetryAfter) == nil {
				o = c.c.SendText(ctx, c.chatID, text)
			}
		}
		switch o.Kind {
		case channel.Sent:
			continue
		case channel.Blocked:
			return conv.Blocked(outcomeErr(o))
		}
		return outcomeErr(o)
	}
	return nil
}

// replyParts splits a plain-text reply with the broadcast renderer, so a
// reply and a campaign are cut by the same rules.
func replyParts(text string) []string {
	parts, err := messages.RenderFor(messages.Variant{Text: tghtml.Escape(text)}, true, Limits)
	if errors.Is(err, messages.ErrEmpty) {
		return nil
	}
	if err != nil { // more than MaxParts parts: replies are never that long; send what fits
		r := []rune(text)
		return []string{string(r[:min(len(r), MaxTextLen)])}
	}
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		out = append(out, p.Text)
	}
	return out
}

func sleepErr(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Link is the address a resident opens to talk to the bot. The platform
// documents no link format and no start payload (reference/zalo.md says
// nothing about either); https://zalo.me/<bot id> is the form of Zalo's
// other account links, with getMe's id. An invite is therefore a code the
// resident sends the bot after opening the link: see InviteText.
func Link(botID string) string { return "https://zalo.me/" + botID }

// InviteText is what a resident sends the bot to use an invite payload
// (bot/invite's), since a Zalo link carries none.
func InviteText(payload string) string { return "/start " + payload }

// Identity reads the bot's id for Link with getMe; a refused token is an
// error naming ZALO_BOT_TOKEN.
func (c *Client) Identity(ctx context.Context) (BotInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	info, err := c.GetMe(ctx)
	var ae *APIError
	switch {
	case errors.Is(err, ErrTokenInvalid):
		return info, fmt.Errorf("zalo: getMe: ZALO_BOT_TOKEN was refused (401): %w", err)
	case errors.As(err, &ae) && ae.Code == http.StatusNotFound:
		return info, fmt.Errorf("zalo: getMe: not found at this ZALO_API_URL: %w", err)
	}
	return info, err
}
