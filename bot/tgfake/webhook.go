package tgfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxWebhookAttempts: Telegram retries a failing webhook "a reasonable
// amount of attempts" and then gives the update up.
const maxWebhookAttempts = 5

// webhook is one configured webhook and the single goroutine that
// delivers updates to it, one at a time and in order.
type webhook struct {
	url     string
	secret  string
	maxConn int
	allowed []string
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}
}

func (h *webhook) stop() {
	h.cancel()
	<-h.done
}

func (s *Server) setWebhook(_ context.Context, p *params) (any, *Fault) {
	raw := strings.TrimSpace(p.get("url"))
	if raw == "" {
		return s.deleteWebhook(context.Background(), p)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, badRequest("bad webhook: invalid URL")
	}
	secret := p.get("secret_token")
	if p.has("secret_token") && !validSecret(secret) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	maxConn, f := p.integer("max_connections", 40)
	if f != nil {
		return nil, f
	}
	var allowed []string
	_ = json.Unmarshal([]byte(p.get("allowed_updates")), &allowed)
	ctx, cancel := context.WithCancel(context.Background())
	h := &webhook{url: raw, secret: secret, maxConn: int(maxConn), allowed: allowed,
		ctx: ctx, cancel: cancel, done: make(chan struct{})}
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.swapHook(nil, p.boolean("drop_pending_updates"))
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		cancel()
		return nil, &Fault{Code: http.StatusServiceUnavailable, Description: "Service Unavailable"}
	}
	s.hook = h
	s.mu.Unlock()
	go s.runWebhook(h)
	return true, nil
}

func validSecret(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (s *Server) deleteWebhook(_ context.Context, p *params) (any, *Fault) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.swapHook(nil, p.boolean("drop_pending_updates"))
	return true, nil
}

// swapHook stops the current sender before anything else may deliver, so
// no update is ever posted twice by two senders.
func (s *Server) swapHook(next *webhook, dropPending bool) {
	s.mu.Lock()
	old := s.hook
	s.hook = next
	if dropPending {
		s.updates = nil
	}
	s.mu.Unlock()
	if old != nil {
		old.stop()
	}
}

func (s *Server) getWebhookInfo(context.Context, *params) (any, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := wireWebhookInfo{PendingUpdateCount: len(s.updates), LastErrorDate: s.hookErrDate,
		LastErrorMessage: s.hookErr}
	if s.hook != nil {
		info.URL, info.MaxConnections, info.AllowedUpdates = s.hook.url, s.hook.maxConn, s.hook.allowed
	}
	return info, nil
}

func (s *Server) runWebhook(h *webhook) {
	defer close(h.done)
	client := &http.Client{Timeout: 10 * time.Second}
	attempts := 0
	for {
		s.mu.Lock()
		if s.hook != h {
			s.mu.Unlock()
			return
		}
		if len(s.updates) == 0 {
			ch := s.updWaitLocked()
			s.mu.Unlock()
			select {
			case <-ch:
			case <-h.ctx.Done():
				return
			}
			continue
		}
		u := s.updates[0]
		s.mu.Unlock()
		err := postUpdate(h, client, u.raw)
		attempts = s.afterDelivery(u.id, err, attempts)
		if err != nil && !sleepCtx(h.ctx, time.Duration(attempts)*100*time.Millisecond) {
			return
		}
	}
}

// afterDelivery removes a delivered (or given-up) update and remembers the
// last error for getWebhookInfo; it returns the new attempt count.
func (s *Server) afterDelivery(id int, err error, attempts int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.hookErr, s.hookErrDate = err.Error(), time.Now().Unix()
		attempts++
		if attempts < maxWebhookAttempts {
			return attempts
		}
	}
	if len(s.updates) > 0 && s.updates[0].id == id {
		s.updates = s.updates[1:]
	}
	return 0
}

func postUpdate(h *webhook, client *http.Client, raw []byte) error {
	req, err := http.NewRequestWithContext(h.ctx, http.MethodPost, h.url, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if h.secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", h.secret)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("Wrong response from the webhook: %s", resp.Status)
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
