package staff

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// turn is one staff command being handled.
type turn struct {
	h    *handlers
	out  conv.Chat
	lang string
	st   store.Staff
	log  *slog.Logger
}

func (c *turn) say(ctx context.Context, id string, kv ...any) {
	c.h.reply(ctx, c.out, c.h.t.T(c.lang, id, kv...), nil)
}

func (c *turn) fail(ctx context.Context, err error) {
	c.log.Error("staff command", "err", err)
	c.say(ctx, "error")
}

// The commands are an adapter of the broadcast workflow: roles, an agency
// manager's scope, states and the two-person rule are its rules, and its
// refusals become a reply here, in refused.

func (c *turn) actor() broadcast.Actor { return broadcast.StaffActor(c.st, "telegram") }

func (c *turn) wf() *broadcast.Workflow { return c.h.d.Workflow }

// refused says why the workflow refused a step, in the staff member's language.
func (c *turn) refused(ctx context.Context, id int64, err error) {
	we, ok := broadcast.ErrorOf(err)
	if !ok {
		c.fail(ctx, err)
		return
	}
	c.log.Info("staff command refused", "broadcast_id", id, "code", we.Code, "action", we.Action)
	switch we.Code {
	case broadcast.NotFound, broadcast.OutOfScope:
		c.say(ctx, "not_found", "ID", id) // outside one's agency is not even there
	case broadcast.Forbidden:
		c.say(ctx, "role_refused", "Role", c.st.Role)
	case broadcast.TwoPersonRule:
		c.say(ctx, "two_person")
	case broadcast.NoRun:
		c.say(ctx, "report_no_run", "ID", id)
	case broadcast.Invalid:
		var ps []string
		for _, f := range we.Fields {
			ps = append(ps, f.Path+": "+f.Message)
		}
		c.say(ctx, "problems", "ID", id, "Problems", strings.Join(ps, "; "))
	case broadcast.WrongState:
		key := "refused_" + string(we.Action)
		if !c.h.t.Has(c.lang, key) {
			key = "refused_state"
		}
		c.say(ctx, key, "ID", id, "State", c.h.t.T(c.lang, "state_"+we.State))
	default:
		c.fail(ctx, err)
	}
}

// broadcast loads #id if the staff member may see it.
func (c *turn) broadcast(ctx context.Context, id int64) (store.BroadcastDraft, bool) {
	b, err := c.wf().Get(ctx, c.actor(), id)
	if err != nil {
		c.refused(ctx, id, err)
		return b, false
	}
	return b, true
}

func (c *turn) pending(ctx context.Context) {
	list, err := c.wf().List(ctx, c.actor(), broadcast.Filter{Status: store.BroadcastSubmitted, Limit: 10})
	if err != nil {
		c.fail(ctx, err)
		return
	}
	if len(list) == 0 {
		c.say(ctx, "pending_none")
		return
	}
	for _, b := range list {
		var kb [][]conv.Choice
		if c.actor().May(broadcast.Approve) {
			kb = [][]conv.Choice{{
				{Label: c.h.t.Plain(c.lang, "button_approve"), Data: callbackPrefix + "approve:" + strconv.FormatInt(b.ID, 10)},
				{Label: c.h.t.Plain(c.lang, "button_reject"), Data: callbackPrefix + "reject:" + strconv.FormatInt(b.ID, 10)},
			}}
		}
		c.h.reply(ctx, c.out, c.pendingText(ctx, b), kb)
	}
}

func (c *turn) pendingText(ctx context.Context, b store.BroadcastDraft) string {
	author := "—"
	if b.CreatedBy != nil {
		if a, err := c.h.d.Store.StaffByID(ctx, *b.CreatedBy); err == nil {
			author = a.Name
		}
	}
	n, err := c.wf().CountOf(ctx, c.actor(), b.ID)
	if err != nil {
		c.log.Warn("pending count", "broadcast_id", b.ID, "err", err)
	}
	return c.h.t.T(c.lang, "pending_item", "ID", b.ID, "Name", b.Name, "Author", author, "Count", n,
		"When", c.when(b), "Preview", preview(b.Content, c.lang))
}

// preview is the start of the text in the staff member's language, as plain text.
func preview(raw json.RawMessage, lang string) string {
	var content messages.Content
	if err := json.Unmarshal(raw, &content); err != nil {
		return ""
	}
	v, _ := content.For(lang)
	text := v.Text
	if utf8.RuneCountInString(text) > 300 {
		text = string([]rune(text)[:300]) + "…"
	}
	return text
}

func (c *turn) when(b store.BroadcastDraft) string {
	sch := b.Schedule()
	switch {
	case sch.At != nil:
		return sch.At.In(c.h.d.Timezone).Format("02/01/2006 15:04")
	case sch.Yearly != nil:
		return c.h.t.T(c.lang, "schedule_yearly", "Day", sch.Yearly.Day, "Month", sch.Yearly.Month,
			"Time", fmt.Sprintf("%02d:%02d", sch.Yearly.Hour, sch.Yearly.Minute))
	}
	return c.h.t.T(c.lang, "schedule_none")
}

