package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpproxy"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/messages"
)

// Sender is Telegram as a broadcast channel (channel.Channel): Telegram's
// limits, messages.Render, and a Bot API client for sendMessage and
// sendPhoto. The resident bot uses go-telegram/bot; this hot path talks
// JSON itself, because go-telegram/bot builds a multipart form for every
// call and decodes the whole Message answered: measured, that was most of
// the CPU a send cost (jobs.BenchmarkSendRun, commit a0db1fc).
type Sender struct {
	c     *fasthttp.HostClient
	base  string // <api>/bot<token>/ — never in a reason or a log
	token string
	paid  bool
}

// sendTimeout bounds one Bot API call.
const sendTimeout = 30 * time.Second

var _ channel.Channel = (*Sender)(nil)

// NewSender makes the channel for token at apiURL ("" = api.telegram.org).
// With paid, every send carries allow_paid_broadcast (up to 1000 msg/s, billed in Stars).
func NewSender(token, apiURL string, paid bool) (*Sender, error) {
	if token == "" {
		return nil, errors.New("telegram sender: no bot token")
	}
	if apiURL == "" {
		apiURL = "https://api.telegram.org"
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("telegram sender: API URL %q: want http(s)://host", apiURL)
	}
	tls := u.Scheme == "https"
	addr := u.Host
	switch {
	case u.Port() != "":
	case tls:
		addr += ":443"
	default:
		addr += ":80"
	}
	dial, err := (&fasthttpproxy.Dialer{Timeout: 5 * time.Second, ConnectTimeout: 5 * time.Second}).GetDialFuncForTLS(true, tls)
	if err != nil {
		return nil, fmt.Errorf("telegram sender: proxy from the environment: %w", err)
	}
	// One connection per send in flight, each send written and answered on
	// the caller's goroutine: net/http's two goroutines per connection and
	// the wake-ups between them were half of the worker's CPU per message
	// (loa bench broadcast, issue 13).
	c := &fasthttp.HostClient{Addr: addr, IsTLS: tls, Dial: dial, MaxConns: 512,
		ReadTimeout: sendTimeout, WriteTimeout: sendTimeout, MaxIdleConnDuration: 90 * time.Second,
		NoDefaultUserAgentHeader: true, MaxResponseBodySize: 64 << 10, MaxConnWaitTimeout: sendTimeout}
	return &Sender{c: c, base: strings.TrimRight(apiURL, "/") + "/bot" + token + "/", token: token, paid: paid}, nil
}

// Name is "telegram", the subscribers.channel value of Telegram residents.
func (t *Sender) Name() string { return messages.TelegramLimits.Channel }

// Limits are the Bot API's: 4096 characters per message and 1024 per
// caption (UTF-16, after entities), URL buttons, HTML.
func (t *Sender) Limits() channel.Limits { return messages.TelegramLimits }

// Render is messages.Render: the author's Telegram HTML, split if allowed.
func (t *Sender) Render(v messages.Variant, split bool) ([]channel.Part, error) {
	return messages.Render(v, split)
}

