package zalo

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/messages"
)

// Zalo's documented limits: sendMessage text 1–2000 characters, sendPhoto
// caption up to 2000. Loa measures them in UTF-16 units (messages' measure),
// which is never less than the code points the platform is thought to count.
const (
	MaxTextLen    = 2000
	MaxCaptionLen = 2000
)

// Limits are Zalo's in the channel model's terms: plain text (bold and
// links are not documented, so links are written out), no buttons (a
// button becomes a last line "label: address"), photos with a caption.
var Limits = messages.Limits{Channel: Name, Text: MaxTextLen, Caption: MaxCaptionLen, Buttons: false, Markup: messages.MarkupPlain}

// Channel is Zalo as a broadcast channel (channel.Channel): Limits,
// messages.RenderFor (the one renderer, which validation follows too) and
// the Client's sendMessage/sendPhoto. {name} is filled by
// messages.PersonalizeFor with Limits.Markup: as is, never HTML-escaped.
type Channel struct {
	c          *Client
	log        *slog.Logger
	tokenPause time.Duration
	lastAlarm  atomic.Int64 // unix seconds of the last "token refused" error log
}

// ChannelOption configures a Channel.
type ChannelOption func(*Channel)

// WithTokenPause sets how long every Zalo sender pauses after a refused
// token before one tries again (default 60 s).
func WithTokenPause(d time.Duration) ChannelOption {
	return func(ch *Channel) {
		if d > 0 {
			ch.tokenPause = d
		}
	}
}

var _ channel.Channel = (*Channel)(nil)

// NewChannel makes the channel on c and makes Zalo's limits known to
// content validation, so a text too long for Zalo is refused naming Zalo.
func NewChannel(c *Client, opts ...ChannelOption) *Channel {
	RegisterLimits()
	ch := &Channel{c: c, log: c.log, tokenPause: tokenPause}
	for _, o := range opts {
		o(ch)
	}
	return ch
}

// RegisterLimits makes Zalo's limits known to content validation
// (messages.RegisterChannel). Processes that validate content but never
// send on Zalo (the API) call it when Zalo is configured.
func RegisterLimits() { messages.RegisterChannel(Limits) }

// Name implements channel.Channel.
func (ch *Channel) Name() string { return Name }

// Limits implements channel.Channel.
func (ch *Channel) Limits() channel.Limits { return Limits }

// Render implements channel.Channel with messages.RenderFor.
func (ch *Channel) Render(v messages.Variant, split bool) ([]channel.Part, error) {
	return messages.RenderFor(v, split, Limits)
}

// Send implements channel.Channel: one part to one chat id. A refused token
// (Unavailable) is logged as an error at most once a minute, without the
// recipient: the operator must replace ZALO_BOT_TOKEN.
func (ch *Channel) Send(ctx context.Context, to string, p channel.Part) channel.Outcome {
	o := ch.c.SendPart(ctx, to, p)
	if o.Kind == channel.Unavailable {
		o.RetryAfter = ch.tokenPause
		now := time.Now().Unix()
		if last := ch.lastAlarm.Load(); now-last >= 60 && ch.lastAlarm.CompareAndSwap(last, now) {
			ch.log.Error("zalo refused the bot token (401): Zalo sending is paused until ZALO_BOT_TOKEN is replaced")
		}
	}
	return o
}

// SlidingWindow tells the broadcast engine's limiter (jobs.Windowed) how
// to pace Zalo: its 429 is a quota, and no spacing between two sends is
// documented, so LOA_ZALO_SEND_RATE is held over each sliding second with
// 1% of slack (1 ms a slot at 10/s) rather than with the per-slot slack a
// platform allowing no burst needs (2.7 ms a slot: 9.72 msg/s of 10).
func (ch *Channel) SlidingWindow() bool { return true }

// Client is the channel's API client (sent counter, webhook calls).
func (ch *Channel) Client() *Client { return ch.c }