func (c *turn) broadcasts(ctx context.Context) {
	list, err := c.wf().List(ctx, c.actor(), broadcast.Filter{Limit: 10})
	if err != nil {
		c.fail(ctx, err)
		return
	}
	if len(list) == 0 {
		c.say(ctx, "broadcasts_none")
		return
	}
	var lines []string
	for _, b := range list {
		lines = append(lines, c.h.t.T(c.lang, "broadcasts_item", "ID", b.ID, "Name", b.Name,
			"Status", c.h.t.T(c.lang, "state_"+string(broadcast.StateOf(b)))))
		if _, p, err := c.wf().Progress(ctx, c.actor(), b.ID, 0); err == nil {
			run := p.Run
			lines = append(lines, c.h.t.T(c.lang, "broadcasts_run", "RunID", run.ID, "RunStatus", c.h.t.T(c.lang, "state_"+run.Status),
				"Done", p.Done(), "Total", run.Total))
		}
		if b.NextRunAt != nil {
			lines = append(lines, c.h.t.T(c.lang, "broadcasts_next", "When", b.NextRunAt.In(c.h.d.Timezone).Format("02/01/2006 15:04")))
		}
	}
	c.h.reply(ctx, c.out, strings.Join(lines, "\n"), nil)
}

func parseID(args string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(args), "#"), 10, 64)
	return id, err == nil && id > 0
}

// cancel is the workflow's one cancel: no future occurrence, and its
// active runs cancelled through the engine.
func (c *turn) cancel(ctx context.Context, args string) {
	id, ok := parseID(args)
	if !ok {
		c.say(ctx, "cancel_usage")
		return
	}
	res, err := c.wf().Cancel(ctx, c.actor(), id)
	if err != nil {
		c.refused(ctx, id, err)
		return
	}
	c.log.Info("broadcast cancelled from telegram", "broadcast_id", id, "runs", len(res.Runs))
	c.say(ctx, "cancel_ok", "ID", id, "Name", res.Broadcast.Name)
}

// reportMaxRows bounds the CSV sent as a document (Telegram bots may upload
// 50 MB); bigger reports are for the API.
const reportMaxRows = 200000

func (c *turn) report(ctx context.Context, args string) {
	id, ok := parseID(args)
	if !ok {
		c.say(ctx, "report_usage")
		return
	}
	b, p, err := c.wf().Progress(ctx, c.actor(), id, 0)
	if err != nil {
		c.refused(ctx, id, err)
		return
	}
	run, bs := p.Run, p.ByStatus
	c.say(ctx, "report_summary", "ID", id, "Name", b.Name, "RunID", run.ID, "RunStatus", c.h.t.T(c.lang, "state_"+run.Status), "Total", run.Total,
		"Sent", bs[store.DeliverySent], "Blocked", bs[store.DeliveryBlocked], "Failed", bs[store.DeliveryFailed],
		"Skipped", bs[store.DeliverySkipped], "Unknown", bs[store.DeliveryUnknown], "Pending", bs[store.DeliveryPending]+bs[store.DeliverySending])
	if run.Total > reportMaxRows {
		c.say(ctx, "report_too_big", "ID", id)
		return
	}
	var buf bytes.Buffer
	if err := c.wf().WriteReport(ctx, run, &buf); err != nil {
		c.fail(ctx, err)
		return
	}
	name := fmt.Sprintf("broadcast-%d-run-%d.csv", id, run.ID)
	if err := c.out.Send(ctx, conv.Reply{File: &conv.File{Name: name, Data: buf.Bytes()}}); err != nil {
		c.log.Warn("report document", "err", err)
	}
}

// callback handles the approve / send back buttons of /pending, through
// the workflow: a forged press is refused like any other request.
func (h *handlers) callback(ctx context.Context, m conv.Message, out conv.Chat) {
	st, ok := h.staff(ctx, m, out)
	if !ok {
		return
	}
	c := &turn{h: h, out: out, lang: m.LangCode, st: st, log: h.d.Log.With("staff_id", st.ID)}
	action, idText, _ := strings.Cut(strings.TrimPrefix(m.Choice, callbackPrefix), ":")
	id, ok := parseID(idText)
	if !ok || (action != "approve" && action != "reject") {
		return
	}
	if action == "reject" {
		c.reject(ctx, id)
		return
	}
	c.approve(ctx, id)
}

func (c *turn) approve(ctx context.Context, id int64) {
	br, err := c.wf().Approve(ctx, c.actor(), id)
	if err != nil {
		c.refused(ctx, id, err)
		return
	}
	c.log.Info("broadcast approved from telegram", "broadcast_id", id)
	c.say(ctx, "approved", "ID", br.ID, "Name", br.Name)
}

// rejectReason is what a "send back" button records: it has no room for
// one of its own.
const rejectReason = "sent back from Telegram"

func (c *turn) reject(ctx context.Context, id int64) {
	br, err := c.wf().Reject(ctx, c.actor(), id, rejectReason)
	if err != nil {
		c.refused(ctx, id, err)
		return
	}
	c.say(ctx, "rejected", "ID", br.ID, "Name", br.Name)
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }
