package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// RunControl pauses, resumes and cancels runs so that every worker notices
// within a second; *jobs.Engine implements it. Without one the API changes
// the run in PostgreSQL only, which workers notice on their next poll.
type RunControl interface {
	Pause(ctx context.Context, runID int64, actor store.Actor) (store.Run, error)
	Resume(ctx context.Context, runID int64, actor store.Actor) (store.Run, error)
	Cancel(ctx context.Context, runID int64, actor store.Actor) (store.Run, error)
}

// storeRuns is the fallback RunControl.
type storeRuns struct{ st *store.Store }

func (s storeRuns) Pause(ctx context.Context, id int64, a store.Actor) (store.Run, error) {
	return s.st.PauseRun(ctx, id, a)
}
func (s storeRuns) Resume(ctx context.Context, id int64, a store.Actor) (store.Run, error) {
	return s.st.ResumeRun(ctx, id, a)
}
func (s storeRuns) Cancel(ctx context.Context, id int64, a store.Actor) (store.Run, error) {
	return s.st.CancelRun(ctx, id, a)
}

type runStateResp struct {
	BroadcastID int64  `json:"broadcast_id"`
	RunID       int64  `json:"run_id"`
	Status      string `json:"status"`
}

type testResp struct {
	Sent   int    `json:"sent"`
	Locale string `json:"locale"`
}

type progressResp struct {
	BroadcastID int64               `json:"broadcast_id"`
	Run         store.Run           `json:"run"`
	Total       int                 `json:"total"`
	Done        int                 `json:"done"`
	ByStatus    map[string]int      `json:"by_status"`
	Reasons     []store.ReasonCount `json:"reasons"`
}

func (s *Server) runs() RunControl {
	if s.d.Runs != nil {
		return s.d.Runs
	}
	return storeRuns{s.d.Store}
}

// broadcastRun is the broadcast in the path and the run a control action or
// a report is about: ?run_id, or the broadcast's newest run.
func (s *Server) broadcastRun(r *http.Request, c *call) (store.BroadcastDraft, store.Run, error) {
	b, err := s.broadcast(r, c)
	if err != nil {
		return b, store.Run{}, err
	}
	run, err := s.latestRun(r, b)
	return b, run, err
}

func (s *Server) latestRun(r *http.Request, b store.BroadcastDraft) (store.Run, error) {
	if v := r.URL.Query().Get("run_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return store.Run{}, errBadRequest("run_id must be an integer")
		}
		run, err := s.d.Store.RunByID(ctx(r), id)
		if err != nil {
			return run, err
		}
		if run.BroadcastID != b.ID {
			return run, errNotFound("this run belongs to another broadcast")
		}
		return run, nil
	}
	run, err := s.d.Store.LatestRun(ctx(r), b.ID)
	if isNotFound(err) {
		return run, errNotFound("this broadcast has not started a run yet")
	}
	return run, err
}

func (s *Server) runControl(action string) handler {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		b, run, err := s.broadcastRun(r, c)
		if err != nil {
			return err
		}
		ctl := s.runs()
		if action == "pause" {
			run, err = ctl.Pause(ctx(r), run.ID, c.Actor())
		} else {
			run, err = ctl.Resume(ctx(r), run.ID, c.Actor())
		}
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, runStateResp{BroadcastID: b.ID, RunID: run.ID, Status: run.Status})
		return nil
	}
}

// cancelBroadcast stops future runs and cancels a run in progress.
func (s *Server) cancelBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	b, err := s.broadcast(r, c)
	if err != nil {
		return err
	}
	if b.Status == store.BroadcastCancelled || b.Status == store.BroadcastFinished {
		return errConflict("the broadcast is already " + b.Status)
	}
	if _, err := s.d.Store.CancelBroadcast(ctx(r), b.ID, c.Actor()); err != nil {
		return err
	}
	if run, err := s.d.Store.LatestRun(ctx(r), b.ID); err == nil &&
		(run.Status == store.RunPlanning || run.Status == store.RunSending || run.Status == store.RunPaused) {
		if _, err := s.runs().Cancel(ctx(r), run.ID, c.Actor()); err != nil {
			return err
		}
	}
	out, err := s.d.Store.DraftByID(ctx(r), b.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) progress(w http.ResponseWriter, r *http.Request, c *call) error {
	b, run, err := s.broadcastRun(r, c)
	if err != nil {
		return err
	}
	p, err := s.d.Store.RunProgress(ctx(r), run.ID)
	if err != nil {
		return err
	}
	if p.Reasons == nil {
		p.Reasons = []store.ReasonCount{}
	}
	writeJSON(w, http.StatusOK, progressResp{BroadcastID: b.ID, Run: p.Run, Total: p.Run.Total, Done: p.Done(),
		ByStatus: p.ByStatus, Reasons: p.Reasons})
	return nil
}

func (s *Server) reportCSV(w http.ResponseWriter, r *http.Request, c *call) error {
	b, run, err := s.broadcastRun(r, c)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename=\"broadcast-"+strconv.FormatInt(b.ID, 10)+
		"-run-"+strconv.FormatInt(run.ID, 10)+".csv\"")
	// Once streaming starts the status is sent; a later error can only be logged.
	if err := s.d.Store.WriteReportCSV(ctx(r), run.ID, w); err != nil {
		c.log.Error("report csv", "run_id", run.ID, "err", err)
	}
	return nil
}

// testBroadcast sends the broadcast, rendered for ?locale (default vi), to
// the caller's own linked Telegram chat, and audits it.
func (s *Server) testBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	b, err := s.broadcast(r, c)
	if err != nil {
		return err
	}
	if c.Staff.TelegramUserID == nil {
		return errInvalid("link your Telegram account first (POST /api/v1/staff/me/link-code, then /link <code> to the bot)")
	}
	if s.d.Sender == nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "this server cannot send Telegram messages"}
	}
	var content messages.Content
	if err := json.Unmarshal(b.Content, &content); err != nil {
		return err
	}
	v, locale := content.For(r.URL.Query().Get("locale"))
	parts, err := messages.Render(v, content.Split)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if out := s.d.Sender.Send(ctx(r), strconv.FormatInt(*c.Staff.TelegramUserID, 10), p); out.Kind != channel.Sent {
			return &Error{Status: http.StatusBadGateway, Code: "send_failed", Message: "Telegram refused the test: " + out.Kind.String() + " " + out.Reason}
		}
	}
	if err := s.d.Store.AuditOnly(ctx(r), c.Actor(), "broadcast.test_send", "broadcast", b.ID,
		map[string]any{"locale": locale, "parts": len(parts)}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, testResp{Sent: len(parts), Locale: locale})
	return nil
}
