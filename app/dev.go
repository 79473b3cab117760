package app

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/bot/zalofake"
)

// loa dev runs every process in one, for a laptop: with no TELEGRAM_TOKEN
// and no ZALO_BOT_TOKEN the bot talks to the built-in sandbox Telegram and
// sandbox Zalo, which `loa chat` (and `loa chat --channel zalo`) join.
func newDevCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "dev", Short: "every process in one, against the sandbox Telegram and Zalo without tokens",
		Args: noArgs, RunE: a.action(true, func(ctx context.Context, _ []string) error {
			ps, err := a.devProcesses(ctx)
			if err != nil {
				return err
			}
			return a.run(ctx, ps...)
		})}
}

// devProcesses runs everything in one process. Without tokens the bot
// polls the sandbox fakes (Telegram on LOA_SANDBOX_ADDR, Zalo on
// LOA_ZALO_SANDBOX_ADDR) and the worker sends broadcasts to them.
func (a *App) devProcesses(ctx context.Context) ([]process, error) {
	ps := []process{a.webProcess(), a.workerProcess(), a.schedulerProcess()}
	if !a.Cfg.Sandbox() {
		if a.Cfg.PublicURL == "" { // with PUBLIC_URL the web process takes the webhooks
			ps = append(ps, a.botProcess())
		}
		return ps, nil
	}
	fake, err := tgfake.Listen(a.Cfg.SandboxAddr, tgfake.WithBotUsername(a.Cfg.BotUsername))
	if err != nil {
		return nil, fmt.Errorf("sandbox Telegram on %s (LOA_SANDBOX_ADDR): %w", a.Cfg.SandboxAddr, err)
	}
	a.OnClose(fake.Close)
	zfake, err := zalofake.Listen(a.Cfg.ZaloSandboxAddr)
	if err != nil {
		return nil, fmt.Errorf("sandbox Zalo on %s (LOA_ZALO_SANDBOX_ADDR): %w", a.Cfg.ZaloSandboxAddr, err)
	}
	a.OnClose(zfake.Close)
	a.Log.Info("sandbox Telegram running: talk to the bot with `loa chat`", "addr", a.Cfg.SandboxAddr)
	a.Log.Info("sandbox Zalo running: talk to the bot with `loa chat --channel zalo`", "addr", a.Cfg.ZaloSandboxAddr)
	z := a.sandboxZaloAPI()
	return append(ps, a.pollProcess(botAPIs{tg: &telegramAPI{url: fake.URL(), token: fake.Token()}, zalo: &z})), nil
}
