package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// botUsername is the bot's @username for invite links, their QR codes and
// the /link instructions: TELEGRAM_BOT_USERNAME when set (the sandbox's name
// by default), else what Telegram's getMe answers for TELEGRAM_TOKEN. When
// getMe does not answer, the process refuses to start: a printed QR code
// must never send residents to someone else's bot.
func (a *App) botUsername(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Cfg.BotUsername != "" || a.Cfg.TelegramState() != StateOn {
		return a.Cfg.BotUsername, nil
	}
	name, err := getMeUsername(ctx, a.Cfg.TelegramAPIURL, a.Cfg.TelegramToken)
	if err != nil {
		return "", fmt.Errorf("the bot's username for invite links: getMe: %w; set TELEGRAM_BOT_USERNAME or check TELEGRAM_TOKEN", err)
	}
	a.Cfg.BotUsername = name
	return name, nil
}

// getMeUsername asks the Bot API who the token belongs to. Its errors never
// hold the request URL, which holds the token.
func getMeUsername(ctx context.Context, apiURL, token string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, apiURL+"/bot"+token+"/getMe", nil)
	if err != nil {
		return "", errors.New("bad TELEGRAM_API_URL")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", err
	}
	defer res.Body.Close()
	var body struct {
		OK          bool   `json:"ok"`
		Description string `json:"description"`
		Result      struct {
			Username string `json:"username"`
		} `json:"result"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(nil, res.Body, 1<<16)).Decode(&body); err != nil {
		return "", fmt.Errorf("status %d, unreadable answer", res.StatusCode)
	}
	switch {
	case !body.OK:
		return "", fmt.Errorf("status %d: %s", res.StatusCode, body.Description)
	case !botNameRe.MatchString(body.Result.Username):
		return "", fmt.Errorf("the answer has no valid username (%q)", body.Result.Username)
	}
	return body.Result.Username, nil
}
