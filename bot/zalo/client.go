package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/loa-vn/loa/bot/channel"
)

// ErrTokenInvalid is what every call answered 401 wraps: the bot token is
// invalid, expired or was reset in Zalo Bot Creator.
var ErrTokenInvalid = errors.New("zalo: bot token invalid or expired (401)")

// APIError is an ok:false answer of a Bot API call other than a send.
type APIError struct {
	Method      string
	Code        int
	Description string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("zalo: %s: %d %s", e.Method, e.Code, e.Description)
}

// Is makes errors.Is(err, ErrTokenInvalid) true for a 401.
func (e *APIError) Is(target error) bool {
	return target == ErrTokenInvalid && e.Code == http.StatusUnauthorized
}

// Client calls the Zalo Bot API with one bot token. It is safe for
// concurrent use and keeps connections to the API host alive.
type Client struct {
	http    *http.Client
	base    string // <api>/bot<token>/
	token   string // only to scrub it from errors
	log     *slog.Logger
	backoff backoff
	sent    atomic.Int64
}

// ClientOption configures a Client.
type ClientOption func(*Client)

// WithHTTPClient replaces the default HTTP client (30 s timeout, up to 256
// idle connections to the API host).
func WithHTTPClient(c *http.Client) ClientOption { return func(cl *Client) { cl.http = c } }

// WithLogger sets where the client logs (debug only, never message content).
func WithLogger(l *slog.Logger) ClientOption { return func(cl *Client) { cl.log = l } }

// NewClient makes a client for token at apiURL ("" = DefaultAPIURL).
func NewClient(token, apiURL string, opts ...ClientOption) (*Client, error) {
	if token == "" {
		return nil, errors.New("zalo: no bot token")
	}
	if strings.ContainsAny(token, "/?#% \t\r\n") {
		return nil, errors.New("zalo: the bot token has characters a URL path cannot carry")
	}
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("zalo: API URL %q is not an http(s) URL", apiURL)
	}
	// Many concurrent senders talk to one host: keep enough idle
	// connections that each send does not open a new one.
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 5 * time.Second,
	}
	c := &Client{
		http:  &http.Client{Transport: tr, Timeout: 30 * time.Second},
		base:  strings.TrimRight(apiURL, "/") + "/bot" + token + "/",
		token: token,
		log:   slog.Default(),
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// sendRequest is the JSON body of sendMessage and sendPhoto.
type sendRequest struct {
	ChatID  string `json:"chat_id"`
	Text    string `json:"text,omitempty"`
	Photo   string `json:"photo,omitempty"`
	Caption string `json:"caption,omitempty"`
}

// SendText sends text (plain, 1–2000 characters) to chatID.
func (c *Client) SendText(ctx context.Context, chatID, text string) channel.Outcome {
	return c.send(ctx, "sendMessage", sendRequest{ChatID: chatID, Text: text})
}

// SendPhoto sends the photo at photoURL with an optional caption.
func (c *Client) SendPhoto(ctx context.Context, chatID, photoURL, caption string) channel.Outcome {
	return c.send(ctx, "sendPhoto", sendRequest{ChatID: chatID, Photo: photoURL, Caption: caption})
}

// SendPart sends a rendered part: a photo (with its caption) or a text.
// Zalo has no buttons; a part rendered for Limits carries none.
func (c *Client) SendPart(ctx context.Context, chatID string, p channel.Part) channel.Outcome {
	if p.PhotoURL != "" {
		return c.SendPhoto(ctx, chatID, p.PhotoURL, p.Text)
	}
	return c.SendText(ctx, chatID, p.Text)
}

func (c *Client) send(ctx context.Context, method string, r sendRequest) channel.Outcome {
	if r.ChatID == "" {
		return channel.Outcome{Kind: channel.Failed, Reason: "no Zalo chat id"}
	}
	body, err := json.Marshal(r)
	if err != nil {
		return channel.Outcome{Kind: channel.Failed, Reason: "encode: " + err.Error()}
	}
	status, answer, err := c.post(ctx, method, body)
	var o channel.Outcome
	switch {
	case err != nil:
		o = c.networkOutcome(ctx, err)
	case isOK(status, answer):
		o = channel.Outcome{Kind: channel.Sent}
	default:
		o = classify(status, answer)
	}
	c.backoff.observe(&o)
	if o.Kind == channel.Sent {
		c.sent.Add(1)
	}
	c.log.Debug("zalo send", "method", method, "outcome", o.Kind.String())
	return o
}

// errNotWritten marks a failure before the whole request left this
// process: the platform cannot have acted on it.
var errNotWritten = errors.New("request not sent")

// post sends one JSON request and reads the answer (at most 64 KiB). The
// error, if any, is scrubbed of the token and wraps errNotWritten when the
// request never fully left.
func (c *Client) post(ctx context.Context, method string, body []byte) (int, []byte, error) {
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		if i.Err == nil {
			wrote.Store(true)
		}
	}}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodPost,
		c.base+method, bytes.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %s", errNotWritten, c.scrub(err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		if !wrote.Load() {
			return 0, nil, fmt.Errorf("%w: %s", errNotWritten, c.scrub(err))
		}
		return 0, nil, errors.New(c.scrub(err))
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("reading the answer: %s", c.scrub(err))
	}
	return resp.StatusCode, answer, nil
}