// sendError is what the Bot API answers when ok is false.
type sendError struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// Send sends one part to a chat id (as text): a photo with caption or an
// HTML text message, with the link button if the part has one.
func (t *Sender) Send(ctx context.Context, to string, p channel.Part) channel.Outcome {
	chatID, err := strconv.ParseInt(to, 10, 64)
	if err != nil || chatID == 0 {
		return channel.Outcome{Kind: channel.Failed, Reason: "not a Telegram chat id"}
	}
	buf := bodies.Get().(*[]byte)
	defer bodies.Put(buf)
	method, body, err := t.appendBody((*buf)[:0], chatID, p)
	if err != nil {
		return channel.Outcome{Kind: channel.Failed, Reason: "encode: " + err.Error()}
	}
	*buf = body
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(t.base + method)
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType("application/json")
	req.SetBodyRaw(body)
	deadline := time.Now().Add(sendTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := t.c.DoDeadline(req, resp, deadline); err != nil {
		if ctx.Err() != nil { // the request may have been on the wire when the context ended
			return channel.Outcome{Kind: channel.Unknown, Reason: "interrupted: " + ctx.Err().Error()}
		}
		return channel.Outcome{Kind: channel.Transient, Reason: "network: " + t.netReason(err)}
	}
	return classifySend(resp.StatusCode(), resp.Body())
}

// appendBody appends the JSON body of sendMessage (or sendPhoto, for a
// part with a photo) to b and returns the method. It is written by hand,
// not marshalled from a struct: reflection was a tenth of the capped
// worker's CPU per message (issue 13). sender_body_test.go checks it
// against the struct it replaced.
func (t *Sender) appendBody(b []byte, chatID int64, p channel.Part) (string, []byte, error) {
	var err error
	method := "sendMessage"
	b = append(b, `{"chat_id":`...)
	b = strconv.AppendInt(b, chatID, 10)
	if p.PhotoURL != "" {
		method = "sendPhoto"
		b = append(b, `,"photo":`...)
		if b, err = jsontext.AppendQuote(b, p.PhotoURL); err != nil {
			return "", nil, err
		}
		b = append(b, `,"caption":`...)
	} else {
		b = append(b, `,"link_preview_options":{"is_disabled":true},"text":`...)
	}
	if b, err = jsontext.AppendQuote(b, p.Text); err != nil {
		return "", nil, err
	}
	b = append(b, `,"parse_mode":"HTML"`...)
	if p.ButtonText != "" && p.ButtonURL != "" {
		b = append(b, `,"reply_markup":{"inline_keyboard":[[{"text":`...)
		if b, err = jsontext.AppendQuote(b, p.ButtonText); err != nil {
			return "", nil, err
		}
		b = append(b, `,"url":`...)
		if b, err = jsontext.AppendQuote(b, p.ButtonURL); err != nil {
			return "", nil, err
		}
		b = append(b, `}]]}`...)
	}
	if t.paid {
		b = append(b, `,"allow_paid_broadcast":true`...)
	}
	return method, append(b, '}'), nil
}

// bodies keeps request bodies for reuse: the text is the same size for
// most recipients of a run.
var bodies = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// classifySend maps the Bot API's answer onto an outcome. Telegram says
// its error codes may change, so the description is read too (telegram.md).
func classifySend(status int, answer []byte) channel.Outcome {
	if status == http.StatusOK && bytes.HasPrefix(answer, []byte(`{"ok":true`)) {
		return channel.Outcome{Kind: channel.Sent}
	}
	var e sendError
	if err := json.Unmarshal(answer, &e); err != nil || e.OK {
		if status == http.StatusOK {
			return channel.Outcome{Kind: channel.Sent}
		}
		return channel.Outcome{Kind: channel.Transient, Reason: fmt.Sprintf("HTTP %d without a Bot API answer", status)}
	}
	if e.ErrorCode == 0 {
		e.ErrorCode = status
	}
	desc := strings.ToLower(e.Description)
	switch {
	case e.ErrorCode == http.StatusTooManyRequests:
		return channel.Outcome{Kind: channel.RateLimited, RetryAfter: time.Duration(max(e.Parameters.RetryAfter, 1)) * time.Second, Reason: "429"}
	case e.Parameters.MigrateToChatID != 0:
		return channel.Outcome{Kind: channel.Migrated, MigrateTo: strconv.FormatInt(e.Parameters.MigrateToChatID, 10), Reason: "migrated"}
	case e.ErrorCode == http.StatusForbidden:
		return channel.Outcome{Kind: channel.Blocked, Reason: forbiddenReason(desc)}
	case e.ErrorCode == http.StatusBadRequest && strings.Contains(desc, "chat not found"):
		return channel.Outcome{Kind: channel.Blocked, Reason: "chat not found"}
	case e.ErrorCode == http.StatusBadRequest:
		return channel.Outcome{Kind: channel.Failed, Reason: trimReason(e.Description)}
	}
	// 5xx, 401 (a token being rotated), anything new: retried with backoff
	return channel.Outcome{Kind: channel.Transient, Reason: trimReason(fmt.Sprintf("%d %s", e.ErrorCode, e.Description))}
}

// netReason is a client error as a reason, with the bot token cut out
// should the error quote the request: reasons are stored and exported in
// reports.
func (t *Sender) netReason(err error) string {
	return trimReason(strings.ReplaceAll(err.Error(), t.token, "<token>"))
}

func forbiddenReason(m string) string {
	switch {
	case strings.Contains(m, "blocked"):
		return "blocked by the user"
	case strings.Contains(m, "deactivated"):
		return "user is deactivated"
	case strings.Contains(m, "initiate"):
		return "never started the bot"
	case strings.Contains(m, "kicked"), strings.Contains(m, "not a member"):
		return "bot removed from the chat"
	}
	return trimReason(m)
}

// trimReason keeps reasons short enough to group by in reports.
func trimReason(s string) string {
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
