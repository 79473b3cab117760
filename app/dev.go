package app

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/bot/tgfake"
)

// loa dev runs every process in one, for a laptop: with no TELEGRAM_TOKEN
// the bot talks to the built-in sandbox Telegram, which `loa chat` joins.
func newDevCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "dev", Short: "every process in one, against the sandbox Telegram without TELEGRAM_TOKEN",
		Args: noArgs, RunE: a.action(true, func(ctx context.Context, _ []string) error {
			ps, err := a.devProcesses(ctx)
			if err != nil {
				return err
			}
			return a.run(ctx, ps...)
		})}
}

// devProcesses runs everything in one process. Without TELEGRAM_TOKEN the
// bot polls the sandbox fake Telegram, which `loa chat` joins.
func (a *App) devProcesses(ctx context.Context) ([]process, error) {
	ps := []process{a.webProcess(), a.workerProcess(), a.schedulerProcess()}
	if !a.Cfg.Sandbox() {
		if a.Cfg.PublicURL == "" { // with PUBLIC_URL the web process takes the webhook
			ps = append(ps, a.botProcess())
		}
		return ps, nil
	}
	fake, err := tgfake.Listen(a.Cfg.SandboxAddr, tgfake.WithBotUsername(a.Cfg.BotUsername))
	if err != nil {
		return nil, fmt.Errorf("sandbox Telegram on %s (LOA_SANDBOX_ADDR): %w", a.Cfg.SandboxAddr, err)
	}
	a.OnClose(fake.Close)
	a.Log.Info("sandbox Telegram running: talk to the bot with `loa chat`", "addr", a.Cfg.SandboxAddr)
	return append(ps, a.pollProcess(telegramAPI{url: fake.URL(), token: fake.Token()})), nil
}
