package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/store"
)

// RunControl pauses, resumes and cancels runs so that every worker notices
// within a second; *jobs.Engine implements it. It is the workflow's
// (broadcast.RunControl): without one, runs change in PostgreSQL only.
type RunControl = broadcast.RunControl

type runStateResp struct {
	BroadcastID int64  `json:"broadcast_id"`
	RunID       int64  `json:"run_id"`
	Status      string `json:"status"`
}

type cancelResp struct {
	store.BroadcastDraft
	// CancelledRuns lists the runs this cancel stopped.
	CancelledRuns []int64 `json:"cancelled_runs"`
}

type progressResp struct {
	BroadcastID int64          `json:"broadcast_id"`
	Run         store.Run      `json:"run"`
	Total       int            `json:"total"`
	Done        int            `json:"done"`
	ByStatus    map[string]int `json:"by_status"`
	// ByChannel splits ByStatus by channel: {"telegram": {"sent": 9}, "zalo": {…}}
	ByChannel map[string]map[string]int `json:"by_channel"`
	Reasons   []store.ReasonCount       `json:"reasons"`
}

// pathRun is the broadcast in the path and ?run_id (0: its newest run).
func pathRun(r *http.Request) (int64, int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	v := r.URL.Query().Get("run_id")
	if v == "" {
		return id, 0, nil
	}
	run, err := strconv.ParseInt(v, 10, 64)
	if err != nil || run <= 0 {
		return 0, 0, errBadRequest("run_id must be a positive integer")
	}
	return id, run, nil
}

type runStep func(*broadcast.Workflow, context.Context, broadcast.Actor, int64, int64) (store.Run, error)

func (s *Server) runControl(step runStep) handler {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		id, runID, err := pathRun(r)
		if err != nil {
			return err
		}
		run, err := step(s.wf, ctx(r), c.actor(), id, runID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, runStateResp{BroadcastID: id, RunID: run.ID, Status: run.Status})
		return nil
	}
}

// cancelBroadcast is the workflow's one cancel: no future occurrence, and
// its active runs cancelled.
func (s *Server) cancelBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := s.wf.Cancel(ctx(r), c.actor(), id)
	if err != nil {
		return err
	}
	out := cancelResp{BroadcastDraft: res.Broadcast, CancelledRuns: []int64{}}
	for _, run := range res.Runs {
		out.CancelledRuns = append(out.CancelledRuns, run.ID)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) progress(w http.ResponseWriter, r *http.Request, c *call) error {
	id, runID, err := pathRun(r)
	if err != nil {
		return err
	}
	b, p, err := s.wf.Progress(ctx(r), c.actor(), id, runID)
	if err != nil {
		return err
	}
	if p.Reasons == nil {
		p.Reasons = []store.ReasonCount{}
	}
	writeJSON(w, http.StatusOK, progressResp{BroadcastID: b.ID, Run: p.Run, Total: p.Run.Total, Done: p.Done(),
		ByStatus: p.ByStatus, ByChannel: p.ByChannel, Reasons: p.Reasons})
	return nil
}

func (s *Server) reportCSV(w http.ResponseWriter, r *http.Request, c *call) error {
	id, runID, err := pathRun(r)
	if err != nil {
		return err
	}
	b, run, err := s.wf.Run(ctx(r), c.actor(), id, runID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename=\"broadcast-"+strconv.FormatInt(b.ID, 10)+
		"-run-"+strconv.FormatInt(run.ID, 10)+".csv\"")
	// Once streaming starts the status is sent; a later error can only be logged.
	if err := s.wf.WriteReport(ctx(r), run, w); err != nil {
		c.log.Error("report csv", "run_id", run.ID, "err", err)
	}
	return nil
}

// testBroadcast sends the broadcast, rendered for ?locale (default vi), to
// the caller's own linked chat.
func (s *Server) testBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := s.wf.TestSend(ctx(r), c.actor(), id, r.URL.Query().Get("locale"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
