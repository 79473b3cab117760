// Package telegram is Loa's Telegram channel: it receives updates (long
// polling or webhook), runs a bounded number of handlers, turns each update
// into a neutral conv.Message and sends the conversations' replies back
// with go-telegram (inline keyboards, the share-my-number keyboard,
// answerCallbackQuery). The conversations themselves live in bot/conv;
// go-telegram's types stay in this package.
package telegram

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/l10n"
)

// Channel is the subscribers.channel value of Telegram residents.
const Channel = "telegram"

// Config tunes the channel.
type Config struct {
	Token         string
	APIURL        string
	WebhookSecret string
	Workers       int           // handlers running at once (default 8)
	HandlerLimit  time.Duration // longest a handler may run, even during shutdown (default 20s)
}

// Handler answers neutral messages: a *conv.Bot.
type Handler interface {
	Handle(ctx context.Context, m conv.Message, out conv.Chat)
}

// Deps are what the channel hands updates to.
type Deps struct {
	Conv Handler
	Text *l10n.Catalog // the command menu's descriptions
	Log  *slog.Logger
	// Seen remembers handled update_ids, so an update Telegram delivers
	// twice (a webhook retry, a poll after a restart) is handled once;
	// RedisSeen shares it between every process. Nil handles every delivery.
	Seen Seen
}

// Bot is a running Telegram channel.
type Bot struct {
	cfg Config
	Deps
	api      *bot.Bot
	inflight sync.WaitGroup
}

// New connects to the Bot API (getMe checks the token) without receiving updates yet.
func New(ctx context.Context, cfg Config, d Deps) (*Bot, error) {
	cfg = withDefaults(cfg)
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	b := &Bot{cfg: cfg, Deps: d}
	opts := []bot.Option{
		bot.WithServerURL(cfg.APIURL),
		// handlers run inside the workers: at most Workers at once, and
		// Start/StartWebhook return only once they have finished
		bot.WithNotAsyncHandlers(),
		bot.WithWorkers(cfg.Workers),
		bot.WithDefaultHandler(b.handle),
		bot.WithMiddlewares(b.track),
		bot.WithErrorsHandler(func(err error) { b.Log.Warn("telegram", "err", b.redact(err)) }),
		bot.WithCheckInitTimeout(10 * time.Second),
	}
	if cfg.WebhookSecret != "" {
		opts = append(opts, bot.WithWebhookSecretToken(cfg.WebhookSecret))
	}
	api, err := bot.New(cfg.Token, append(opts, bot.WithHTTPClient(time.Minute, &http.Client{Timeout: 70 * time.Second}))...)
	if err != nil {
		return nil, fmt.Errorf("telegram at %s: %s", cfg.APIURL, b.redact(err))
	}
	b.api = api
	return b, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.HandlerLimit <= 0 {
		cfg.HandlerLimit = 20 * time.Second
	}
	return cfg
}

// redact removes the token from an error text: the library's network errors
// quote the request URL, which contains it.
func (b *Bot) redact(err error) string {
	if err == nil {
		return ""
	}
	if b.cfg.Token == "" {
		return err.Error()
	}
	return strings.ReplaceAll(err.Error(), b.cfg.Token, "<token>")
}

// Poll receives updates by long polling until ctx ends, then waits for the
// handlers in flight. The webhook is deleted first: Telegram refuses
// getUpdates while one is set.
func (b *Bot) Poll(ctx context.Context, ready func()) error {
	if _, err := b.api.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
		return fmt.Errorf("deleteWebhook: %s", b.redact(err))
	}
	b.SetCommands(ctx)
	if ready != nil {
		ready()
	}
	b.api.Start(ctx)
	return b.drain()
}

// ServeWebhook registers the webhook at url and runs the handlers until ctx
// ends; updates arrive through WebhookHandler.
func (b *Bot) ServeWebhook(ctx context.Context, url string) error {
	if _, err := b.api.SetWebhook(ctx, &bot.SetWebhookParams{URL: url, SecretToken: b.cfg.WebhookSecret,
		AllowedUpdates: []string{"message", "callback_query", "my_chat_member"}}); err != nil {
		return fmt.Errorf("setWebhook: %s", b.redact(err))
	}
	b.SetCommands(ctx)
	b.api.StartWebhook(ctx)
	return b.drain()
}

