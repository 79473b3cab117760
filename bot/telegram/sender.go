package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

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
	c    *http.Client
	base string // <api>/bot<token>/ — never in a reason or a log
	paid bool
}

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
	if _, err := url.Parse(apiURL); err != nil {
		return nil, fmt.Errorf("telegram sender: API URL: %w", err)
	}
	// Many concurrent batches talk to one host: keep enough idle connections
	// that each send does not open a new one.
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 5 * time.Second,
	}
	return &Sender{c: &http.Client{Transport: tr, Timeout: 30 * time.Second},
		base: strings.TrimRight(apiURL, "/") + "/bot" + token + "/", paid: paid}, nil
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

// sendRequest is the JSON body of sendMessage and sendPhoto (Telegram
// ignores the fields a method does not take, and omitempty drops them anyway).
type sendRequest struct {
	ChatID             int64           `json:"chat_id"`
	Text               string          `json:"text,omitempty"`
	Photo              string          `json:"photo,omitempty"`
	Caption            string          `json:"caption,omitempty"`
	ParseMode          string          `json:"parse_mode"`
	LinkPreview        *linkPreview    `json:"link_preview_options,omitempty"`
	ReplyMarkup        *inlineKeyboard `json:"reply_markup,omitempty"`
	AllowPaidBroadcast bool            `json:"allow_paid_broadcast,omitempty"`
}

type linkPreview struct {
	IsDisabled bool `json:"is_disabled"`
}

type inlineKeyboard struct {
	InlineKeyboard [][]urlButton `json:"inline_keyboard"`
}

type urlButton struct {
	Text string `json:"text"`
	URL  string `json:"url"`
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
	method, body, err := t.encode(chatID, p)
	if err != nil {
		return channel.Outcome{Kind: channel.Failed, Reason: "encode: " + err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+method, bytes.NewReader(body))
	if err != nil {
		return channel.Outcome{Kind: channel.Failed, Reason: "request: " + redactURL(err)}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.c.Do(req)
	if err != nil {
		if ctx.Err() != nil { // the request may have been on the wire when the context ended
			return channel.Outcome{Kind: channel.Unknown, Reason: "interrupted: " + ctx.Err().Error()}
		}
		return channel.Outcome{Kind: channel.Transient, Reason: "network: " + redactURL(err)}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return channel.Outcome{Kind: channel.Transient, Reason: "reading the answer: " + redactURL(err)}
	}
	return classifySend(resp.StatusCode, answer)
}

func (t *Sender) encode(chatID int64, p channel.Part) (string, []byte, error) {
	r := sendRequest{ChatID: chatID, ParseMode: "HTML", AllowPaidBroadcast: t.paid}
	if p.ButtonText != "" && p.ButtonURL != "" {
		r.ReplyMarkup = &inlineKeyboard{InlineKeyboard: [][]urlButton{{{Text: p.ButtonText, URL: p.ButtonURL}}}}
	}
	method := "sendMessage"
	if p.PhotoURL != "" {
		method, r.Photo, r.Caption = "sendPhoto", p.PhotoURL, p.Text
	} else {
		r.Text, r.LinkPreview = p.Text, &linkPreview{IsDisabled: true}
	}
	body, err := json.Marshal(r)
	return method, body, err
}

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

// redactURL drops the request URL from a client error: it holds the bot
// token, and reasons are stored and exported in reports.
func redactURL(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return trimReason(ue.Op + ": " + ue.Err.Error())
	}
	return trimReason(err.Error())
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
