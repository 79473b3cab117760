package zalo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Kind classifies what happened to a send. It mirrors bot/channel's kinds
// (without Migrated, which Zalo has no use for) so that the switch to the
// shared type is a one-function change (see classify).
type Kind int

const (
	// Sent: the platform accepted the message.
	Sent Kind = iota
	// Blocked: the chat cannot be reached (403, or a 400 about the chat):
	// mark the subscriber, never retry.
	Blocked
	// Failed: a permanent refusal (other 4xx). With TokenInvalid set, the
	// refusal is the whole channel's, not this recipient's.
	Failed
	// Transient: network error before the request left, 5xx, 408: retry
	// with backoff.
	Transient
	// RateLimited: 429 quota exceeded: every Zalo sender pauses for
	// RetryAfter, then this recipient is retried.
	RateLimited
	// Unknown: the request may have reached the platform but no answer
	// came; never re-sent automatically.
	Unknown
)

// String names a kind as bot/channel does, for metrics and logs.
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
	}
	return "unknown"
}

// Outcome is a send's result. Reason never holds the token: it is stored
// and exported in reports.
type Outcome struct {
	Kind       Kind
	Reason     string
	RetryAfter time.Duration // RateLimited: the backoff (the platform gives none)
	// TokenInvalid: the platform answered 401, the bot token is invalid,
	// expired or was reset. Kind is Failed, but no send on this channel
	// can succeed until the token is replaced: stop the channel, do not
	// mark the recipient.
	TokenInvalid bool
}

// Err is the outcome as an error (nil when Sent), for replies that have
// no use for the classification.
func (o Outcome) Err() error {
	if o.Kind == Sent {
		return nil
	}
	if o.TokenInvalid {
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
func classify(status int, answer []byte) Outcome {
	var e envelope
	if err := json.Unmarshal(answer, &e); err != nil {
		return classifyStatus(status)
	}
	if e.OK {
		return Outcome{Kind: Sent}
	}
	code := e.ErrorCode
	if code == 0 {
		code = status
	}
	desc := trimReason(e.Description)
	reason := strings.TrimSpace(fmt.Sprintf("%d %s", code, desc))
	switch {
	case code == http.StatusTooManyRequests:
		return Outcome{Kind: RateLimited, Reason: "429 quota exceeded"}
	case code == http.StatusUnauthorized:
		return Outcome{Kind: Failed, Reason: "401 bot token invalid or expired", TokenInvalid: true}
	case code == http.StatusForbidden:
		return Outcome{Kind: Blocked, Reason: "cannot reach the chat: " + reason}
	case code == http.StatusBadRequest && aboutTheMessage(desc):
		return Outcome{Kind: Failed, Reason: reason}
	case code == http.StatusBadRequest:
		return Outcome{Kind: Blocked, Reason: "cannot reach the chat: " + reason}
	case code == http.StatusRequestTimeout, code >= 500:
		return Outcome{Kind: Transient, Reason: reason}
	case code >= 400:
		return Outcome{Kind: Failed, Reason: reason}
	}
	return Outcome{Kind: Transient, Reason: reason}
}

// classifyStatus handles answers that are not a Bot API envelope (a proxy's
// error page, a truncated body).
func classifyStatus(status int) Outcome {
	reason := fmt.Sprintf("HTTP %d without a Bot API answer", status)
	switch {
	case status == http.StatusOK:
		// The platform took the request; whether it sent is unknown.
		return Outcome{Kind: Unknown, Reason: reason}
	case status == http.StatusTooManyRequests:
		return Outcome{Kind: RateLimited, Reason: "429 quota exceeded"}
	case status == http.StatusUnauthorized:
		return Outcome{Kind: Failed, Reason: "401 bot token invalid or expired", TokenInvalid: true}
	}
	return Outcome{Kind: Transient, Reason: reason}
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

func (b *backoff) observe(o *Outcome) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch o.Kind {
	case RateLimited:
		if b.next < minBackoff {
			b.next = minBackoff
		}
		o.RetryAfter = b.next
		b.next = min(2*b.next, maxBackoff)
	case Sent:
		b.next = 0
	}
}
