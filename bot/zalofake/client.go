package zalofake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client talks to a fake server's /_sandbox/ API from another process,
// e.g. `loa chat --channel zalo`.
type Client struct {
	base string
	http *http.Client
}

// NewClient makes a sandbox client for a server base URL such as
// http://127.0.0.1:8082.
func NewClient(baseURL string) *Client {
	return &Client{base: strings.TrimRight(baseURL, "/"), http: &http.Client{Timeout: maxSandboxWait + 10*time.Second}}
}

// Send writes text as u; it returns the event's message_id.
func (c *Client) Send(ctx context.Context, u User, text string) (string, error) {
	return c.post(ctx, "send", sandboxRequest{User: u, Text: text})
}

// SendImage sends a photo (by URL) with a caption as u.
func (c *Client) SendImage(ctx context.Context, u User, photoURL, caption string) (string, error) {
	return c.post(ctx, "image", sandboxRequest{User: u, Photo: photoURL, Caption: caption})
}

// SendSticker sends a sticker as u.
func (c *Client) SendSticker(ctx context.Context, u User, sticker string) (string, error) {
	return c.post(ctx, "sticker", sandboxRequest{User: u, Sticker: sticker})
}

// SendUnsupported sends what a protected user's message becomes.
func (c *Client) SendUnsupported(ctx context.Context, u User) (string, error) {
	return c.post(ctx, "unsupported", sandboxRequest{User: u})
}

// Redeliver delivers the event messageID again.
func (c *Client) Redeliver(ctx context.Context, messageID string) error {
	_, err := c.post(ctx, "redeliver", sandboxRequest{MessageID: messageID})
	return err
}

// Messages returns the bot's messages to chatID newer than the cursor
// after, waiting up to wait for the first one, and the next cursor.
func (c *Client) Messages(ctx context.Context, chatID string, after int64, wait time.Duration) ([]SandboxMessage, int64, error) {
	q := url.Values{"chat_id": {chatID}, "after": {strconv.FormatInt(after, 10)},
		"wait": {strconv.FormatFloat(wait.Seconds(), 'f', 3, 64)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/_sandbox/messages?"+q.Encode(), nil)
	if err != nil {
		return nil, after, err
	}
	var out sandboxMessages
	if err := c.do(req, &out); err != nil {
		return nil, after, err
	}
	return out.Messages, out.Cursor, nil
}

func (c *Client) post(ctx context.Context, what string, body sandboxRequest) (string, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/_sandbox/"+what, bytes.NewReader(raw))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	var out sandboxInjected
	err = c.do(req, &out)
	return out.MessageID, err
}

func (c *Client) do(req *http.Request, result any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := readAnswer(resp.Body, result); err != nil {
		return fmt.Errorf("zalo sandbox: %s: %w", resp.Status, err)
	}
	return nil
}
