package app

import (
	"context"
	"fmt"
	"net/http"

	"github.com/loa-vn/loa/web/api"
)

// mountAPI serves the staff API (/api/v1, /api/openapi.json) on the web mux.
func (a *App) mountAPI(ctx context.Context, mux *http.ServeMux) error {
	st, rdb, err := a.connect(ctx)
	if err != nil {
		return err
	}
	botName, err := a.botUsername(ctx)
	if err != nil {
		return err
	}
	d := api.Deps{Store: st, Redis: rdb, Key: a.Cfg.Key(), BotUsername: botName,
		TwoPersonRule: a.Cfg.TwoPersonRule, Timezone: a.Cfg.Timezone, Log: a.Log.With("component", "api")}
	// the FAQ files give each entry its review date for GET /faq/stale
	if d.FAQFiles, _, err = a.faqFilesAndText(); err != nil {
		return err
	}
	d.FAQStaleDays = a.Cfg.FAQStaleDays
	// test sends go to the staff member's own chat, in the sandbox under `loa dev`
	// (staff link a Telegram chat: with Telegram off there are no test sends)
	if a.Cfg.TelegramState() != StateOff {
		if d.Sender, err = a.telegramSender(false); err != nil {
			return fmt.Errorf("api test sender: %w", err)
		}
	}
	if d.ZaloBotID, err = a.zaloBotID(ctx); err != nil {
		return err
	}
	// pause/cancel go through the engine, which tells every worker within a second
	if d.Runs, err = a.engine(ctx, false); err != nil {
		return err
	}
	api.New(d).Mount(mux)
	return nil
}
