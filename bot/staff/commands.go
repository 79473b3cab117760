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

// canApprove and canCancel are the API's role rules (web/api/routes.go).
func canApprove(role string) bool { return role == store.RoleAdmin || role == store.RoleApprover }

func canCancel(role string) bool {
	return role == store.RoleAdmin || role == store.RoleApprover || role == store.RoleAgencyManager
}

// scope is the agencies an agency manager reaches; nil for everyone else.
func (c *turn) scope(ctx context.Context) ([]int64, error) {
	if c.st.Role != store.RoleAgencyManager || c.st.AgencyID == nil {
		return nil, nil
	}
	return c.h.d.Store.AgencySubtree(ctx, *c.st.AgencyID)
}

// broadcast loads #id if the staff member may see it.
func (c *turn) broadcast(ctx context.Context, id int64) (store.BroadcastDraft, bool) {
	b, err := c.h.d.Store.DraftByID(ctx, id)
	if isNotFound(err) {
		c.say(ctx, "not_found", "ID", id)
		return b, false
	}
	if err != nil {
		c.fail(ctx, err)
		return b, false
	}
	ids, err := c.scope(ctx)
	if err != nil {
		c.fail(ctx, err)
		return b, false
	}
	if ids != nil && (b.AgencyID == nil || !contains(ids, *b.AgencyID)) {
		c.say(ctx, "not_found", "ID", id)
		return b, false
	}
	return b, true
}

