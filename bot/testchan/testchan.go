// Package testchan is a minimal second channel for tests: it keeps what it
// is sent in memory instead of calling a platform, and has Zalo-like
// limits (plain text, 2000 characters, no buttons, no photos), so a test
// shows what any channel other than Telegram gets. Adding it to the engine
// is one line, engine.AddChannel(testchan.New(), rate); residents talk to
// the conversations through its Chat.
package testchan

import (
	"context"
	"sync"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/bot/conv"
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
	// replies: what the conversation answered, per chat
	replies map[string][]string
}

var _ channel.Channel = (*Channel)(nil)

// New makes an empty channel and makes its limits known to content
// validation.
func New() *Channel {
	messages.RegisterChannel(Limits)
	return &Channel{sent: map[string][]channel.Part{}, fail: map[string][]channel.Outcome{}, replies: map[string][]string{}}
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

// Chat is the conversation side of the channel: the chat of one resident,
// which keeps the bot's replies as plain text. Like Zalo it has no buttons,
// no markup and no command menu, so the conversation numbers its choices
// and writes links out.
func (c *Channel) Chat(chatID string) *Chat { return &Chat{ch: c, to: chatID} }

// Chat implements conv.Chat for one chat of the channel.
type Chat struct {
	ch *Channel
	to string
}

var _ conv.Chat = (*Chat)(nil)

// Caps implements conv.Chat: plain text only.
func (c *Chat) Caps() conv.Caps { return conv.Caps{} }

// Send implements conv.Chat, keeping the reply's text.
func (c *Chat) Send(_ context.Context, r conv.Reply) error {
	c.ch.mu.Lock()
	defer c.ch.mu.Unlock()
	c.ch.replies[c.to] = append(c.ch.replies[c.to], r.Text)
	return nil
}

// Replies lists the conversation's replies to a chat, in order.
func (c *Channel) Replies(chatID string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.replies[chatID]...)
}
