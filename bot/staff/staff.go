// Package staff holds the staff commands inside the chat: /link <code> once,
// then /pending (approve or send back with buttons, through the broadcast workflow),
// /broadcasts, /cancel and /report. They work on the neutral messages and
// replies of bot/conv (Handler sees each message before the residents'
// conversations do), answer only linked staff and are never added to the
// bot's public command menu, so residents do not see them. Staff are linked
// by their Telegram user id today. It also matches residents' shared phones
// against agency lists (MatchContact).
package staff

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/store"
)

// RunControl cancels a run so every worker stops within a second; a
// *jobs.Engine implements it. Nil: the run is cancelled in PostgreSQL only.
type RunControl = broadcast.RunControl

// Deps are what the staff commands need.
type Deps struct {
	Store *store.Store
	// TwoPersonRule: whoever last changed a broadcast cannot approve it (LOA_TWO_PERSON_RULE).
	TwoPersonRule bool
	Runs          RunControl
	Timezone      *time.Location
	Log           *slog.Logger
	Now           func() time.Time
	// Workflow is the broadcast workflow the commands call; nil builds one
	// from Store, Runs, TwoPersonRule and Now.
	Workflow *broadcast.Workflow
}

// Commands are the staff commands, for documentation and tests; they are
// deliberately absent from setMyCommands.
var Commands = []string{"link", "pending", "broadcasts", "cancel", "report"}

// callbackPrefix marks the staff buttons' data.
const callbackPrefix = "staff:"

type handlers struct {
	d Deps
	t *l10n.Catalog
}

// Handler returns the staff commands and buttons, to run before the
// residents' conversations (conv.Deps.Before).
func Handler(d Deps) conv.Handler {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Timezone == nil {
		d.Timezone, _ = time.LoadLocation("Asia/Ho_Chi_Minh")
	}
	if d.Workflow == nil {
		d.Workflow = broadcast.New(broadcast.Config{Store: d.Store, Runs: d.Runs, TwoPersonRule: d.TwoPersonRule, Now: d.Now})
	}
	h := &handlers{d: d, t: defaultTexts}
	return h.handle
}

// handle takes the staff commands ("/name", "/name args", "/name@bot args")
// and the staff buttons; everything else is the residents'.
func (h *handlers) handle(ctx context.Context, m conv.Message, out conv.Chat) bool {
	if m.Kind == conv.KindChoice {
		if !strings.HasPrefix(m.Choice, callbackPrefix) {
			return false
		}
		h.callback(ctx, m, out)
		return true
	}
	name, args, ok := conv.Command(m, out.Caps(), nil) // never without the slash: residents' words stay theirs
	if !ok || !isStaffCommand(name) {
		return false
	}
	h.command(ctx, name, args, m, out)
	return true
}

func isStaffCommand(name string) bool {
	for _, c := range Commands {
		if c == name {
			return true
		}
	}
	return false
}

// command runs one command for a linked staff member (except /link, which is
// how one becomes linked), in a private chat only: buttons and reports must
// not land in a group.
func (h *handlers) command(ctx context.Context, name, args string, m conv.Message, out conv.Chat) {
	lang := m.LangCode
	if m.Group {
		h.reply(ctx, out, h.t.T(lang, "private_only"), nil)
		return
	}
	if name == "link" {
		h.link(ctx, m, out, args)
		return
	}
	st, ok := h.staff(ctx, m, out)
	if !ok {
		return
	}
	log := h.d.Log.With("staff_id", st.ID, "command", name)
	c := &turn{h: h, out: out, lang: lang, st: st, log: log}
	switch name {
	case "pending":
		c.pending(ctx)
	case "broadcasts":
		c.broadcasts(ctx)
	case "cancel":
		c.cancel(ctx, args)
	case "report":
		c.report(ctx, args)
	}
}

// staffBy finds the staff member linked to a chat identity. Staff link
// their Telegram account today; any other channel has no staff yet.
func (h *handlers) staffBy(ctx context.Context, channel, externalID string) (store.Staff, error) {
	id, err := strconv.ParseInt(externalID, 10, 64)
	if channel != "telegram" || err != nil {
		return store.Staff{}, store.ErrNotFound
	}
	return h.d.Store.StaffByTelegram(ctx, id)
}

// staff finds the linked staff member or tells the sender the commands are not for them.
func (h *handlers) staff(ctx context.Context, m conv.Message, out conv.Chat) (store.Staff, bool) {
	st, err := h.staffBy(ctx, m.Channel, m.UserID)
	if err != nil {
		if !isNotFound(err) {
			h.d.Log.Error("staff lookup", "err", err)
			h.reply(ctx, out, h.t.T(m.LangCode, "error"), nil)
			return st, false
		}
		h.reply(ctx, out, h.t.T(m.LangCode, "not_linked"), nil)
		return st, false
	}
	return st, true
}

func (h *handlers) link(ctx context.Context, m conv.Message, out conv.Chat, code string) {
	lang := m.LangCode
	if code == "" {
		h.reply(ctx, out, h.t.T(lang, "link_usage"), nil)
		return
	}
	userID, err := strconv.ParseInt(m.UserID, 10, 64)
	if m.Channel != "telegram" || err != nil {
		h.reply(ctx, out, h.t.T(lang, "link_bad"), nil) // staff link their Telegram account
		return
	}
	st, err := h.d.Store.RedeemLinkCode(ctx, code, userID)
	switch {
	case isNotFound(err):
		h.reply(ctx, out, h.t.T(lang, "link_bad"), nil)
	case isConflict(err):
		h.reply(ctx, out, h.t.T(lang, "link_taken"), nil)
	case err != nil:
		h.d.Log.Error("staff link", "err", err)
		h.reply(ctx, out, h.t.T(lang, "error"), nil)
	default:
		h.d.Log.Info("staff linked telegram", "staff_id", st.ID)
		h.reply(ctx, out, h.t.T(lang, "link_ok", "Name", st.Name, "Role", st.Role), nil)
	}
}

func (h *handlers) reply(ctx context.Context, out conv.Chat, text string, choices [][]conv.Choice) {
	if err := out.Send(ctx, conv.Reply{Text: text, Choices: choices}); err != nil {
		h.d.Log.Warn("staff reply", "err", err)
	}
}
