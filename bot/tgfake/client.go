package tgfake

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

// Client talks to a fake server's /_sandbox/ API from another process.
type Client struct {
	base string
	http *http.Client
}

// NewClient makes a sandbox client for a server base URL such as
// http://127.0.0.1:8081.
func NewClient(baseURL string) *Client {
	return &Client{base: strings.TrimRight(baseURL, "/"), http: &http.Client{Timeout: maxSandboxWait + 10*time.Second}}
}

// Send writes text as u; it returns the update id.
func (c *Client) Send(ctx context.Context, u User, text string) (int, error) {
	return c.post(ctx, "send", sandboxRequest{User: u, Text: text})
}

// Press presses the inline button with data on message messageID.
func (c *Client) Press(ctx context.Context, u User, messageID int, data string) (int, error) {
	return c.post(ctx, "press", sandboxRequest{User: u, MessageID: messageID, Data: data})
}

// Contact shares phone as u's own contact.
func (c *Client) Contact(ctx context.Context, u User, phone string) (int, error) {
	return c.post(ctx, "contact", sandboxRequest{User: u, Phone: phone})
}

// Messages returns bot messages to chatID newer than the cursor after,
// waiting up to wait for the first one, plus the cursor for the next call.
func (c *Client) Messages(ctx context.Context, chatID, after int64, wait time.Duration) ([]SandboxMessage, int64, error) {
	q := url.Values{"chat_id": {strconv.FormatInt(chatID, 10)}, "after": {strconv.FormatInt(after, 10)},
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

func (c *Client) post(ctx context.Context, what string, body sandboxRequest) (int, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/_sandbox/"+what, bytes.NewReader(raw))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	var out struct {
		UpdateID int `json:"update_id"`
	}
	err = c.do(req, &out)
	return out.UpdateID, err
}

func (c *Client) do(req *http.Request, result any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := readAnswer(resp.Body, result); err != nil {
		return fmt.Errorf("sandbox: %s: %w", resp.Status, err)
	}
	return nil
}
