// Package channel is Loa's model of a platform residents are reached on
// (Telegram, Zalo, …) as the broadcast engine sees it. A recipient is a
// channel's name and an external id, a string; a Channel has limits, a
// renderer from campaign content to the parts the platform accepts, and a
// sender that classifies every outcome into a Kind the engine acts on.
//
// Each channel lives in its own package (bot/telegram for Telegram) and is
// registered with the engine by one wiring line. Update intake (webhook,
// polling) and conversations are not here: intake stays in each channel's
// package and conversations work on neutral messages in bot/conv.
package channel

import (
	"context"
	"regexp"
	"time"

	"github.com/loa-vn/loa/messages"
)

// Limits is what a channel accepts in one message (text and caption
// lengths, buttons, markup). It is defined in messages, which measures
// and renders content against it.
type Limits = messages.Limits

// Part is one message as a channel sends it.
type Part = messages.Part

// Sender delivers one part to one recipient and says what happened. It is
// all a test send needs.
type Sender interface {
	Send(ctx context.Context, to string, p Part) Outcome
}

// Channel is one platform the engine sends broadcasts on.
type Channel interface {
	Sender
	// Name is the subscribers.channel value of its residents, e.g. "telegram".
	Name() string
	// Limits are what one message may hold; content is validated against them.
	Limits() Limits
	// Render turns one locale's campaign content into the parts to send,
	// in order (split: a long text may become several messages).
	Render(v messages.Variant, split bool) ([]Part, error)
}

// ValidName is the form of a channel name (subscribers.channel, deliveries.channel).
var ValidName = regexp.MustCompile(`^[a-z][a-z0-9_]{1,31}$`)

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
	// RateLimited: the platform's rate limit (429): every sender on this
	// channel pauses for RetryAfter, then this recipient is retried.
	RateLimited
	// Migrated: the recipient moved to MigrateTo (Telegram: a group became
	// a supergroup); resend there once.
	Migrated
	// Unknown: the request may have reached the platform but no answer came
	// (the task was cancelled mid-request); never re-sent automatically.
	Unknown
	// Unavailable: the whole channel cannot send now, whoever the recipient
	// (Zalo: the bot token was refused, 401). Like RateLimited, every sender
	// on this channel pauses for RetryAfter and this recipient is retried;
	// no recipient is marked. Other channels keep going.
	Unavailable
)

// Outcome is a send's result. Reason must never hold a token or secret:
// it is stored and exported in reports.
type Outcome struct {
	Kind       Kind
	Reason     string
	RetryAfter time.Duration // RateLimited, Unavailable
	MigrateTo  string        // Migrated: the recipient's new external id
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
	case Unavailable:
		return "unavailable"
	}
	return "unknown"
}
