package app

import (
	"context"
	"net/http"

	"github.com/loa-vn/loa/web/console"
)

// mountConsole serves the staff console under /console/ on the web mux.
// base is the address staff open (PUBLIC_URL, or http://HTTP_ADDR under
// `loa dev`): set-password links are made from it, and its scheme decides
// the cookie's Secure flag (off only for plain http on a loopback address).
// The lead calls it from mountRoutes; the console lives as long as ctx.
func (a *App) mountConsole(ctx context.Context, mux *http.ServeMux, base string) error {
	st, _, err := a.connect(ctx)
	if err != nil {
		return err
	}
	c, err := console.New(console.Deps{Store: st, BaseURL: base, Timezone: a.Cfg.Timezone,
		Log: a.Log.With("component", "console")})
	if err != nil {
		return err
	}
	go func() { <-ctx.Done(); c.Close() }()
	mux.Handle(console.Prefix, c)
	return nil
}
