package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/loa-vn/loa/store"
)

// HandlePlanRunTask freezes the run's audience (one statement) and enqueues
// one send task per batch. Running it twice is harmless: the second freeze
// finds the run planned, and batch task ids are deterministic.
func (e *Engine) HandlePlanRunTask(ctx context.Context, t *asynq.Task) error {
	p, err := decode[PlanPayload](t)
	if err != nil {
		return err
	}
	log := e.Log.With("run_id", p.RunID)
	plan, err := e.Store.FreezeAudience(ctx, p.RunID, e.Cfg.BatchSize)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("plan: %w: %w", err, asynq.SkipRetry)
	}
	if err != nil {
		return fmt.Errorf("plan run %d: %w", p.RunID, err)
	}
	if plan.Fresh {
		log.Info("audience frozen", "recipients", plan.Total, "batches", plan.Batches, "channels", len(plan.Channels))
		for _, c := range plan.Channels {
			if _, ok := e.Channel(c.Channel); !ok {
				log.Warn("no sender for a channel in this worker: its rows wait for a worker that has one",
					"channel", c.Channel, "recipients", c.Total)
			}
		}
	}
	if plan.Status != store.RunSending {
		return nil
	}
	e.beat(ctx, p.RunID)
	if plan.Fresh {
		e.Redis.Set(ctx, keyRunLeft(p.RunID), plan.Batches, runLeftTTL)
	}
	if plan.Fresh {
		err = e.enqueueBatches(ctx, p.RunID, batchesOf(plan))
	} else {
		err = e.kick(ctx, p.RunID, false)
	}
	if err != nil {
		return fmt.Errorf("plan run %d: %w", p.RunID, err)
	}
	return nil
}
