// Package jobs is the broadcast engine: Asynq tasks that plan a run (freeze
// its audience, cut it into batches of one channel each) and send the
// batches through their channel (bot/channel) at that channel's shared
// rate, plus the scheduler that starts runs on time. PostgreSQL is
// the record; Redis holds only queues, the rate limit and caches, so losing
// Redis loses no delivery state.
package jobs

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// Task types.
const (
	TypePlanRun   = "broadcast:plan"
	TypeSendBatch = "broadcast:send"
	// TypeSendOne is the naive one-task-per-recipient baseline the benchmark
	// compares against; production neither enqueues nor registers it.
	TypeSendOne = "broadcast:send_one"
)

// Queue is where broadcast tasks go.
const Queue = "broadcast"

// PlanPayload names the run to plan.
type PlanPayload struct {
	RunID int64 `json:"run_id"`
}

// SendPayload names one batch of a run and the channel its recipients are on.
type SendPayload struct {
	RunID   int64  `json:"run_id"`
	Batch   int    `json:"batch"`
	Channel string `json:"channel"`
}

// SendOnePayload names one recipient (baseline only).
type SendOnePayload struct {
	RunID        int64 `json:"run_id"`
	SubscriberID int64 `json:"subscriber_id"`
}

// PlanTaskID is deterministic: a second enqueue while the first exists is a conflict, not a second plan.
func PlanTaskID(runID int64) string { return fmt.Sprintf("plan:%d", runID) }

// SendTaskID is deterministic: re-planning after a crash creates no second batch.
func SendTaskID(runID int64, batch int) string { return fmt.Sprintf("send:%d:%d", runID, batch) }

// NewPlanRunTask makes the task that freezes a run's audience.
func NewPlanRunTask(runID int64) (*asynq.Task, error) {
	b, err := json.Marshal(PlanPayload{RunID: runID})
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypePlanRun, b, asynq.TaskID(PlanTaskID(runID)), asynq.Queue(Queue),
		asynq.MaxRetry(20), asynq.Timeout(10*time.Minute)), nil
}

// NewSendBatchTask makes the task that sends one batch; timeout bounds how
// long a handler may hold claimed rows (see Config.TaskTimeout).
func NewSendBatchTask(runID int64, batch int, channel string, timeout time.Duration, id string) (*asynq.Task, error) {
	b, err := json.Marshal(SendPayload{RunID: runID, Batch: batch, Channel: channel})
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeSendBatch, b, asynq.TaskID(id), asynq.Queue(Queue),
		asynq.MaxRetry(25), asynq.Timeout(timeout)), nil
}

// NewSendOneTask makes a baseline single-recipient task.
func NewSendOneTask(runID, subscriberID int64) (*asynq.Task, error) {
	b, err := json.Marshal(SendOnePayload{RunID: runID, SubscriberID: subscriberID})
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeSendOne, b, asynq.Queue(Queue), asynq.MaxRetry(3), asynq.Timeout(time.Minute)), nil
}

func decode[T any](t *asynq.Task) (T, error) {
	var p T
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return p, fmt.Errorf("%s: bad payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	return p, nil
}
