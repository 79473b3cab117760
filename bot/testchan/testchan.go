// Package testchan is a minimal second channel for tests: it keeps what it
// is sent in memory instead of calling a platform, and has Zalo-like
// limits (plain text, 2000 characters, no buttons, no photos), so a test
// shows what any channel other than Telegram gets. Adding it to the engine
// is one line: engine.AddChannel(testchan.New(), rate).
package testchan

import (
	"context"
	"sync"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/messages"
)

// Name is the channel's subscribers.channel value.
const Name = "testchan"

// Limits are plain text, 2000 characters a message, no buttons, no photos.
var Limits = messages.Limits{Channel: Name, Text: 2000, Markup: messages.MarkupPlain}

// Channel is the in-memory channel. Its zero value is not usable: New.
type Channel struct {
	mu    sync.Mutex
	sent  map[string][]channel.Part
	count int
	fail  map[string][]channel.Outcome
}

var _ channel.Channel = (*Channel)(nil)

// New makes an empty channel and makes its limits known to content
// validation.
func New() *Channel {
	messages.RegisterChannel(Limits)
	return &Channel{sent: map[string][]channel.Part{}, fail: map[string][]channel.Outcome{}}
}

// Name implements channel.Channel.
func (c *Channel) Name() string { return Name }

// Limits implements channel.Channel.
func (c *Channel) Limits() channel.Limits { return Limits }

// Render renders the content as plain text within Limits.
func (c *Channel) Render(v messages.Variant, split bool) ([]channel.Part, error) {
	return messages.RenderFor(v, split, Limits)
}

// Send records p as sent to to, unless a failure was queued for to.
func (c *Channel) Send(_ context.Context, to string, p channel.Part) channel.Outcome {
	c.mu.Lock()
	defer c.mu.Unlock()
	if q := c.fail[to]; len(q) > 0 {
		c.fail[to] = q[1:]
		return q[0]
	}
	c.sent[to] = append(c.sent[to], p)
	c.count++
	return channel.Outcome{Kind: channel.Sent}
}

// FailNext makes the next send to to answer out instead of succeeding.
func (c *Channel) FailNext(to string, out channel.Outcome) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fail[to] = append(c.fail[to], out)
}

// SentTo lists what to received, in order.
func (c *Channel) SentTo(to string) []channel.Part {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]channel.Part(nil), c.sent[to]...)
}

// Count is how many parts were sent in all.
func (c *Channel) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count
}

// Recipients is how many distinct recipients got something.
func (c *Channel) Recipients() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sent)
}