func (c *turn) pending(ctx context.Context) {
	ids, err := c.scope(ctx)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	list, err := c.h.d.Store.ListDrafts(ctx, store.DraftFilter{Status: store.BroadcastSubmitted, AgencyIDs: ids, Limit: 10})
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
		if canApprove(c.st.Role) {
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
	var aud messages.Audience
	_ = json.Unmarshal(b.Audience, &aud)
	n, err := c.h.d.Store.CountAudience(ctx, aud, b.AgencyID)
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
	ids, err := c.scope(ctx)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	list, err := c.h.d.Store.ListDrafts(ctx, store.DraftFilter{AgencyIDs: ids, Limit: 10})
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
		lines = append(lines, c.h.t.T(c.lang, "broadcasts_item", "ID", b.ID, "Name", b.Name, "Status", b.Status))
		if run, err := c.h.d.Store.LatestRun(ctx, b.ID); err == nil {
			done := run.Total
			if p, err := c.h.d.Store.RunProgress(ctx, run.ID); err == nil {
				done = p.Done()
			}
			lines = append(lines, c.h.t.T(c.lang, "broadcasts_run", "RunID", run.ID, "RunStatus", run.Status, "Done", done, "Total", run.Total))
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

// cancel stops future runs and cancels a run in progress, as the API does.
func (c *turn) cancel(ctx context.Context, args string) {
	id, ok := parseID(args)
	if !ok {
		c.say(ctx, "cancel_usage")
		return
	}
	if !canCancel(c.st.Role) {
		c.say(ctx, "role_refused", "Role", c.st.Role)
		return
	}
	b, ok := c.broadcast(ctx, id)
	if !ok {
		return
	}
	if b.Status == store.BroadcastCancelled || b.Status == store.BroadcastFinished {
		c.say(ctx, "cancel_done", "ID", id)
		return
	}
	actor := store.StaffActor(c.st.ID, "telegram")
	if _, err := c.h.d.Store.CancelBroadcast(ctx, id, actor); err != nil {
		c.fail(ctx, err)
		return
	}
	if run, err := c.h.d.Store.LatestRun(ctx, id); err == nil &&
		(run.Status == store.RunPlanning || run.Status == store.RunSending || run.Status == store.RunPaused) {
		var err error
		if c.h.d.Runs != nil {
			_, err = c.h.d.Runs.Cancel(ctx, run.ID, actor)
		} else {
			_, err = c.h.d.Store.CancelRun(ctx, run.ID, actor)
		}
		if err != nil {
			c.fail(ctx, err)
			return
		}
	}
	c.log.Info("broadcast cancelled from telegram", "broadcast_id", id)
	c.say(ctx, "cancel_ok", "ID", id, "Name", b.Name)
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
	b, ok := c.broadcast(ctx, id)
	if !ok {
		return
	}
	run, err := c.h.d.Store.LatestRun(ctx, id)
	if isNotFound(err) {
		c.say(ctx, "report_no_run", "ID", id)
		return
	}
	if err != nil {
		c.fail(ctx, err)
		return
	}
	p, err := c.h.d.Store.RunProgress(ctx, run.ID)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	bs := p.ByStatus
	c.say(ctx, "report_summary", "ID", id, "Name", b.Name, "RunID", run.ID, "RunStatus", run.Status, "Total", run.Total,
		"Sent", bs[store.DeliverySent], "Blocked", bs[store.DeliveryBlocked], "Failed", bs[store.DeliveryFailed],
		"Skipped", bs[store.DeliverySkipped], "Unknown", bs[store.DeliveryUnknown], "Pending", bs[store.DeliveryPending]+bs[store.DeliverySending])
	if run.Total > reportMaxRows {
		c.say(ctx, "report_too_big", "ID", id)
		return
	}
	var buf bytes.Buffer
	if err := c.h.d.Store.WriteReportCSV(ctx, run.ID, &buf); err != nil {
		c.fail(ctx, err)
		return
	}
	name := fmt.Sprintf("broadcast-%d-run-%d.csv", id, run.ID)
	if err := c.out.Send(ctx, conv.Reply{File: &conv.File{Name: name, Data: buf.Bytes()}}); err != nil {
		c.log.Warn("report document", "err", err)
	}
}

// callback handles the approve / send back buttons of /pending. The rules
// are the API's: role, the two-person rule (checked on the locked row by
// store.ApproveBroadcast), and store.ApprovalProblems.
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
	if !canApprove(st.Role) {
		c.say(ctx, "role_refused", "Role", st.Role)
		return
	}
	br, ok := c.broadcast(ctx, id)
	if !ok {
		return
	}
	if action == "reject" {
		c.reject(ctx, br)
		return
	}
	c.approve(ctx, br)
}

func (c *turn) approve(ctx context.Context, br store.BroadcastDraft) {
	problems, err := c.h.d.Store.ApprovalProblems(ctx, br, c.h.d.Now())
	if err != nil {
		c.fail(ctx, err)
		return
	}
	if len(problems) > 0 {
		var ps []string
		for _, p := range problems {
			ps = append(ps, p.Path+": "+p.Message)
		}
		c.say(ctx, "problems", "ID", br.ID, "Problems", strings.Join(ps, "; "))
		return
	}
	_, err = c.h.d.Store.ApproveBroadcast(ctx, store.StaffActor(c.st.ID, "telegram"), br.ID, c.h.d.TwoPersonRule)
	switch {
	case errors.Is(err, store.ErrSameApprover):
		c.say(ctx, "two_person")
	case errors.Is(err, store.ErrWrongStatus):
		c.say(ctx, "wrong_status", "ID", br.ID)
	case err != nil:
		c.fail(ctx, err)
	default:
		c.log.Info("broadcast approved from telegram", "broadcast_id", br.ID)
		c.say(ctx, "approved", "ID", br.ID, "Name", br.Name)
	}
}

func (c *turn) reject(ctx context.Context, br store.BroadcastDraft) {
	_, err := c.h.d.Store.RejectBroadcast(ctx, store.StaffActor(c.st.ID, "telegram"), br.ID, "sent back from Telegram")
	switch {
	case errors.Is(err, store.ErrWrongStatus):
		c.say(ctx, "wrong_status", "ID", br.ID)
	case err != nil:
		c.fail(ctx, err)
	default:
		c.say(ctx, "rejected", "ID", br.ID, "Name", br.Name)
	}
}

func contains(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }
