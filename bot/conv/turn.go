package conv

import (
	"context"
	"errors"
	"html"
	"strconv"
	"strings"
	"unicode"

	"github.com/loa-vn/loa/store"
)

// turn is one message from one resident: who they are and how to answer.
// It is also the Chat the Before handlers answer through, so their replies
// are adapted to the channel like the residents' are.
type turn struct {
	*Bot
	m    Message
	out  Chat
	caps Caps
	user string // "<channel>:<external id>", the key of per-user state
	lang string
	name string
	sub  store.Subscriber
	conv *turnState // shared by the copies in(lang) makes
}

// turnState is the resident's conversation state, read at most once a turn.
type turnState struct {
	loaded  bool
	st      State
	offered bool // numbered choices were offered in this turn already
}

// state returns the resident's pending step and offered choices.
func (t *turn) state(ctx context.Context) State {
	if !t.conv.loaded {
		st, err := t.Conv.Get(ctx, t.user)
		if err != nil {
			t.Log.Warn("conversation", "channel", t.m.Channel, "subscriber_id", t.sub.ID, "err", err)
		}
		t.conv.st, t.conv.loaded = st, true
	}
	return t.conv.st
}

func (t *turn) setState(ctx context.Context, st State) error {
	t.conv.st, t.conv.loaded = st, true
	return t.Conv.Set(ctx, t.user, st)
}

func (t *turn) clearStep(ctx context.Context) {
	t.conv.st, t.conv.loaded = State{}, true
	if err := t.Conv.Clear(ctx, t.user); err != nil {
		t.Log.Warn("conversation", "channel", t.m.Channel, "subscriber_id", t.sub.ID, "err", err)
	}
}

// t renders a message in the resident's language.
func (t *turn) t(id string, kv ...any) string { return t.Text.T(t.lang, id, kv...) }

// say sends a locale message.
func (t *turn) say(ctx context.Context, id string, kv ...any) {
	t.send(ctx, t.t(id, kv...))
}

// send sends text in Loa's markup with rows of choices.
func (t *turn) send(ctx context.Context, text string, rows ...[]Choice) {
	var out [][]Choice
	for _, r := range rows {
		if len(r) > 0 {
			out = append(out, r)
		}
	}
	_ = t.Send(ctx, Reply{Text: text, Choices: out})
}

// notice acknowledges a chosen option with a short text; any other
// message gets it as an ordinary reply.
func (t *turn) notice(ctx context.Context, id string) {
	if t.m.Kind == KindChoice {
		_ = t.Send(ctx, Reply{Notice: t.Text.Plain(t.lang, id)})
		return
	}
	t.say(ctx, id)
}

// ack acknowledges a chosen option without a word (Telegram stops the
// button's spinner); channels without notices see nothing.
func (t *turn) ack(ctx context.Context) {
	if t.m.Kind == KindChoice && t.caps.Notices {
		_ = t.Send(ctx, Reply{})
	}
}

// fail logs an unexpected error with the resident's ids and says sorry.
func (t *turn) fail(ctx context.Context, what string, err error) {
	t.Log.Error(what, "channel", t.m.Channel, "subscriber_id", t.sub.ID, "err", err)
	t.say(ctx, "error")
}

// Caps are the channel's.
func (t *turn) Caps() Caps { return t.caps }

// Send adapts r to the channel and sends it. A resident the platform says
// is unreachable is marked blocked.
func (t *turn) Send(ctx context.Context, r Reply) error {
	r = t.adapt(ctx, r)
	if r.Text == "" && r.Notice == "" && r.File == nil && !t.caps.Notices {
		return nil
	}
	err := t.out.Send(ctx, r)
	if err == nil {
		return nil
	}
	t.Log.Warn("send", "channel", t.m.Channel, "subscriber_id", t.sub.ID, "err", err)
	if errors.Is(err, ErrBlocked) {
		if merr := t.Store.MarkBlocked(ctx, t.m.Channel, t.m.UserID, "forbidden"); merr != nil {
			t.Log.Error("mark blocked", "channel", t.m.Channel, "subscriber_id", t.sub.ID, "err", merr)
		}
	}
	return err
}

