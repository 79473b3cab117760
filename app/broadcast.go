package app

import (
	"context"
	"errors"
)

// Owned by the broadcast engine (issue 4).

func (a *App) workerProcess() process    { return idle("worker", a) }
func (a *App) schedulerProcess() process { return idle("scheduler", a) }

func cmdBroadcast(ctx context.Context, a *App, args []string) error {
	return errors.New("not built yet")
}
func benchBroadcast(ctx context.Context, a *App, args []string) error {
	return errors.New("not built yet")
}

// seedExtras seeds what the broadcast engine needs (the yearly Digital
// Transformation Day campaign) and returns how many rows it changed.
func seedExtras(ctx context.Context, a *App) (int, error) { return 0, nil }
