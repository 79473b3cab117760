package app

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/hibiken/asynq"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/web/console"
)

// mountConsole serves the staff console under /console/ on the web mux.
// base is the address staff open (PUBLIC_URL, or http://HTTP_ADDR under
// `loa dev`): set-password links are made from it, and its scheme decides
// the cookie's Secure flag (off only for plain http on a loopback address).
// The console lives as long as ctx.
func (a *App) mountConsole(ctx context.Context, mux *http.ServeMux) error {
	st, _, err := a.connect(ctx)
	if err != nil {
		return err
	}
	botName, err := a.botUsername(ctx)
	if err != nil {
		return err
	}
	wf, err := a.workflow(ctx)
	if err != nil {
		return err
	}
	// sign-in codes by chat go to the staff member's Telegram (the sandbox
	// under `loa dev`); with Telegram off (Loa on Zalo alone), TOTP only
	var chat channel.Sender
	if a.Cfg.TelegramState() != StateOff {
		tg, err := a.telegramSender(false)
		if err != nil {
			return fmt.Errorf("console chat codes: %w", err)
		}
		chat = tg
	}
	insp := asynq.NewInspector(asynqOpt(a.RedisOptions()))
	a.OnClose(func() { insp.Close() })
	base := a.consoleBase()
	c, err := console.New(console.Deps{Store: st, BaseURL: base, Timezone: a.Cfg.Timezone,
		Log: a.Log.With("component", "console"), Key: a.Cfg.Key(), BotUsername: botName, Queues: insp,
		Workflow: wf, Chat: chat})
	if err != nil {
		return err
	}
	go func() { <-ctx.Done(); c.Close() }()
	mux.Handle(console.Prefix, c)
	a.Log.Info("console ready", "url", console.SignInURL(base))
	return nil
}

// consoleBase is the address staff open: PUBLIC_URL, else the local
// HTTP_ADDR over plain http (`loa dev`).
func (a *App) consoleBase() string {
	if a.Cfg.PublicURL != "" {
		return a.Cfg.PublicURL
	}
	return "http://" + loopbackAddr(a.Cfg.HTTPAddr)
}

// loopbackAddr turns a listen address into one a browser on this machine
// opens: ":8080" and "0.0.0.0:8080" become "127.0.0.1:8080".
func loopbackAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
