package zalo

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"
	"unicode/utf8"
)

// Handler handles one deduplicated event. An error means "not handled":
// the event's id is forgotten so a redelivery is handled again.
type Handler func(ctx context.Context, e Event) error

// IntakeOption configures the webhook and the poller.
type IntakeOption func(*intake)

// WithDeduper sets how duplicates are recognised (default: an in-memory
// LRU of 10000 ids; behind several `loa web` processes, a RedisDeduper).
func WithDeduper(d Deduper) IntakeOption { return func(in *intake) { in.dedupe = d } }

// WithIntakeLogger sets the logger (default slog.Default()).
func WithIntakeLogger(l *slog.Logger) IntakeOption { return func(in *intake) { in.log = l } }

// MaxWebhookBody bounds a webhook delivery; an event is a few hundred bytes.
const MaxWebhookBody = 64 << 10

// intake is what the webhook and the poller share: parse, deduplicate, hand over.
type intake struct {
	handle Handler
	dedupe Deduper
	log    *slog.Logger
}

func newIntake(h Handler, opts []IntakeOption) intake {
	in := intake{handle: h, log: slog.Default()}
	for _, o := range opts {
		o(&in)
	}
	if in.dedupe == nil {
		in.dedupe = NewMemoryDeduper(0)
	}
	return in
}

// process handles one raw event. Only the kind is ever logged, at debug.
func (in *intake) process(ctx context.Context, raw []byte) error {
	e, err := parseEvent(raw)
	if errors.Is(err, errIgnored) {
		in.log.Debug("zalo event ignored")
		return nil
	}
	if err != nil {
		return err
	}
	return in.deliver(ctx, e)
}

// deliver hands a parsed event over once.
func (in *intake) deliver(ctx context.Context, e Event) error {
	first, err := in.dedupe.First(ctx, e.MessageID)
	if err != nil {
		return err
	}
	if !first {
		in.log.Debug("zalo event duplicate", "kind", string(e.Kind))
		return nil
	}
	in.log.Debug("zalo event", "kind", string(e.Kind))
	if err := in.handle(ctx, e); err != nil {
		if ferr := in.dedupe.Forget(context.WithoutCancel(ctx), e.MessageID); ferr != nil {
			return errors.Join(err, ferr)
		}
		return err
	}
	return nil
}

// SecretHeader carries the webhook secret on every delivery.
const SecretHeader = "X-Bot-Api-Secret-Token"

// Webhook receives the platform's deliveries. Mount it on the path given to
// SetWebhook; it needs no other routing.
type Webhook struct {
	in     intake
	secret [sha256.Size]byte
}

// NewWebhook makes the webhook handler for secret (ZALO_WEBHOOK_SECRET,
// 8–256 characters) that hands events to h.
func NewWebhook(secret string, h Handler, opts ...IntakeOption) (*Webhook, error) {
	if n := utf8.RuneCountInString(secret); n < 8 || n > 256 {
		return nil, errors.New("zalo: the webhook secret must be 8 to 256 characters")
	}
	return &Webhook{in: newIntake(h, opts), secret: sha256.Sum256([]byte(secret))}, nil
}

// ServeHTTP checks the secret before reading anything: wrong or missing,
// 403. Then a bounded body (413 past MaxWebhookBody), 400 when it is not
// an event, 500 when the handler failed (the platform retries), else 200.
func (wh *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// Hashing first makes the comparison constant-time in the length too.
	got := sha256.Sum256([]byte(r.Header.Get(SecretHeader)))
	if subtle.ConstantTimeCompare(got[:], wh.secret[:]) != 1 {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	e, err := parseEvent(body)
	switch {
	case errors.Is(err, errIgnored):
		wh.in.log.Debug("zalo event ignored")
		err = nil
	case err != nil:
		http.Error(w, "not a Zalo event", http.StatusBadRequest)
		return
	default:
		err = wh.in.deliver(r.Context(), e)
	}
	if err != nil {
		wh.in.log.Warn("zalo webhook: event not handled", "err", err)
		http.Error(w, "not handled", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"message":"Success"}`)
}

// Poller receives events by long polling, for hosts without a public URL.
type Poller struct {
	c       *Client
	in      intake
	timeout time.Duration
	minWait time.Duration
	maxWait time.Duration
}

// PollOption configures a Poller.
type PollOption func(*Poller)

// WithPollTimeout sets getUpdates' timeout (default 20 s; keep it below
// the HTTP client's timeout, 30 s by default).
func WithPollTimeout(d time.Duration) PollOption { return func(p *Poller) { p.timeout = d } }

// WithPollBackoff sets the wait after a failed poll: doubling from min up
// to max (default 1 s to 60 s).
func WithPollBackoff(minWait, maxWait time.Duration) PollOption {
	return func(p *Poller) { p.minWait, p.maxWait = minWait, maxWait }
}

// NewPoller makes a poller on c handing events to h.
func NewPoller(c *Client, h Handler, popts []PollOption, opts ...IntakeOption) *Poller {
	p := &Poller{c: c, in: newIntake(h, opts), timeout: 20 * time.Second, minWait: time.Second, maxWait: 60 * time.Second}
	for _, o := range popts {
		o(p)
	}
	return p
}

// Run deletes any webhook (getUpdates does not work while one is set) and
// polls until ctx ends (then it returns nil) or the token is refused
// (ErrTokenInvalid). Events are handled one at a time, in order; other
// failures are logged (without content) and retried with backoff.
func (p *Poller) Run(ctx context.Context) error {
	wait := time.Duration(0)
	fail := func(what string, err error) error {
		if errors.Is(err, ErrTokenInvalid) {
			return err
		}
		wait = min(max(2*wait, p.minWait), p.maxWait)
		p.in.log.Warn("zalo polling: "+what, "err", err, "retry_in", wait)
		return nil
	}
	for deleted := false; ctx.Err() == nil; {
		if !deleted {
			err := p.c.DeleteWebhook(ctx)
			if err == nil {
				deleted = true
				continue
			}
			if ctx.Err() == nil {
				if ferr := fail("deleteWebhook", err); ferr != nil {
					return ferr
				}
				sleep(ctx, wait)
			}
			continue
		}
		events, err := p.c.GetUpdates(ctx, p.timeout)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if ferr := fail("getUpdates", err); ferr != nil {
				return ferr
			}
			sleep(ctx, wait)
			continue
		}
		wait = 0
		for _, raw := range events {
			if err := p.in.process(ctx, raw); err != nil && ctx.Err() == nil {
				p.in.log.Warn("zalo polling: event not handled", "err", err)
			}
		}
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
