package broadcast

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// PauseRun pauses a run (runID, or the broadcast's newest when 0; with
// broadcastID 0 the run's own broadcast). Senders stop within a second.
func (w *Workflow) PauseRun(ctx context.Context, actor Actor, broadcastID, runID int64) (store.Run, error) {
	return w.controlRun(ctx, actor, PauseRun, broadcastID, runID, w.runs.Pause)
}

// ResumeRun lets a paused run continue where it stopped.
func (w *Workflow) ResumeRun(ctx context.Context, actor Actor, broadcastID, runID int64) (store.Run, error) {
	return w.controlRun(ctx, actor, ResumeRun, broadcastID, runID, w.runs.Resume)
}

// CancelRun ends one run; the broadcast itself goes on (a yearly campaign
// sends next year). Cancel stops the broadcast and its runs.
func (w *Workflow) CancelRun(ctx context.Context, actor Actor, broadcastID, runID int64) (store.Run, error) {
	return w.controlRun(ctx, actor, CancelRun, broadcastID, runID, w.runs.Cancel)
}

func (w *Workflow) controlRun(ctx context.Context, actor Actor, act Action, broadcastID, runID int64,
	op func(context.Context, int64, store.Actor) (store.Run, error)) (store.Run, error) {
	if err := actor.may(act, broadcastID); err != nil {
		return store.Run{}, err
	}
	_, r, err := w.run(ctx, actor, act, broadcastID, runID)
	if err != nil {
		return r, err
	}
	if !slices.Contains(runFrom[act], r.Status) {
		return r, runState(act, r)
	}
	// The run control re-checks on the locked run row: a change that raced
	// in between is reported as the state it left.
	got, err := op(ctx, r.ID, actor.Audit)
	if errors.Is(err, store.ErrConflict) {
		if now, rerr := w.st.RunByID(ctx, r.ID); rerr == nil {
			e := runState(act, now)
			e.err = err
			return now, e
		}
	}
	return got, err
}

// TestSender sends a broadcast's content, in one language, to a staff
// member's own chat. ChatSender is the Telegram one.
type TestSender interface {
	SendTest(ctx context.Context, to store.Staff, content messages.Content, locale string) (parts int, err error)
}

// TestResult is what a test send sent.
type TestResult struct {
	Parts  int    `json:"sent"`
	Locale string `json:"locale"`
}

// TestSendLimit is how many test sends one person may make per TestSendWindow.
const (
	TestSendLimit  = 3
	TestSendWindow = time.Minute
)

// TestSend sends the broadcast, in locale (or the nearest it has), to the
// actor's own chat, with {name} filled in with the actor's name, and audits
// it. It changes nothing else. Each person may send TestSendLimit tests per
// TestSendWindow: the audit log is the count, under a lock per person, so
// every API process and the bot share one limit.
func (w *Workflow) TestSend(ctx context.Context, actor Actor, id int64, locale string) (TestResult, error) {
	b, err := w.get(ctx, actor, TestSend, id)
	if err != nil {
		return TestResult{}, err
	}
	if !actor.isStaff() {
		return TestResult{}, refuse(NotLinked, TestSend, id, "a test send goes to a staff member's own chat: use the API or Telegram")
	}
	if w.sender == nil {
		return TestResult{}, refuse(Unavailable, TestSend, id, "this server cannot send test messages")
	}
	var content messages.Content
	if err := json.Unmarshal(b.Content, &content); err != nil {
		return TestResult{}, err
	}
	_, loc := content.For(locale)
	tx, err := w.st.BeginWorkflow(ctx)
	if err != nil {
		return TestResult{}, err
	}
	defer tx.Rollback()
	n, err := tx.CountRecentAudits(ctx, actor.Audit, "broadcast.test_send", TestSendWindow)
	if err != nil {
		return TestResult{}, err
	}
	if n >= TestSendLimit {
		return TestResult{}, refuse(RateLimited, TestSend, id,
			"you have sent %d test messages in the last minute, the most allowed; try again in a minute", n)
	}
	parts, err := w.sender.SendTest(ctx, actor.Staff, content, loc)
	if err != nil {
		if e, ok := ErrorOf(err); ok {
			e.Action, e.BroadcastID = TestSend, id
		}
		return TestResult{}, err
	}
	if err := tx.Audit(ctx, actor.Audit, "broadcast.test_send", "broadcast", b.ID, nil,
		map[string]any{"locale": loc, "parts": parts}); err != nil {
		return TestResult{}, err
	}
	return TestResult{Parts: parts, Locale: loc}, tx.Commit()
}

// ChatSender sends test messages to a staff member's linked chat on ch
// (Telegram: staff link their Telegram account), rendered as ch renders a
// broadcast, so the test shows exactly what residents of that channel get.
func ChatSender(ch channel.Channel) TestSender { return chatSender{ch} }

type chatSender struct{ s channel.Channel }

func (c chatSender) SendTest(ctx context.Context, to store.Staff, content messages.Content, locale string) (int, error) {
	if to.TelegramUserID == nil {
		return 0, &Error{Code: NotLinked, Action: TestSend,
			Message: "link your Telegram account first (POST /api/v1/staff/me/link-code, then /link <code> to the bot)"}
	}
	v, _ := content.For(locale)
	parts, err := c.s.Render(v, content.Split)
	if err != nil {
		return 0, err
	}
	for _, p := range parts {
		// {name} is the staff member's own name, as a resident's is theirs
		p.Text = messages.PersonalizeFor(p.Text, to.Name, c.s.Limits().Markup)
		if out := c.s.Send(ctx, strconv.FormatInt(*to.TelegramUserID, 10), p); out.Kind != channel.Sent {
			return 0, &Error{Code: SendFailed, Action: TestSend,
				Message: "Telegram refused the test: " + out.Kind.String() + " " + out.Reason}
		}
	}
	return len(parts), nil
}
