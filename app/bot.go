package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/faqsync"
	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/bot/staff"
	"github.com/loa-vn/loa/bot/telegram"
	"github.com/loa-vn/loa/locales"
	"github.com/loa-vn/loa/store"
)

// WebhookPath is where `loa web` receives Telegram updates.
const WebhookPath = "/telegram/webhook"

// telegramAPI is the Bot API the resident bot talks to: Telegram (or a
// self-hosted server), or the sandbox fake in `loa dev` without a token.
type telegramAPI struct{ url, token string }

func (a *App) realAPI() telegramAPI {
	return telegramAPI{url: a.Cfg.TelegramAPIURL, token: a.Cfg.TelegramToken}
}

// loa bot
func newBotCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "bot", Short: "Telegram long polling, for hosts without a public URL", Args: noArgs,
		RunE: a.action(true, func(ctx context.Context, _ []string) error { return a.run(ctx, a.botProcess()) })}
}

// botProcess receives updates by long polling.
func (a *App) botProcess() process { return a.pollProcess(a.realAPI()) }

func (a *App) pollProcess(api telegramAPI) process {
	return process{name: "bot", run: func(ctx context.Context, ready func()) error {
		b, err := a.residentBot(ctx, api, "")
		if err != nil {
			return err
		}
		go a.purgeQuestions(ctx)
		return b.Poll(ctx, ready)
	}}
}

// mountWebhook serves Telegram's webhook when PUBLIC_URL is set, and
// registers it with Telegram once the handlers run.
func (a *App) mountWebhook(ctx context.Context, mux *http.ServeMux) error {
	if a.Cfg.PublicURL == "" || a.Cfg.Sandbox() {
		return nil
	}
	b, err := a.residentBot(ctx, a.realAPI(), a.Cfg.WebhookSecret)
	if err != nil {
		return err
	}
	mux.Handle("POST "+WebhookPath, b.WebhookHandler())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := b.ServeWebhook(ctx, a.Cfg.PublicURL+WebhookPath); err != nil {
			a.Log.Error("telegram webhook", "err", err)
		}
	}()
	// the web process returns when its HTTP server stops; handlers still
	// answering must finish before the store closes (closers run last first)
	a.OnClose(func() {
		select {
		case <-done:
		case <-time.After(ShutdownTimeout):
		}
	})
	go a.purgeQuestions(ctx)
	return nil
}

// residentBot wires the Telegram channel to the store, Redis, the FAQ and the locales.
func (a *App) residentBot(ctx context.Context, api telegramAPI, secret string) (*telegram.Bot, error) {
	st, rdb, err := a.connect(ctx)
	if err != nil {
		return nil, err
	}
	kbs, cat, err := a.faqFilesAndText()
	if err != nil {
		return nil, err
	}
	// staff edits to the FAQ reach every running bot within seconds
	src := faqsync.NewSource(ctx, st, kbs, a.Log)
	go src.Run(ctx)
	residents := conv.New(conv.Config{KeepDays: a.Cfg.QuestionLogDays, Timezone: a.Cfg.Timezone}, conv.Deps{
		Store: st, FAQ: src.Current, Text: cat, Conv: conv.RedisConversations{R: rdb, TTL: 15 * time.Minute},
		Key: a.Cfg.Key(), Log: a.Log, Metrics: a.Metrics(), Contacts: a.matchContact(st),
		Before: []conv.Handler{a.staffCommands(ctx, st)}})
	cfg := telegram.Config{Token: api.token, APIURL: api.url, WebhookSecret: secret}
	return telegram.New(ctx, cfg, telegram.Deps{Conv: residents, Text: cat, Log: a.Log, Seen: telegram.RedisSeen{R: rdb}})
}

// matchContact joins a resident who shared their phone to the agency lists
// that imported that number.
func (a *App) matchContact(st *store.Store) func(context.Context, int64, string, string) string {
	return func(ctx context.Context, subscriberID int64, lang, phone string) string {
		joined, err := staff.MatchContact(ctx, st, a.Cfg.Key(), subscriberID, phone)
		if err != nil && !errors.Is(err, store.ErrInvalid) {
			a.Log.Error("match contact", "subscriber_id", subscriberID, "err", err)
		}
		return staff.ContactReply(lang, joined, err)
	}
}

// staffCommands adds /link, /pending, /broadcasts, /cancel and /report for
// linked staff; residents never see them.
func (a *App) staffCommands(ctx context.Context, st *store.Store) conv.Handler {
	d := staff.Deps{Store: st, TwoPersonRule: a.Cfg.TwoPersonRule, Timezone: a.Cfg.Timezone, Log: a.Log}
	// /cancel goes through the broadcast engine so every worker stops within a second
	if e, err := a.engine(ctx, false); err == nil {
		d.Runs = e
	} else {
		a.Log.Warn("staff /cancel will only mark runs cancelled in PostgreSQL", "err", err)
	}
	return staff.Handler(d)
}

// faqFilesAndText loads the FAQ files and the bot's text.
func (a *App) faqFilesAndText() (map[string]*faq.KB, *l10n.Catalog, error) {
	kbs, err := faq.LoadFS(locales.FS)
	if err != nil {
		return nil, nil, fmt.Errorf("FAQ: %w", err)
	}
	cat, err := l10n.Load(locales.FS, a.Log)
	if err != nil {
		return nil, nil, err
	}
	return kbs, cat, nil
}

// purgeQuestions deletes questions older than LOA_QUESTION_LOG_DAYS at start
// and then hourly. Several processes may do it at once: DELETE is idempotent.
func (a *App) purgeQuestions(ctx context.Context) {
	keep := time.Duration(a.Cfg.QuestionLogDays) * 24 * time.Hour
	for {
		if st, err := a.Store(ctx, false); err == nil {
			if n, err := st.PurgeQuestions(ctx, keep); err != nil {
				a.Log.Warn("purge questions", "err", err)
			} else if n > 0 {
				a.Log.Info("purged old questions", "rows", n, "days", a.Cfg.QuestionLogDays)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}
