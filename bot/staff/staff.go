// Package staff holds the staff commands inside Telegram: /link <code> once,
// then /pending (approve or send back with buttons, through the broadcast workflow),
// /broadcasts, /cancel and /report. They answer only linked staff and are
// never added to the bot's public command menu, so residents do not see
// them. It also matches residents' shared phones against agency lists
// (MatchContact).
package staff

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

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

// callbackPrefix marks the staff buttons' callback data.
const callbackPrefix = "staff:"

type handlers struct {
	d Deps
	t *l10n.Catalog
}

// Register adds the staff commands and buttons to the resident bot. Call it
// before the bot starts receiving updates.
func Register(b *bot.Bot, d Deps) {
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
	for _, c := range Commands {
		b.RegisterHandlerMatchFunc(isCommand(c), h.command(c))
	}
	b.RegisterHandler(bot.HandlerTypeCallbackQueryData, callbackPrefix, bot.MatchTypePrefix, h.callback)
}

// isCommand matches "/name", "/name args" and "/name@bot args".
func isCommand(name string) bot.MatchFunc {
	return func(u *models.Update) bool {
		if u.Message == nil {
			return false
		}
		cmd, _ := splitCommand(u.Message.Text)
		return cmd == name
	}
}

func splitCommand(text string) (cmd, args string) {
	if !strings.HasPrefix(text, "/") {
		return "", ""
	}
	head, rest, _ := strings.Cut(strings.TrimSpace(text[1:]), " ")
	head, _, _ = strings.Cut(head, "@")
	return strings.ToLower(head), strings.TrimSpace(rest)
}

// command runs one command for a linked staff member (except /link, which is
// how one becomes linked), in a private chat only: buttons and reports must
// not land in a group.
func (h *handlers) command(name string) bot.HandlerFunc {
	return func(ctx context.Context, b *bot.Bot, u *models.Update) {
		m := u.Message
		if m.From == nil {
			return
		}
		lang := m.From.LanguageCode
		if m.Chat.Type != models.ChatTypePrivate {
			h.reply(ctx, b, m.Chat.ID, h.t.T(lang, "private_only"), nil)
			return
		}
		_, args := splitCommand(m.Text)
		if name == "link" {
			h.link(ctx, b, m, args)
			return
		}
		st, ok := h.staff(ctx, b, m.Chat.ID, m.From)
		if !ok {
			return
		}
		log := h.d.Log.With("staff_id", st.ID, "command", name)
		c := &turn{h: h, b: b, chat: m.Chat.ID, lang: lang, st: st, log: log}
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
}

// staff finds the linked staff member or tells the sender the commands are not for them.
func (h *handlers) staff(ctx context.Context, b *bot.Bot, chat int64, from *models.User) (store.Staff, bool) {
	st, err := h.d.Store.StaffByTelegram(ctx, from.ID)
	if err != nil {
		if !isNotFound(err) {
			h.d.Log.Error("staff lookup", "err", err)
			h.reply(ctx, b, chat, h.t.T(from.LanguageCode, "error"), nil)
			return st, false
		}
		h.reply(ctx, b, chat, h.t.T(from.LanguageCode, "not_linked"), nil)
		return st, false
	}
	return st, true
}

func (h *handlers) link(ctx context.Context, b *bot.Bot, m *models.Message, code string) {
	lang := m.From.LanguageCode
	if code == "" {
		h.reply(ctx, b, m.Chat.ID, h.t.T(lang, "link_usage"), nil)
		return
	}
	st, err := h.d.Store.RedeemLinkCode(ctx, code, m.From.ID)
	switch {
	case isNotFound(err):
		h.reply(ctx, b, m.Chat.ID, h.t.T(lang, "link_bad"), nil)
	case isConflict(err):
		h.reply(ctx, b, m.Chat.ID, h.t.T(lang, "link_taken"), nil)
	case err != nil:
		h.d.Log.Error("staff link", "err", err)
		h.reply(ctx, b, m.Chat.ID, h.t.T(lang, "error"), nil)
	default:
		h.d.Log.Info("staff linked telegram", "staff_id", st.ID)
		h.reply(ctx, b, m.Chat.ID, h.t.T(lang, "link_ok", "Name", st.Name, "Role", st.Role), nil)
	}
}

func (h *handlers) reply(ctx context.Context, b *bot.Bot, chat int64, text string, kb models.ReplyMarkup) {
	p := &bot.SendMessageParams{ChatID: chat, Text: text, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()}}
	if kb != nil {
		p.ReplyMarkup = kb
	}
	if _, err := b.SendMessage(ctx, p); err != nil {
		h.d.Log.Warn("staff reply", "err", err)
	}
}
