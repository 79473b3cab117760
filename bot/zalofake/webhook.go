package zalofake

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// SecretHeader carries the webhook's secret_token on every delivery.
const SecretHeader = "X-Bot-Api-Secret-Token"

// maxWebhookAttempts: deliveries answered with an error (or not at all)
// are retried; the platform's schedule is undocumented.
const maxWebhookAttempts = 3

type webhookInfo struct {
	URL       string `json:"url"`
	UpdatedAt int64  `json:"updated_at"` // milliseconds
}

// webhook is one configured webhook and the goroutine that delivers
// events to it, one at a time, in order.
type webhook struct {
	url    string
	secret string
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

func (h *webhook) stop() {
	h.cancel()
	<-h.done
}

func (s *Server) setWebhook(_ context.Context, p params) (any, *Fault) {
	raw, f := p.required("url")
	if f != nil {
		return nil, f
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(s.httpHooks && u.Scheme == "http")) {
		return nil, badRequest("url must be an https URL")
	}
	secret := p.get("secret_token")
	if f := checkSecret(secret); f != nil {
		return nil, f
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &webhook{url: u.String(), secret: secret, ctx: ctx, cancel: cancel, done: make(chan struct{})}
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.swapHook(nil)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		cancel()
		return nil, ServerError(http.StatusServiceUnavailable).ptr()
	}
	s.hook = h
	s.hookUpdated = time.Now().UnixMilli()
	info := webhookInfo{URL: h.url, UpdatedAt: s.hookUpdated}
	s.mu.Unlock()
	go s.runWebhook(h)
	return info, nil
}

// checkSecret enforces the documented 8–256 characters. The fake also
// refuses characters that cannot travel in an HTTP header (controls,
// spaces, non-ASCII): the platform puts the secret in one.
func checkSecret(secret string) *Fault {
	n := utf8.RuneCountInString(secret)
	if n < 8 || n > 256 {
		return badRequest("secret_token must be 8 to 256 characters")
	}
	for i := 0; i < len(secret); i++ {
		if c := secret[i]; c <= ' ' || c >= 0x7f {
			return badRequest("secret_token must be visible ASCII characters")
		}
	}
	return nil
}

func (s *Server) deleteWebhook(context.Context, params) (any, *Fault) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.swapHook(nil)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hookUpdated = time.Now().UnixMilli()
	return webhookInfo{UpdatedAt: s.hookUpdated}, nil
}

func (s *Server) getWebhookInfo(context.Context, params) (any, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := webhookInfo{UpdatedAt: s.hookUpdated}
	if s.hook != nil {
		info.URL = s.hook.url
	}
	return info, nil
}

// swapHook stops the current sender before another may deliver, so no
// event is ever posted by two senders.
func (s *Server) swapHook(next *webhook) {
	s.mu.Lock()
	old := s.hook
	s.hook = next
	s.mu.Unlock()
	if old != nil {
		old.stop()
	}
}

// Deliveries is how many webhook POSTs were answered 2xx, and how many failed.
func (s *Server) Deliveries() (ok, failed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delivered, s.hookErrors
}

func (s *Server) runWebhook(h *webhook) {
	defer close(h.done)
	attempts := 0
	for {
		s.mu.Lock()
		if s.hook != h {
			s.mu.Unlock()
			return
		}
		if len(s.events) == 0 {
			ch := s.evWait
			s.mu.Unlock()
			select {
			case <-ch:
			case <-h.ctx.Done():
				return
			}
			continue
		}
		e := s.events[0]
		s.mu.Unlock()
		err := s.post(h, e.raw)
		attempts = s.afterDelivery(e, err, attempts)
		if err != nil && !sleepCtx(h.ctx, time.Duration(attempts)*50*time.Millisecond) {
			return
		}
	}
}

// post sends one event wrapped as the platform does: {"ok":true,"result":…}.
func (s *Server) post(h *webhook, raw []byte) error {
	body := make([]byte, 0, len(raw)+24)
	body = append(append(append(body, `{"ok":true,"result":`...), raw...), '}')
	req, err := http.NewRequestWithContext(h.ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SecretHeader, h.secret)
	resp, err := s.hookClient.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

// afterDelivery removes a delivered (or given-up) event; it returns the
// new attempt count.
func (s *Server) afterDelivery(e event, err error, attempts int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.hookErrors++
		attempts++
		if attempts < maxWebhookAttempts {
			return attempts
		}
	} else {
		s.delivered++
	}
	// Only this goroutine takes events while the webhook is set.
	if len(s.events) > 0 && s.events[0].id == e.id {
		s.events = s.events[1:]
	}
	return 0
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
