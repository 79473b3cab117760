package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// The broadcast endpoints are an adapter of package broadcast: each decodes
// the request, calls one workflow step, and encodes its answer. The rules
// (states, roles, agency scope, the two-person rule) are the workflow's;
// its errors become the API's error shape in toAPIError.

type scheduleReq struct {
	At       *timestamp       `json:"at,omitempty"`
	Yearly   *messages.Yearly `json:"yearly,omitempty"`
	Timezone string           `json:"timezone,omitempty"`
}

type broadcastReq struct {
	Name     string            `json:"name" required:"true"`
	Content  messages.Content  `json:"content" required:"true"`
	Audience messages.Audience `json:"audience"`
	Schedule scheduleReq       `json:"schedule" required:"true"`
}

type countResp struct {
	Count      int   `json:"count"`
	DurationMS int64 `json:"duration_ms"`
}

type rejectReq struct {
	Reason string `json:"reason" required:"true"`
}

// draft is the request as the workflow's draft; a malformed time is refused
// here, naming its field, since the workflow never sees the text.
func (b broadcastReq) draft() (broadcast.Draft, error) {
	if fe := b.Schedule.At.check("schedule.at"); fe != nil {
		return broadcast.Draft{}, errInvalid("the broadcast is not valid", *fe)
	}
	return broadcast.Draft{Name: b.Name, Content: b.Content, Audience: b.Audience,
		Schedule: messages.Schedule{At: b.Schedule.At.time(), Yearly: b.Schedule.Yearly, Timezone: b.Schedule.Timezone}}, nil
}

// createBroadcast honours Idempotency-Key: the first request's answer is
// stored with the draft, in one transaction; a retry gets the same answer.
func (s *Server) createBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return s.createDraft(w, r, c, nil)
	}
	if len(key) > 200 {
		return errBadRequest("Idempotency-Key is longer than 200 characters")
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	resp, replayed, err := s.d.Store.Idempotent(ctx(r), c.Staff.ID, key, sum[:], func(tx *sqlx.Tx) (store.IdemResponse, error) {
		rec := &recorder{}
		if err := s.createDraft(rec, r, c, tx); err != nil {
			return store.IdemResponse{}, err
		}
		return store.IdemResponse{Status: rec.status, Body: rec.buf.Bytes()}, nil
	})
	if err != nil {
		return err
	}
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
	return nil
}

// readBody reads the JSON body once (for hashing) and puts it back.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if err := requireType(r, "application/json"); err != nil {
		return nil, err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		if isTooLarge(err) {
			return nil, errTooLarge(MaxBody)
		}
		return nil, errBadRequest("cannot read the body")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// recorder captures a handler's JSON answer for the idempotency store.
type recorder struct {
	status int
	buf    bytes.Buffer
	h      http.Header
}

func (r *recorder) Header() http.Header {
	if r.h == nil {
		r.h = http.Header{}
	}
	return r.h
}
func (r *recorder) Write(b []byte) (int, error) { return r.buf.Write(b) }
func (r *recorder) WriteHeader(s int)           { r.status = s }

func (s *Server) createDraft(w http.ResponseWriter, r *http.Request, c *call, tx *sqlx.Tx) error {
	var in broadcastReq
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := in.draft()
	if err != nil {
		return err
	}
	var b store.BroadcastDraft
	if tx != nil {
		b, err = s.wf.CreateIn(ctx(r), store.WorkflowIn(tx), c.actor(), d)
	} else {
		b, err = s.wf.Create(ctx(r), c.actor(), d)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func (s *Server) listBroadcasts(w http.ResponseWriter, r *http.Request, c *call) error {
	limit, err := queryInt(r, "limit", 50)
	if err != nil {
		return err
	}
	status := r.URL.Query().Get("status")
	if status != "" && !slices.Contains(broadcast.Statuses, status) {
		// a bad query parameter is a 400, as members?status= is
		return errBadRequest("status must be one of "+strings.Join(broadcast.Statuses, ", "),
			FieldError{Path: "status", Message: "one of " + strings.Join(broadcast.Statuses, ", ")})
	}
	list, err := s.wf.List(ctx(r), c.actor(), broadcast.Filter{Status: status, Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) getBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := s.wf.Get(ctx(r), c.actor(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) updateBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in broadcastReq
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := in.draft()
	if err != nil {
		return err
	}
	b, err := s.wf.Edit(ctx(r), c.actor(), id, d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) countAudience(w http.ResponseWriter, r *http.Request, c *call) error {
	var a messages.Audience
	if err := decodeJSON(w, r, &a); err != nil {
		return err
	}
	start := time.Now()
	n, err := s.wf.CountAudience(ctx(r), c.actor(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, countResp{Count: n, DurationMS: time.Since(start).Milliseconds()})
	return nil
}

func (s *Server) broadcastAudience(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := s.wf.CountOf(ctx(r), c.actor(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, countResp{Count: n, DurationMS: time.Since(start).Milliseconds()})
	return nil
}

// transition serves a step that takes only the broadcast in the path.
func (s *Server) transition(step func(*broadcast.Workflow, context.Context, broadcast.Actor, int64) (store.BroadcastDraft, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		b, err := step(s.wf, ctx(r), c.actor(), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, b)
		return nil
	}
}

func (s *Server) rejectBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in rejectReq
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := s.wf.Reject(ctx(r), c.actor(), id, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

// scheduleBroadcast makes an approved broadcast due at its next occurrence (next_run_at).
func (s *Server) scheduleBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := s.wf.Schedule(ctx(r), c.actor(), id, nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}
