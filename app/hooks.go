package app

import (
	"context"
	"io/fs"
	"net/http"

	"github.com/loa-vn/loa/store"
)

func storeMigrations() fs.FS { return store.Migrations() }

// idle is a process that connects, reports ready and waits for its stop
// signal; it stands in for a process whose work a later issue fills in.
func idle(name string, a *App) process {
	return process{name: name, run: func(ctx context.Context, ready func()) error {
		if _, err := a.Store(ctx, true); err != nil {
			return err
		}
		if _, err := a.Redis(ctx); err != nil {
			return err
		}
		ready()
		<-ctx.Done()
		return nil
	}}
}

// mountRoutes adds the Telegram webhook and the staff API to the web mux.
func (a *App) mountRoutes(ctx context.Context, mux *http.ServeMux) error {
	if err := a.mountWebhook(ctx, mux); err != nil {
		return err
	}
	return a.mountAPI(ctx, mux)
}