// adapt fits a reply to what the channel can show: numbered choices and
// written-out links without buttons, notices as text, plain text without
// markup. This is the one place that numbers choices.
func (t *turn) adapt(ctx context.Context, r Reply) Reply {
	if !t.caps.Notices && r.Notice != "" {
		r.Text = joinText(html.EscapeString(r.Notice), r.Text)
		r.Notice = ""
	}
	if !t.caps.Buttons {
		r.Text = t.number(ctx, r.Text, r.Choices)
		for _, l := range r.Links {
			r.Text += "\n" + html.EscapeString(l.Label) + ": " + html.EscapeString(l.URL)
		}
		r.Choices, r.Links = nil, nil
	}
	if !t.caps.Contact {
		r.AskContact = ""
	}
	if !t.caps.Files {
		r.File = nil
	}
	if !t.caps.HTML {
		r.Text = PlainText(r.Text)
	}
	return r
}

// number writes choices as "1. …" lines under text and remembers their data
// in the conversation state, so that the resident's "2" selects the second.
// Numbers run on across the replies of one turn.
func (t *turn) number(ctx context.Context, text string, rows [][]Choice) string {
	var data []string
	for _, row := range rows {
		for _, c := range row {
			data = append(data, c.Data)
		}
	}
	if len(data) == 0 {
		return text
	}
	st := t.state(ctx)
	if !t.conv.offered {
		st.Choices = nil
		t.conv.offered = true
	}
	var b strings.Builder
	b.WriteString(text)
	b.WriteString("\n")
	for _, row := range rows {
		for _, c := range row {
			st.Choices = append(st.Choices, c.Data)
			b.WriteString("\n" + strconv.Itoa(len(st.Choices)) + ". " + html.EscapeString(c.Label))
		}
	}
	b.WriteString("\n\n" + t.t("choice_hint"))
	if err := t.setState(ctx, st); err != nil {
		t.Log.Warn("conversation", "channel", t.m.Channel, "subscriber_id", t.sub.ID, "err", err)
	}
	return b.String()
}

// readNumber turns a typed "2" into the second choice offered. It returns
// the locale id of a reply when the number selects nothing.
func (t *turn) readNumber(ctx context.Context) string {
	s := strings.TrimRight(strings.TrimSpace(t.m.Text), ".)")
	if s == "" || len(s) > 2 || strings.Trim(s, "0123456789") != "" {
		return "" // not a choice number: "1022" is a question
	}
	n, _ := strconv.Atoi(s)
	st := t.state(ctx)
	switch {
	case len(st.Choices) == 0:
		return "choice_stale"
	case n < 1 || n > len(st.Choices):
		return "choice_range"
	}
	t.m.Kind, t.m.Choice = KindChoice, st.Choices[n-1]
	return ""
}

func joinText(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n\n" + b
}

// staleNotice is the reply to a chosen option that no longer means anything.
func (t *turn) staleNotice() string {
	if t.caps.Buttons {
		return "callback_stale"
	}
	return "choice_stale"
}

func button(label, data string) Choice { return Choice{Label: clip(label, 60), Data: data} }

// clip shortens s to at most n runes, for buttons made of question text
// and quoted input: at the last word boundary that fits, with an ellipsis,
// so no word is cut in half (a single word longer than half of n is cut).
func clip(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	cut := r[:n-1] // room for the ellipsis
	if !unicode.IsSpace(r[n-1]) {
		if i := lastSpace(cut); i >= n/2 {
			cut = cut[:i]
		}
	}
	return strings.TrimRightFunc(string(cut), func(c rune) bool { return unicode.IsSpace(c) || unicode.IsPunct(c) }) + "…"
}

func lastSpace(r []rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if unicode.IsSpace(r[i]) {
			return i
		}
	}
	return -1
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
