package app

import (
	"context"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/jobs"
)

// loa worker
func newWorkerCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "worker", Short: "send broadcast batches (Asynq server)", Args: noArgs,
		RunE: a.action(true, func(ctx context.Context, _ []string) error { return a.run(ctx, a.workerProcess()) })}
}

// workerProcess sends broadcast batches: an Asynq server on the broadcast queue.
func (a *App) workerProcess() process {
	return process{name: "worker", run: func(ctx context.Context, ready func()) error {
		e, err := a.engine(ctx, true)
		if err != nil {
			return err
		}
		cfg := jobs.ServerConfig(a.Cfg.Concurrency, a.Log)
		cfg.ShutdownTimeout = ShutdownTimeout - 2*time.Second
		srv := asynq.NewServer(asynqOpt(a.RedisOptions()), cfg)
		mux := asynq.NewServeMux()
		e.Register(mux)
		if err := srv.Start(mux); err != nil {
			return fmt.Errorf("asynq server: %w", err)
		}
		a.Log.Info("worker sending", "rate", a.Cfg.SendRate, "paid_broadcast", a.Cfg.PaidBroadcast, "concurrency", a.Cfg.Concurrency)
		ready()
		<-ctx.Done()
		e.Stop() // handlers hand back unsent rows and return at once
		srv.Shutdown()
		return nil
	}}
}
