package telegram

import (
	"context"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/jobs/redistest"
	"github.com/loa-vn/loa/locales"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

var testKey = []byte("test-key-test-key-test-key-test-key")

// harness is a resident bot polling a fake Telegram, on a fresh PostgreSQL
// database and Redis database.
type harness struct {
	t    *testing.T
	ctx  context.Context
	fake *tgfake.Server
	st   *store.Store
	bot  *Bot
}

var (
	engine  *faq.Engine
	catalog *l10n.Catalog
)

func shared(t *testing.T) (*faq.Engine, *l10n.Catalog) {
	t.Helper()
	if engine == nil {
		kbs, err := faq.LoadFS(locales.FS)
		if err != nil {
			t.Fatal(err)
		}
		engine = faq.NewEngine(kbs)
		if catalog, err = l10n.Load(locales.FS, nil); err != nil {
			t.Fatal(err)
		}
	}
	return engine, catalog
}

// newBot connects the conversations (tuned by cc) to a fake Telegram.
func newBot(t *testing.T, cfg Config, cc conv.Config, mods ...func(*harness, *conv.Deps, *Deps)) (*harness, context.CancelFunc) {
	t.Helper()
	eng, cat := shared(t)
	h := &harness{t: t, fake: tgfake.New(), st: storetest.NewSeeded(t)}
	t.Cleanup(h.fake.Close)
	rdb := redis.NewClient(redistest.New(t))
	t.Cleanup(func() { rdb.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	h.ctx = ctx
	cfg.Token, cfg.APIURL = h.fake.Token(), h.fake.URL()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cd := conv.Deps{Store: h.st, FAQ: func() *faq.Engine { return eng }, Text: cat, Conv: conv.RedisConversations{R: rdb}, Key: testKey, Log: log}
	d := Deps{Text: cat, Log: log}
	for _, m := range mods {
		m(h, &cd, &d)
	}
	d.Conv = conv.New(cc, cd)
	b, err := New(ctx, cfg, d)
	if err != nil {
		t.Fatal(err)
	}
	h.bot = b
	return h, cancel
}

// newHarness starts polling; the bot stops (and drains) at cleanup.
func newHarness(t *testing.T, cc conv.Config, mods ...func(*harness, *conv.Deps, *Deps)) *harness {
	h, cancel := newBot(t, Config{}, cc, mods...)
	runCtx, stop := context.WithCancel(h.ctx)
	done := make(chan error, 1)
	go func() { done <- h.bot.Poll(runCtx, nil) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("poll: %v", err)
		}
		cancel()
	})
	return h
}

// expect runs act and waits for n more bot messages to u's chat.
func (h *harness) expect(u tgfake.User, n int, act func()) []tgfake.Sent {
	h.t.Helper()
	before := h.fake.CountTo(u.ID)
	act()
	ctx, cancel := context.WithTimeout(h.ctx, 10*time.Second)
	defer cancel()
	all, err := h.fake.WaitSent(ctx, u.ID, before+n)
	if err != nil {
		h.t.Fatalf("waiting for %d message(s) to %d: %v (got %d)", n, u.ID, err, len(all)-before)
	}
	return all[before:]
}

func (h *harness) send(u tgfake.User, text string) tgfake.Sent {
	h.t.Helper()
	return h.expect(u, 1, func() { h.fake.SendText(u, text) })[0]
}

func (h *harness) press(u tgfake.User, msg tgfake.Sent, data string) tgfake.Sent {
	h.t.Helper()
	return h.expect(u, 1, func() { h.fake.PressButton(u, msg.MessageID, data) })[0]
}

// buttonData finds the callback data of the first button whose label has prefix.
func buttonData(t *testing.T, msg tgfake.Sent, prefix string) string {
	t.Helper()
	for _, b := range msg.Buttons() {
		if strings.HasPrefix(b.Text, prefix) {
			return b.CallbackData
		}
	}
	t.Fatalf("no button starting %q in %+v", prefix, msg.Buttons())
	return ""
}

func (h *harness) count(q string, args ...any) int {
	h.t.Helper()
	var n int
	if err := h.st.DB().GetContext(h.ctx, &n, q, args...); err != nil {
		h.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (h *harness) subscriber(u tgfake.User) store.Subscriber {
	h.t.Helper()
	s, err := h.st.SubscriberByExternal(h.ctx, Channel, strconv.FormatInt(u.ID, 10))
	if err != nil {
		h.t.Fatalf("subscriber %d: %v", u.ID, err)
	}
	return s
}

func contains(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("message %q\n  lacks %q", got, w)
		}
	}
}
