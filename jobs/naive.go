package jobs

import (
	"context"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/loa-vn/loa/store"
)

// RegisterNaive adds the naive one-task-per-recipient baseline to mux.
// Only `loa bench broadcast` calls it, on its own scratch worker, to show
// what batching buys; no production worker's task table holds it.
func (e *Engine) RegisterNaive(mux *asynq.ServeMux) {
	mux.HandleFunc(TypeSendOne, e.HandleSendOneTask)
}

// HandleSendOneTask is the naive baseline: one Asynq task, one claim, one
// send and one record per recipient.
func (e *Engine) HandleSendOneTask(ctx context.Context, t *asynq.Task) error {
	p, err := decode[SendOnePayload](t)
	if err != nil {
		return err
	}
	c, ok, err := e.Store.ClaimDelivery(ctx, p.RunID, p.SubscriberID)
	if err != nil || !ok {
		return err
	}
	ln, ok := e.lanes[c.Channel]
	if !ok {
		gave := giveBack([]store.Claimed{c}, "")
		if _, err := e.Store.RecordResults(ctx, p.RunID, 0, gave, false); err != nil {
			return err
		}
		return fmt.Errorf("send one: %w %q", errNoChannel, c.Channel)
	}
	b, err := e.newBatch(ctx, p.RunID, -1, ln)
	if err != nil || b == nil {
		return err
	}
	r, sendErr := b.deliver(ctx, c)
	if err := b.record(ctx, 0, []store.Result{r}, false); err != nil {
		return err
	}
	return sendErr // the benchmark finishes the run itself (a per-task check would cost O(run) each)
}

// EnqueueNaive enqueues one baseline task per recipient of a frozen run.
func (e *Engine) EnqueueNaive(ctx context.Context, runID int64) (int, error) {
	ids, err := e.Store.RunSubscribers(ctx, runID)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		t, err := NewSendOneTask(runID, id)
		if err != nil {
			return 0, err
		}
		if _, err := e.Client.EnqueueContext(ctx, t); err != nil {
			return 0, fmt.Errorf("enqueue naive task: %w", err)
		}
	}
	return len(ids), nil
}
