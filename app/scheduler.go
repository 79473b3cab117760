package app

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/jobs"
)

// loa scheduler
func newSchedulerCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "scheduler", Short: "start scheduled and yearly broadcasts on time", Args: noArgs,
		RunE: a.action(true, func(ctx context.Context, _ []string) error { return a.run(ctx, a.schedulerProcess()) })}
}

// schedulerProcess starts due broadcasts and repairs stalled runs.
func (a *App) schedulerProcess() process {
	return process{name: "scheduler", run: func(ctx context.Context, ready func()) error {
		e, err := a.engine(ctx, false)
		if err != nil {
			return err
		}
		ready()
		return (&jobs.Scheduler{E: e}).Run(ctx)
	}}
}
