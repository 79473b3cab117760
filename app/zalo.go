package app

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/zalo"
	"github.com/loa-vn/loa/bot/zalofake"
)

// ZaloWebhookPath is where `loa web` receives Zalo events.
const ZaloWebhookPath = "/zalo/webhook"

// zaloAPI is the Zalo Bot API Loa talks to: the platform, or the sandbox
// fake of `loa dev` when no channel has a token.
type zaloAPI struct{ url, token string }

func (a *App) realZaloAPI() zaloAPI { return zaloAPI{url: a.Cfg.ZaloAPIURL, token: a.Cfg.ZaloToken} }

// sandboxZaloAPI is the fake `loa dev` serves on LOA_ZALO_SANDBOX_ADDR.
func (a *App) sandboxZaloAPI() zaloAPI {
	return zaloAPI{url: "http://" + a.Cfg.ZaloSandboxAddr, token: zalofake.DefaultToken}
}

// zaloSendAPI is where broadcasts to Zalo go: the platform, the sandbox, or
// nowhere (ok false) when Zalo is off.
func (a *App) zaloSendAPI() (zaloAPI, bool) {
	switch a.Cfg.ZaloState() {
	case StateOn:
		return a.realZaloAPI(), true
	case StateSandbox:
		return a.sandboxZaloAPI(), true
	}
	return zaloAPI{}, false
}

// zaloClient makes a client that logs through the app's logger (debug only).
func (a *App) zaloClient(api zaloAPI) (*zalo.Client, error) {
	c, err := zalo.NewClient(api.token, api.url, zalo.WithLogger(a.Log))
	if err != nil {
		return nil, fmt.Errorf("ZALO_BOT_TOKEN / ZALO_API_URL: %w", err)
	}
	return c, nil
}

// zaloChannel is Zalo as a broadcast channel for a worker's engine (nil
// without a sender, or when Zalo is off). The configuration was checked at
// start, so a client that cannot be made is logged, not fatal: Telegram
// still sends, and Zalo's batches wait for a worker that has the channel.
func (a *App) zaloChannel(withSender bool) *zalo.Channel {
	a.registerZaloLimits()
	api, ok := a.zaloSendAPI()
	if !withSender || !ok {
		return nil
	}
	c, err := a.zaloClient(api)
	if err != nil {
		a.Log.Error("zalo channel not added", "err", err)
		return nil
	}
	return zalo.NewChannel(c)
}

// registerZaloLimits makes content validation in this process know Zalo's
// 2000-character limit whenever Zalo is on (or sandboxed).
func (a *App) registerZaloLimits() {
	if a.Cfg.ZaloState() != StateOff {
		zalo.RegisterLimits()
	}
}

// zaloBot wires the Zalo channel to the conversations; retried deliveries
// are recognised across processes by a Redis deduper.
func (a *App) zaloBot(ctx context.Context, api zaloAPI, residents *conv.Bot) (*zalo.Bot, error) {
	_, rdb, err := a.connect(ctx)
	if err != nil {
		return nil, err
	}
	c, err := a.zaloClient(api)
	if err != nil {
		return nil, err
	}
	if _, err := c.Identity(ctx); err != nil {
		return nil, err
	}
	return zalo.NewBot(c, residents, a.Log, zalo.WithDeduper(zalo.NewRedisDeduper(rdb, "", 0))), nil
}

// mountZaloWebhook serves POST /zalo/webhook when Zalo is on (PUBLIC_URL is
// set: the caller checked) and registers it with setWebhook once the HTTP
// listener is bound.
func (a *App) mountZaloWebhook(ctx context.Context, mux *http.ServeMux, residents *conv.Bot) error {
	if a.Cfg.ZaloState() != StateOn {
		return nil
	}
	b, err := a.zaloBot(ctx, a.realZaloAPI(), residents)
	if err != nil {
		return err
	}
	wh, err := b.Webhook(a.Cfg.ZaloWebhookSecret)
	if err != nil {
		return fmt.Errorf("ZALO_WEBHOOK_SECRET: %w", err)
	}
	mux.Handle("POST "+ZaloWebhookPath, wh)
	go func() {
		// the platform delivers as soon as the webhook is set: set it only
		// once the listener is bound, or the first messages meet a closed
		// port (the fake platform gives up after three tries, 150 ms)
		select {
		case <-a.Listening():
		case <-ctx.Done():
			return
		}
		for i := range 5 {
			err := b.SetWebhook(ctx, a.Cfg.PublicURL+ZaloWebhookPath, a.Cfg.ZaloWebhookSecret)
			if err == nil {
				a.Log.Info("zalo webhook set", "path", ZaloWebhookPath)
				return
			}
			a.Log.Warn("zalo setWebhook", "attempt", i+1, "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Duration(1<<i) * time.Second):
			}
		}
		a.Log.Error("zalo setWebhook failed: Zalo events will not arrive until `loa web` restarts")
	}()
	return nil
}

// zaloBotID is the Zalo bot's id for its zalo.me link on invites: getMe's
// answer with ZALO_BOT_TOKEN (a process that cannot ask refuses to start,
// as for Telegram: a printed QR code must never lead to another bot), the
// sandbox bot's id, or "" when Zalo is off.
func (a *App) zaloBotID(ctx context.Context) (string, error) {
	switch a.Cfg.ZaloState() {
	case StateOn:
		c, err := a.zaloClient(a.realZaloAPI())
		if err != nil {
			return "", err
		}
		info, err := c.Identity(ctx)
		if err != nil {
			return "", fmt.Errorf("the Zalo bot's id for invite links: %w", err)
		}
		return info.ID, nil
	case StateSandbox:
		id, _, _ := strings.Cut(zalofake.DefaultToken, ":")
		return id, nil
	}
	return "", nil
}