// StartWorkers runs the handler workers for webhook updates without
// registering the webhook (tests, and hosts that register it elsewhere).
func (b *Bot) StartWorkers(ctx context.Context) error {
	b.api.StartWebhook(ctx)
	return b.drain()
}

// WebhookHandler checks Telegram's secret header on every request: a wrong
// or missing one gets 401 and the update is never read. (go-telegram/bot
// itself answers 200 to a bad secret, which hides attacks and misconfiguration.)
func (b *Bot) WebhookHandler() http.Handler {
	inner := b.api.WebhookHandler()
	want := []byte(b.cfg.WebhookSecret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if len(want) == 0 || subtle.ConstantTimeCompare(got, want) != 1 {
			b.Log.Warn("webhook: wrong secret token", "remote", r.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		if err != nil {
			b.Log.Warn("webhook: unreadable body", "bytes", len(body), "err", err)
			http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
			return
		}
		// the library would log a malformed body verbatim (900 KB, with
		// whatever personal data is in it): refuse it here and log only its
		// size and a hash, which find it again in a proxy's log
		var u models.Update
		if err := json.Unmarshal(body, &u); err != nil {
			sum := sha256.Sum256(body)
			b.Log.Warn("webhook: malformed update", "bytes", len(body), "sha256", hex.EncodeToString(sum[:]),
				"err", jsonErrorKind(err))
			http.Error(w, "malformed update", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		inner(w, r)
	})
}

// maxWebhookBody bounds an update; Telegram's are a few kilobytes.
const maxWebhookBody = 1 << 20

// jsonErrorKind describes a decoding error without quoting the input
// (encoding/json's messages can quote a value from it).
func jsonErrorKind(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("wrong type for %s at byte %d", typ.Field, typ.Offset)
	}
	return "not a Telegram update"
}

// drain waits for handlers still running (bounded by HandlerLimit).
func (b *Bot) drain() error {
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-time.After(b.cfg.HandlerLimit + time.Second):
		return errors.New("telegram handlers did not finish in time")
	}
}

// track counts the handler in flight and detaches it from the receive
// context: on shutdown that context is cancelled, yet a handler that has
// started should still answer (within HandlerLimit).
func (b *Bot) track(next bot.HandlerFunc) bot.HandlerFunc {
	return func(ctx context.Context, api *bot.Bot, u *models.Update) {
		b.inflight.Add(1)
		defer b.inflight.Done()
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.HandlerLimit)
		defer cancel()
		defer func() {
			if p := recover(); p != nil {
				b.Log.Error("telegram handler panic", "update_id", u.ID, "panic", fmt.Sprint(p))
			}
		}()
		if b.Seen != nil {
			first, err := b.Seen.First(hctx, u.ID)
			if err != nil {
				// better twice than never: handle it
				b.Log.Warn("telegram: update dedupe unavailable", "update_id", u.ID, "err", err)
			} else if !first {
				b.Log.Info("telegram: repeated update ignored", "update_id", u.ID)
				return
			}
		}
		next(hctx, api, u)
	}
}

// SetCommands publishes the command menu in each language; the Vietnamese
// one is also the default for every other language. Failure is logged, not
// fatal: the bot works without a menu.
func (b *Bot) SetCommands(ctx context.Context) {
	for _, lang := range append([]string{""}, l10n.Langs...) {
		var cmds []models.BotCommand
		for _, n := range conv.Commands {
			cmds = append(cmds, models.BotCommand{Command: n, Description: b.Text.Plain(l10n.Pick(lang), "cmd_"+n)})
		}
		if _, err := b.api.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds, LanguageCode: lang}); err != nil {
			b.Log.Warn("setMyCommands", "lang", lang, "err", b.redact(err))
		}
	}
}
