package jobs

import (
	"context"
	"time"

	"github.com/loa-vn/loa/messages"
)

// Sender delivers one message part to one chat. It is the only thing the
// broadcaster needs from a messaging platform: Telegram today (telegram.go),
// others later, fakes in tests.
type Sender interface {
	Send(ctx context.Context, chatID int64, part messages.Part) Outcome
}

// Kind classifies what happened to a send.
type Kind int

const (
	// Sent: the platform accepted the message.
	Sent Kind = iota
	// Blocked: the recipient cannot be reached (blocked the bot, deactivated,
	// chat not found); the subscriber is marked and never retried.
	Blocked
	// Failed: a permanent refusal of this message (e.g. a 400); recorded with its reason.
	Failed
	// Transient: network error or 5xx; worth retrying with backoff.
	Transient
	// RateLimited: a 429; every sender pauses for RetryAfter, then this recipient is retried.
	RateLimited
	// Migrated: the group became a supergroup at MigrateTo; resend there once.
	Migrated
	// Unknown: the request may have reached the platform but no answer came
	// (the task was cancelled mid-request); never re-sent automatically.
	Unknown
)

// Outcome is a send's result.
type Outcome struct {
	Kind       Kind
	Reason     string
	RetryAfter time.Duration
	MigrateTo  int64
}

// String names a kind for metrics and logs.
func (k Kind) String() string {
	switch k {
	case Sent:
		return "sent"
	case Blocked:
		return "blocked"
	case Failed:
		return "failed"
	case Transient:
		return "transient"
	case RateLimited:
		return "rate_limited"
	case Migrated:
		return "migrated"
	}
	return "unknown"
}