// networkOutcome: a failure before the request left is transient (retry);
// after it left, the platform may have delivered the message, so the
// outcome is unknown and the send must not be repeated.
func (c *Client) networkOutcome(ctx context.Context, err error) channel.Outcome {
	reason := trimReason(err.Error())
	switch {
	case errors.Is(err, errNotWritten) && ctx.Err() == nil:
		return channel.Outcome{Kind: channel.Transient, Reason: "network: " + reason}
	case errors.Is(err, errNotWritten):
		return channel.Outcome{Kind: channel.Transient, Reason: "interrupted before sending: " + ctx.Err().Error()}
	case ctx.Err() != nil:
		return channel.Outcome{Kind: channel.Unknown, Reason: "interrupted: " + ctx.Err().Error()}
	}
	return channel.Outcome{Kind: channel.Unknown, Reason: "no answer: " + reason}
}

// scrub drops the request URL (it holds the token) from a client error,
// and the token itself from whatever is left.
func (c *Client) scrub(err error) string {
	var ue *url.Error
	msg := err.Error()
	if errors.As(err, &ue) {
		msg = ue.Op + ": " + ue.Err.Error()
	}
	return strings.ReplaceAll(msg, c.token, "<token>")
}

// Sent is how many sends the platform accepted through this client.
func (c *Client) Sent() int64 { return c.sent.Load() }

// call runs a non-send method and decodes its result into out (may be nil).
func (c *Client) call(ctx context.Context, method string, params any, out any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("zalo: %s: %w", method, err)
	}
	status, answer, err := c.post(ctx, method, body)
	if err != nil {
		return fmt.Errorf("zalo: %s: %w", method, err)
	}
	var e envelope
	if err := json.Unmarshal(answer, &e); err != nil {
		return &APIError{Method: method, Code: status, Description: "not a Bot API answer"}
	}
	if !e.OK {
		code := e.ErrorCode
		if code == 0 {
			code = status
		}
		return &APIError{Method: method, Code: code, Description: trimReason(e.Description)}
	}
	if out == nil || len(e.Result) == 0 || string(e.Result) == "null" {
		return nil
	}
	if err := json.Unmarshal(e.Result, out); err != nil {
		return fmt.Errorf("zalo: %s: decoding result: %w", method, err)
	}
	return nil
}

// BotInfo is getMe's answer.
type BotInfo struct {
	ID            string `json:"id"`
	AccountName   string `json:"account_name"`
	AccountType   string `json:"account_type"`
	CanJoinGroups bool   `json:"can_join_groups"`
}

// GetMe checks the token and returns the bot's identity.
func (c *Client) GetMe(ctx context.Context) (BotInfo, error) {
	var b BotInfo
	err := c.call(ctx, "getMe", struct{}{}, &b)
	return b, err
}

// SendChatAction shows "typing" (or another action) in chatID.
func (c *Client) SendChatAction(ctx context.Context, chatID, action string) error {
	return c.call(ctx, "sendChatAction", map[string]string{"chat_id": chatID, "action": action}, nil)
}

// WebhookInfo is the webhook configuration.
type WebhookInfo struct {
	URL       string `json:"url"`
	UpdatedAt int64  `json:"updated_at"` // milliseconds
}

// SetWebhook points the platform at url (https) with secret (8–256
// characters), which every delivery carries in X-Bot-Api-Secret-Token.
func (c *Client) SetWebhook(ctx context.Context, webhookURL, secret string) error {
	if n := len([]rune(secret)); n < 8 || n > 256 {
		return errors.New("zalo: setWebhook: the secret must be 8 to 256 characters")
	}
	return c.call(ctx, "setWebhook", map[string]string{"url": webhookURL, "secret_token": secret}, nil)
}

// DeleteWebhook removes the webhook, so getUpdates works.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	return c.call(ctx, "deleteWebhook", struct{}{}, nil)
}

// GetWebhookInfo returns the current webhook ("" URL: none).
func (c *Client) GetWebhookInfo(ctx context.Context) (WebhookInfo, error) {
	var w WebhookInfo
	err := c.call(ctx, "getWebhookInfo", struct{}{}, &w)
	return w, err
}

// GetUpdates long-polls for up to timeout and returns the raw events it
// got: the platform answers one event per call, but an array is accepted
// too. No event within timeout (the platform's 408) is not an error.
func (c *Client) GetUpdates(ctx context.Context, timeout time.Duration) ([]json.RawMessage, error) {
	var raw json.RawMessage
	secs := strconv.Itoa(int(timeout / time.Second))
	err := c.call(ctx, "getUpdates", map[string]string{"timeout": secs}, &raw)
	var ae *APIError
	if errors.As(err, &ae) && ae.Code == http.StatusRequestTimeout {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return splitResult(raw)
}

// splitResult reads "result" as one event, an array of events, or nothing.
func splitResult(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null" || string(raw) == "{}":
		return nil, nil
	case raw[0] == '[':
		var many []json.RawMessage
		if err := json.Unmarshal(raw, &many); err != nil {
			return nil, fmt.Errorf("zalo: getUpdates: %w", err)
		}
		return many, nil
	}
	return []json.RawMessage{raw}, nil
}
