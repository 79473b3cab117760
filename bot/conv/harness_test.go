package conv_test

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/invite"
	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/jobs/redistest"
	"github.com/loa-vn/loa/locales"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

var testKey = []byte("test-key-test-key-test-key-test-key")

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

// harness is the conversations on a fresh PostgreSQL and Redis database.
// Handle returns once every reply is sent, so nothing here waits.
type harness struct {
	t   *testing.T
	ctx context.Context
	st  *store.Store
	bot *conv.Bot
}

func newHarness(t *testing.T, cfg conv.Config) *harness {
	t.Helper()
	eng, cat := shared(t)
	st := storetest.NewSeeded(t)
	rdb := redis.NewClient(redistest.New(t))
	t.Cleanup(func() { rdb.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	b := conv.New(cfg, conv.Deps{Store: st, FAQ: func() *faq.Engine { return eng }, Text: cat,
		Conv: conv.RedisConversations{R: rdb}, Key: testKey, Log: log})
	return &harness{t: t, ctx: ctx, st: st, bot: b}
}

// recorder is a chat that keeps the replies; caps say what it can show.
type recorder struct {
	caps    conv.Caps
	replies []conv.Reply
}

func (r *recorder) Caps() conv.Caps { return r.caps }
func (r *recorder) Send(_ context.Context, rep conv.Reply) error {
	r.replies = append(r.replies, rep)
	return nil
}

// rich is a channel that shows everything (as Telegram does).
var rich = conv.Caps{Buttons: true, HTML: true, CommandMenu: true, Contact: true, Notices: true, Files: true}

// The test channels' names. subscribers.channel accepts only 'telegram'
// and 'zalo' until the channels migration (branch chengine, 00003) allows
// any well-formed name; then these become "rich" and "plain".
const (
	richChannel  = "telegram"
	plainChannel = "zalo"
)

// resident is someone on the rich test channel.
type resident struct {
	id, name, lang string
}

var (
	lan  = resident{"5001", "Lan", "vi"}
	john = resident{"5002", "John", "en-US"}
)

func (u resident) msg(kind conv.Kind, text string) conv.Message {
	return conv.Message{Channel: richChannel, UserID: u.id, ChatID: u.id, Name: u.name, LangCode: u.lang, Kind: kind, Text: text}
}

// handle delivers m and returns the replies that carry text.
func (h *harness) handle(m conv.Message) []conv.Reply {
	h.t.Helper()
	rec := &recorder{caps: rich}
	h.bot.Handle(h.ctx, m, rec)
	var out []conv.Reply
	for _, r := range rec.replies {
		if r.Text != "" || r.Notice != "" {
			out = append(out, r)
		}
	}
	return out
}

// one delivers m and wants exactly one reply.
func (h *harness) one(m conv.Message) conv.Reply {
	h.t.Helper()
	rs := h.handle(m)
	if len(rs) != 1 {
		h.t.Fatalf("%q: %d replies, want 1: %+v", m.Text+m.Choice, len(rs), rs)
	}
	return rs[0]
}

// cmd sends a command as a platform with a command menu marks it.
func (h *harness) cmd(u resident, text string) conv.Reply {
	return h.one(u.msg(conv.KindCommand, text))
}
func (h *harness) text(u resident, text string) conv.Reply { return h.one(u.msg(conv.KindText, text)) }
func (h *harness) choose(u resident, data string) conv.Reply {
	m := u.msg(conv.KindChoice, "")
	m.Choice = data
	return h.one(m)
}

func (h *harness) subscriber(channel, id string) store.Subscriber {
	h.t.Helper()
	s, err := h.st.SubscriberByExternal(h.ctx, channel, id)
	if err != nil {
		h.t.Fatalf("subscriber %s/%s: %v", channel, id, err)
	}
	return s
}

func (h *harness) count(q string, args ...any) int {
	h.t.Helper()
	var n int
	if err := h.st.DB().GetContext(h.ctx, &n, q, args...); err != nil {
		h.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (h *harness) exec(q string, args ...any) {
	h.t.Helper()
	if _, err := h.st.DB().ExecContext(h.ctx, q, args...); err != nil {
		h.t.Fatalf("%s: %v", q, err)
	}
}

// invite records an invite (to an agency, or else a locality) and signs its link.
func (h *harness) invite(agencyID, localityID int64, expires time.Time) string {
	h.t.Helper()
	inv, err := h.st.CreateInvite(h.ctx, store.CLIActor, agencyID, localityID, expires)
	if err != nil {
		h.t.Fatal(err)
	}
	return invite.Sign(testKey, inv.ID, expires)
}

func (h *harness) firstAgency() int64 {
	h.t.Helper()
	var id int64
	if err := h.st.DB().GetContext(h.ctx, &id, `SELECT id FROM agencies ORDER BY id LIMIT 1`); err != nil {
		h.t.Fatal(err)
	}
	return id
}

func choiceData(t *testing.T, r conv.Reply, prefix string) string {
	t.Helper()
	for _, row := range r.Choices {
		for _, c := range row {
			if strings.HasPrefix(c.Label, prefix) {
				return c.Data
			}
		}
	}
	t.Fatalf("no choice starting %q in %+v", prefix, r.Choices)
	return ""
}

func contains(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("message %q\n  lacks %q", got, w)
		}
	}
}
