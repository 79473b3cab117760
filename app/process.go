package app

import (
	"context"
	"fmt"
	"time"
)

// process is one long-running part of Loa. run calls ready once it serves,
// and returns when ctx ends, after finishing or handing back its work.
type process struct {
	name string
	run  func(ctx context.Context, ready func()) error
}

// run starts processes together: the first to fail stops the others, a signal
// (ctx done) stops them all, and each gets ShutdownTimeout to finish.
func (a *App) run(ctx context.Context, ps ...process) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		name string
		err  error
	}
	done := make(chan result, len(ps))
	for _, p := range ps {
		go func() {
			start := time.Now()
			err := p.run(ctx, func() {
				a.Log.Info("ready", "process", p.name, "after", time.Since(start).Round(time.Millisecond))
			})
			done <- result{p.name, err}
		}()
	}
	var first error
	var stopAt time.Time
	for range ps {
		var r result
		select {
		case r = <-done:
		case <-ctx.Done():
			if stopAt.IsZero() {
				stopAt = time.Now()
				a.Log.Info("shutting down", "timeout", ShutdownTimeout)
			}
			select {
			case r = <-done:
			case <-time.After(time.Until(stopAt.Add(ShutdownTimeout))):
				return fmt.Errorf("processes did not stop within %s", ShutdownTimeout)
			}
		}
		if r.err != nil && first == nil && ctx.Err() == nil {
			first = fmt.Errorf("%s: %w", r.name, r.err)
		}
		a.Log.Info("stopped", "process", r.name, "err", r.err)
		cancel()
	}
	return first
}
