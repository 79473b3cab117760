package app

import (
	"context"
	"errors"
	"net/http"
)

// Owned by the resident bot (issue 3).

func (a *App) botProcess() process { return idle("bot", a) }

func (a *App) mountWebhook(ctx context.Context, mux *http.ServeMux) error { return nil }

func (a *App) devProcesses(ctx context.Context) ([]process, error) {
	return []process{a.webProcess(), a.workerProcess(), a.schedulerProcess(), a.botProcess()}, nil
}

func cmdAsk(ctx context.Context, a *App, args []string) error  { return errors.New("not built yet") }
func cmdChat(ctx context.Context, a *App, args []string) error { return errors.New("not built yet") }
func benchFAQ(ctx context.Context, a *App, args []string) error {
	return errors.New("not built yet")
}
