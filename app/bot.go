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
	"github.com/loa-vn/loa/bot/zalo"
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

// botAPIs are the channels a resident-bot process receives on; nil is off.
type botAPIs struct {
	tg   *telegramAPI
	zalo *zaloAPI
}

// realAPIs are the configured channels: Telegram unless only Zalo has a
// token, Zalo when ZALO_BOT_TOKEN is set.
func (a *App) realAPIs() botAPIs {
	var apis botAPIs
	if a.Cfg.TelegramState() != StateOff {
		tg := a.realAPI()
		apis.tg = &tg
	}
	if a.Cfg.ZaloState() == StateOn {
		z := a.realZaloAPI()
		apis.zalo = &z
	}
	return apis
}

// loa bot
func newBotCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "bot", Short: "Telegram and Zalo long polling, for hosts without a public URL", Args: noArgs,
		RunE: a.action(true, func(ctx context.Context, _ []string) error { return a.run(ctx, a.botProcess()) })}
}

// botProcess receives updates by long polling. With PUBLIC_URL set, Zalo's
// events go to `loa web`'s webhook: polling would delete it.
func (a *App) botProcess() process {
	apis := a.realAPIs()
	if apis.zalo != nil && a.Cfg.PublicURL != "" {
		a.Log.Info("Zalo events go to the webhook of `loa web` (PUBLIC_URL is set): `loa bot` does not poll Zalo")
		apis.zalo = nil
	}
	return a.pollProcess(apis)
}

// pollProcess long-polls every channel in apis with one set of
// conversations; the first channel to fail stops the others.
func (a *App) pollProcess(apis botAPIs) process {
	return process{name: "bot", run: func(ctx context.Context, ready func()) error {
		residents, cat, err := a.residents(ctx)
		if err != nil {
			return err
		}
		var tg *telegram.Bot
		if apis.tg != nil {
			if tg, err = a.telegramBot(ctx, *apis.tg, "", residents, cat); err != nil {
				return err
			}
		}
		var zb *zalo.Bot
		if apis.zalo != nil {
			if zb, err = a.zaloBot(ctx, *apis.zalo, residents); err != nil {
				return err
			}
		}
		go a.purgeQuestions(ctx)
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		errc := make(chan error, 2)
		n := 0
		if zb != nil {
			n++
			go func() { errc <- zb.Poll(ctx) }()
		}
		if tg != nil {
			n++
			go func() { errc <- tg.Poll(ctx, ready) }()
		} else {
			ready()
		}
		var first error
		for range n {
			if err := <-errc; err != nil && first == nil {
				first = err
				cancel() // one channel failing stops the process, like any other failure
			}
		}
		return first
	}}
}

// mountWebhook serves the webhooks when PUBLIC_URL is set (Telegram's and
// Zalo's, for the channels that are on), and registers them with the
// platforms once the handlers run.
func (a *App) mountWebhook(ctx context.Context, mux *http.ServeMux) error {
	if a.Cfg.PublicURL == "" || a.Cfg.Sandbox() {
		return nil
	}
	residents, cat, err := a.residents(ctx)
	if err != nil {
		return err
	}
	if err := a.mountZaloWebhook(ctx, mux, residents); err != nil {
		return err
	}
	go a.purgeQuestions(ctx)
	if a.Cfg.TelegramState() != StateOn {
		return nil
	}
	b, err := a.telegramBot(ctx, a.realAPI(), a.Cfg.WebhookSecret, residents, cat)
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
	return nil
}

// residents wires the conversations every channel of this process shares
// to the store, Redis, the FAQ and the locales.
func (a *App) residents(ctx context.Context) (*conv.Bot, *l10n.Catalog, error) {
	st, rdb, err := a.connect(ctx)
	if err != nil {
		return nil, nil, err
	}
	kbs, cat, err := a.faqFilesAndText()
	if err != nil {
		return nil, nil, err
	}
	// staff edits to the FAQ reach every running bot within seconds
	src := faqsync.NewSource(ctx, st, kbs, a.Log)
	go src.Run(ctx)
	residents := conv.New(conv.Config{KeepDays: a.Cfg.QuestionLogDays, Timezone: a.Cfg.Timezone}, conv.Deps{
		Store: st, FAQ: src.Current, Text: cat, Conv: conv.RedisConversations{R: rdb, TTL: 15 * time.Minute},
		Key: a.Cfg.Key(), Log: a.Log, Metrics: a.Metrics(), Contacts: a.matchContact(st),
		Before: []conv.Handler{a.staffCommands(ctx, st)}})
	return residents, cat, nil
}

// telegramBot wires the Telegram channel to the conversations.
func (a *App) telegramBot(ctx context.Context, api telegramAPI, secret string, residents *conv.Bot, cat *l10n.Catalog) (*telegram.Bot, error) {
	rdb, err := a.Redis(ctx)
	if err != nil {
		return nil, err
	}
	cfg := telegram.Config{Token: api.token, APIURL: api.url, WebhookSecret: secret}
	// a repeated update_id is handled once, across every process (Redis)
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
