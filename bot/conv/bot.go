// Package conv holds Loa's resident conversations, on neutral messages and
// replies: FAQ answers with their source, topics, subscribing by a ward's
// (or former ward's) name, language, unsubscribing, /mydata, /forget,
// /phone, invites, the flood limit and per-resident serialisation. A channel
// (bot/telegram, later Zalo) turns its platform's updates into Messages,
// hands each to Bot.Handle with a Chat that sends Replies back, and declares
// in Caps what it can show; the conversation adapts (numbered choices,
// plain text, commands without "/") so channels stay thin. Every word it
// says comes from locales/.
package conv

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/store"
)

// Config tunes the conversations.
type Config struct {
	FloodBurst int           // messages a user may send at once (default 8)
	FloodEvery time.Duration // one more message allowed per interval (default 1s)
	KeepDays   int           // how long questions are kept, shown in /mydata
	Timezone   *time.Location
}

// Handler gets a first look at every message (the staff commands); it
// returns true when the message was its own and is answered.
type Handler func(ctx context.Context, m Message, out Chat) bool

// Deps are the services the conversations use.
type Deps struct {
	Store *store.Store
	// FAQ returns the current engine; staff edits swap it while the bot runs.
	FAQ  func() *faq.Engine
	Text *l10n.Catalog
	Conv Conversations
	Key  []byte // signs invite links
	Log  *slog.Logger
	Now  func() time.Time
	// Metrics receives the bot's counters; nil keeps them unexported.
	Metrics prometheus.Registerer
	// Contacts matches a phone a resident shared against agencies' member
	// lists and returns the reply (Loa's markup); nil: contacts are not read.
	Contacts func(ctx context.Context, subscriberID int64, lang, phone string) string
	// Before are handlers that see each message before the residents'
	// conversations do (the staff commands).
	Before []Handler
}

// Bot answers residents on any channel.
type Bot struct {
	cfg Config
	Deps
	flood   *flood
	counts  *metrics
	perUser [64]sync.Mutex
	words   map[string]string // folded word -> command, for channels without a command menu
}

// New makes the conversations; channels call Handle.
func New(cfg Config, d Deps) *Bot {
	if cfg.FloodBurst <= 0 {
		cfg.FloodBurst = 8
	}
	if cfg.FloodEvery <= 0 {
		cfg.FloodEvery = time.Second
	}
	if cfg.KeepDays <= 0 {
		cfg.KeepDays = 90
	}
	if cfg.Timezone == nil {
		cfg.Timezone = time.UTC
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Bot{cfg: cfg, Deps: d, flood: newFlood(cfg.FloodBurst, cfg.FloodEvery), counts: newMetrics(d.Metrics),
		words: commandWords(d.Text)}
}

// commandWords reads the locales' "command: word, word; …" tables; words of
// every language count, since residents mix them.
func commandWords(text *l10n.Catalog) map[string]string {
	out := map[string]string{}
	if text == nil {
		return out
	}
	for _, lang := range l10n.Langs {
		for _, entry := range strings.Split(text.Plain(lang, "command_words"), ";") {
			cmd, words, ok := strings.Cut(entry, ":")
			if !ok {
				continue
			}
			for _, w := range strings.Split(words, ",") {
				if w = faq.Fold(w); w != "" {
					out[w] = strings.TrimSpace(cmd)
				}
			}
		}
	}
	return out
}

// Commands are the residents' commands, in the order of a command menu;
// each has a description "cmd_<name>" in the locales.
var Commands = []string{"start", "subscribe", "unsubscribe", "stop", "lang", "topics", "phone", "mydata", "forget", "help"}

// Handle answers one message through out. It returns when every reply has
// been sent. One resident's messages are handled one at a time (striped by
// user), so a quick "/subscribe" then "hang bac" cannot overtake each other.
func (b *Bot) Handle(ctx context.Context, m Message, out Chat) {
	key := m.Channel + ":" + m.UserID
	mu := &b.perUser[stripe(key, len(b.perUser))]
	mu.Lock()
	defer mu.Unlock()
	t := &turn{Bot: b, m: m, out: out, caps: out.Caps(), user: key, lang: l10n.Pick(m.LangCode), name: m.Name, conv: &turnState{}}
	switch m.Kind {
	case KindBlocked, KindUnblocked:
		b.count(m, "member")
		b.onMemberChange(ctx, m)
		return
	}
	if m.Group {
		t.runBefore(ctx) // staff say "private chats only"; residents' talk is private
		return
	}
	var numberProblem string
	if !t.caps.Buttons && m.Kind == KindText {
		numberProblem = t.readNumber(ctx) // "2" becomes the second choice offered
	}
	if t.runBefore(ctx) {
		return
	}
	if m.Kind == KindChoice {
		b.count(m, "choice")
	} else {
		b.count(m, "message")
	}
	if !t.begin(ctx) {
		return
	}
	if numberProblem != "" {
		t.say(ctx, numberProblem, "Max", len(t.conv.st.Choices))
		return
	}
	switch t.m.Kind {
	case KindChoice:
		t.onChoice(ctx)
	default:
		t.onMessage(ctx)
	}
}

func (b *Bot) count(m Message, kind string) {
	b.counts.updates.WithLabelValues(m.Channel, kind).Inc()
}

func stripe(key string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(n))
}

func (t *turn) runBefore(ctx context.Context) bool {
	for _, h := range t.Before {
		if h(ctx, t.m, t) {
			return true
		}
	}
	return false
}

// begin applies the flood limit and loads (or creates) the resident's row.
// It returns false when the message must not be handled further.
func (t *turn) begin(ctx context.Context) bool {
	ok, warn := t.flood.allow(t.user)
	if !ok {
		if warn {
			t.notice(ctx, "slow_down")
		}
		t.count(t.m, "flood")
		t.Log.Info("flood limit", "channel", t.m.Channel) // a platform user id is personal data: not at info
		return false
	}
	if t.m.Kind == KindUnsupported {
		// the platform withheld the content to protect the sender: store
		// nothing about them, answer generically
		t.say(ctx, "unsupported", "HelpLine", t.t("help_line"))
		return false
	}
	chatID, _ := strconv.ParseInt(t.m.ChatID, 10, 64) // channels whose chat ids are not numbers are reached by external id
	sub, err := t.Store.UpsertSubscriber(ctx, store.Contact{Channel: t.m.Channel, ExternalID: t.m.UserID,
		ChatID: chatID, FirstName: t.m.Name, Locale: t.lang})
	if err != nil {
		t.Log.Error("load subscriber", "channel", t.m.Channel, "err", err)
		t.say(ctx, "error")
		return false
	}
	t.sub, t.lang = sub, l10n.Pick(sub.Locale)
	return true
}

// onMemberChange follows blocks: the resident blocked or unblocked the bot.
func (b *Bot) onMemberChange(ctx context.Context, m Message) {
	var err error
	if m.Kind == KindBlocked {
		err = b.Store.MarkBlocked(ctx, m.Channel, m.UserID, "blocked by user")
	} else {
		err = b.Store.MarkUnblocked(ctx, m.Channel, m.UserID)
	}
	if err != nil {
		b.Log.Error("member change", "channel", m.Channel, "blocked", m.Kind == KindBlocked, "err", err)
	}
}

// Blocked wraps err so that errors.Is(err, ErrBlocked) holds; channels use
// it when the platform says the resident cannot be reached.
func Blocked(err error) error { return fmt.Errorf("%w: %w", ErrBlocked, err) }
