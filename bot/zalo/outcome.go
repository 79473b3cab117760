package zalo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/loa-vn/loa/bot/channel"
)

// A send's outcome is the channel model's (bot/channel): Sent, Blocked
// (403, or a 400 about the chat: mark the subscriber, never retry), Failed
// (other 4xx), Transient (network error before the request left, 5xx, 408),
// RateLimited (429 quota exceeded: every Zalo sender pauses, with the
// client's backoff as RetryAfter), Unknown (the request may have reached
// the platform, no answer came: never re-sent) and Unavailable (401: the
// bot token is invalid, expired or was reset; no send on this channel can
// succeed until it is replaced, so the channel pauses and no recipient is
// marked). Reason never holds the token: it is stored and exported.

// tokenPause is how long the channel pauses on a 401 before one sender
// tries again: the token only changes when an operator replaces it.
const tokenPause = maxBackoff

// outcomeErr is an outcome as an error (nil when sent), for replies:
// "cannot reach" wraps conv's blocked marker in the caller, a refused token
// wraps ErrTokenInvalid.
func outcomeErr(o channel.Outcome) error {
	switch o.Kind {
	case channel.Sent:
		return nil
	case channel.Unavailable:
		return fmt.Errorf("zalo: %s: %w", o.Reason, ErrTokenInvalid)
	}
	return fmt.Errorf("zalo: %s: %s", o.Kind, o.Reason)
}

// envelope is every answer of the Bot API.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

// classify maps one answer of sendMessage/sendPhoto onto an outcome: the
// one place where Zalo's codes meet Loa's kinds. The platform's own
// error_code wins over the HTTP status (some gateways answer 200 with
// ok:false). RetryAfter is left to the caller's backoff.
func classify(status int, answer []byte) channel.Outcome {
	var e envelope
	if err := json.Unmarshal(answer, &e); err != nil {
		return classifyStatus(status)
	}
	if e.OK {
		return channel.Outcome{Kind: channel.Sent}
	}
	code := e.ErrorCode
	if code == 0 {
		code = status
	}
	desc := trimReason(e.Description)
	reason := strings.TrimSpace(fmt.Sprintf("%d %s", code, desc))
	switch {
	case code == http.StatusTooManyRequests:
		return channel.Outcome{Kind: channel.RateLimited, Reason: "429 quota exceeded"}
	case code == http.StatusUnauthorized:
		return channel.Outcome{Kind: channel.Unavailable, Reason: "401 bot token invalid or expired", RetryAfter: tokenPause}
	case code == http.StatusForbidden:
		return channel.Outcome{Kind: channel.Blocked, Reason: "cannot reach the chat: " + reason}
	case code == http.StatusBadRequest && aboutTheMessage(desc):
		return channel.Outcome{Kind: channel.Failed, Reason: reason}
	case code == http.StatusBadRequest:
		return channel.Outcome{Kind: channel.Blocked, Reason: "cannot reach the chat: " + reason}
	case code == http.StatusRequestTimeout, code >= 500:
		return channel.Outcome{Kind: channel.Transient, Reason: reason}
	case code >= 400:
		return channel.Outcome{Kind: channel.Failed, Reason: reason}
	}
	return channel.Outcome{Kind: channel.Transient, Reason: reason}
}

// classifyStatus handles answers that are not a Bot API envelope (a proxy's
// error page, a truncated body).
func classifyStatus(status int) channel.Outcome {
	reason := fmt.Sprintf("HTTP %d without a Bot API answer", status)
	switch {
	case status == http.StatusOK:
		// The platform took the request; whether it sent is unknown.
		return channel.Outcome{Kind: channel.Unknown, Reason: reason}
	case status == http.StatusTooManyRequests:
		return channel.Outcome{Kind: channel.RateLimited, Reason: "429 quota exceeded"}
	case status == http.StatusUnauthorized:
		return channel.Outcome{Kind: channel.Unavailable, Reason: "401 bot token invalid or expired", RetryAfter: tokenPause}
	}
	return channel.Outcome{Kind: channel.Transient, Reason: reason}
}

// aboutTheMessage tells a 400 that refuses the message itself (too long,
// empty, a bad photo URL, a bad method) from one about the chat. The
// platform documents 400 only as "bad request"; its wording is a guess, so
// anything not clearly about the message counts as "cannot reach", which
// is what reference/zalo.md says a 400 to a chat means.
func aboutTheMessage(desc string) bool {
	d := strings.ToLower(desc)
	for _, w := range []string{"text", "caption", "photo", "length", "too long", "character", "empty", "method", "parameter", "required", "utf-8", "json"} {
		if strings.Contains(d, w) {
			return true
		}
	}
	return false
}

// trimReason keeps reasons short enough to group by in reports.
func trimReason(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// okPrefix is the fast path: a successful answer needs no decoding.
var okPrefix = []byte(`{"ok":true`)

func isOK(status int, answer []byte) bool {
	return status == http.StatusOK && bytes.HasPrefix(answer, okPrefix)
}

// Backoff bounds for 429s: the platform sends no retry_after, so the
// client waits 1 s, 2 s, 4 s… up to 60 s while 429s keep coming.
const (
	minBackoff = time.Second
	maxBackoff = 60 * time.Second
)

// backoff doubles the wait on each consecutive 429 and resets on a send.
// One per Client: every send of the channel in this process shares it.
type backoff struct {
	mu   sync.Mutex
	next time.Duration
}

func (b *backoff) observe(o *channel.Outcome) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch o.Kind {
	case channel.RateLimited:
		if b.next < minBackoff {
			b.next = minBackoff
		}
		o.RetryAfter = b.next
		b.next = min(2*b.next, maxBackoff)
	case channel.Sent:
		b.next = 0
	}
}
