package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

type scheduleReq struct {
	At       *time.Time       `json:"at,omitempty"`
	Yearly   *messages.Yearly `json:"yearly,omitempty"`
	Timezone string           `json:"timezone,omitempty"`
}

type broadcastReq struct {
	Name     string            `json:"name"`
	Content  messages.Content  `json:"content"`
	Audience messages.Audience `json:"audience"`
	Schedule scheduleReq       `json:"schedule"`
}

type countResp struct {
	Count      int   `json:"count"`
	DurationMS int64 `json:"duration_ms"`
}

type rejectReq struct {
	Reason string `json:"reason"`
}

func (b broadcastReq) spec() messages.CampaignSpec {
	tz := b.Schedule.Timezone
	if tz == "" {
		tz = messages.DefaultTimezone
	}
	return messages.CampaignSpec{Name: strings.TrimSpace(b.Name), Content: b.Content, Audience: b.Audience,
		Schedule: messages.Schedule{At: b.Schedule.At, Yearly: b.Schedule.Yearly, Timezone: tz}}
}

// draftInput validates a broadcast request completely (content Telegram
// would refuse, schedule, unknown codes, an agency manager's reach, an
// audience of nobody) and returns every problem at once.
func (s *Server) draftInput(r *http.Request, c *call, in broadcastReq) (store.DraftInput, error) {
	spec := in.spec()
	var fe []FieldError
	var ve *messages.ValidationError
	if err := spec.Validate(); errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fe = append(fe, FieldError{Path: f.Path, Message: f.Message})
		}
	} else if err != nil {
		return store.DraftInput{}, err
	}
	if spec.Schedule.At != nil && !spec.Schedule.At.After(s.d.Now()) {
		fe = append(fe, FieldError{Path: "schedule.at", Message: "is in the past"})
	}
	unknown, err := s.d.Store.UnknownAudienceCodes(ctx(r), spec.Audience)
	if err != nil {
		return store.DraftInput{}, err
	}
	for list, codes := range unknown {
		for _, code := range codes {
			fe = append(fe, FieldError{Path: "audience." + list, Message: fmt.Sprintf("unknown code %q", code)})
		}
	}
	di := store.DraftInput{Name: spec.Name, Content: spec.Content, Audience: spec.Audience, Schedule: spec.Schedule}
	if c.Staff.Role == store.RoleAgencyManager {
		id, err := s.managerAudience(r, c, spec.Audience)
		if err != nil {
			return di, err
		}
		di.AgencyID = id
	}
	if fe == nil {
		n, err := s.d.Store.CountAudience(ctx(r), spec.Audience, di.AgencyID)
		if err != nil {
			return di, err
		}
		if n == 0 {
			fe = append(fe, FieldError{Path: "audience", Message: "reaches nobody: no active subscriber matches every filter"})
		}
	}
	if fe != nil {
		slices.SortStableFunc(fe, func(a, b FieldError) int { return strings.Compare(a.Path, b.Path) })
		return di, errInvalid("the broadcast is not valid", fe...)
	}
	return di, nil
}

// managerAudience checks an agency manager's audience names only agencies
// within theirs, and returns the agency the broadcast is bound to when it
// names exactly one (the engine then also requires membership of it).
func (s *Server) managerAudience(r *http.Request, c *call, a messages.Audience) (*int64, error) {
	if len(a.Agencies) == 0 {
		return nil, errInvalid("an agency manager's broadcast goes to agency members only",
			FieldError{Path: "audience.agencies", Message: "name your agency (or agencies below it)"})
	}
	ids, err := s.d.Store.AgencyIDsByCode(ctx(r), a.Agencies)
	if err != nil {
		return nil, err
	}
	for _, code := range a.Agencies {
		id, ok := ids[code]
		if !ok {
			continue // reported as an unknown code
		}
		if err := s.checkAgencyScope(r, c, id); err != nil {
			return nil, err
		}
	}
	if len(a.Agencies) == 1 {
		if id, ok := ids[a.Agencies[0]]; ok {
			return &id, nil
		}
	}
	return nil, nil
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
	di, err := s.draftInput(r, c, in)
	if err != nil {
		return err
	}
	var b store.BroadcastDraft
	if tx != nil {
		b, err = s.d.Store.CreateDraftTx(ctx(r), tx, c.Actor(), di)
	} else {
		b, err = s.d.Store.CreateDraft(ctx(r), c.Actor(), di)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

// broadcast loads the broadcast in the path; an agency manager sees only
// broadcasts written for agencies within theirs.
func (s *Server) broadcast(r *http.Request, c *call) (store.BroadcastDraft, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return store.BroadcastDraft{}, err
	}
	b, err := s.d.Store.DraftByID(ctx(r), id)
	if err != nil {
		return b, err
	}
	if c.Staff.Role == store.RoleAgencyManager {
		if b.AgencyID == nil {
			return b, errForbidden("this broadcast is not one of your agency's")
		}
		if err := s.checkAgencyScope(r, c, *b.AgencyID); err != nil {
			return b, err
		}
	}
	return b, nil
}

func (s *Server) listBroadcasts(w http.ResponseWriter, r *http.Request, c *call) error {
	limit, err := queryInt(r, "limit", 50)
	if err != nil {
		return err
	}
	f := store.DraftFilter{Status: r.URL.Query().Get("status"), Limit: limit}
	if c.Staff.Role == store.RoleAgencyManager {
		if f.AgencyIDs, err = s.d.Store.AgencySubtree(ctx(r), *c.Staff.AgencyID); err != nil {
			return err
		}
	}
	list, err := s.d.Store.ListDrafts(ctx(r), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) getBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	b, err := s.broadcast(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) updateBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	b, err := s.broadcast(r, c)
	if err != nil {
		return err
	}
	var in broadcastReq
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	di, err := s.draftInput(r, c, in)
	if err != nil {
		return err
	}
	if c.Staff.Role != store.RoleAgencyManager {
		di.AgencyID = b.AgencyID // editors keep an agency broadcast bound to its agency
	}
	out, err := s.d.Store.UpdateDraft(ctx(r), c.Actor(), b.ID, di)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) countAudience(w http.ResponseWriter, r *http.Request, c *call) error {
	var a messages.Audience
	if err := decodeJSON(w, r, &a); err != nil {
		return err
	}
	var agencyID *int64
	if c.Staff.Role == store.RoleAgencyManager {
		id, err := s.managerAudience(r, c, a)
		if err != nil {
			return err
		}
		agencyID = id
	}
	return s.writeCount(w, r, a, agencyID)
}

func (s *Server) broadcastAudience(w http.ResponseWriter, r *http.Request, c *call) error {
	b, err := s.broadcast(r, c)
	if err != nil {
		return err
	}
	var a messages.Audience
	if err := json.Unmarshal(b.Audience, &a); err != nil {
		return err
	}
	return s.writeCount(w, r, a, b.AgencyID)
}

func (s *Server) writeCount(w http.ResponseWriter, r *http.Request, a messages.Audience, agencyID *int64) error {
	start := time.Now()
	n, err := s.d.Store.CountAudience(ctx(r), a, agencyID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, countResp{Count: n, DurationMS: time.Since(start).Milliseconds()})
	return nil
}

func (s *Server) submitBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	b, err := s.broadcast(r, c)
	if err != nil {
		return err
	}
	if err := s.checkStillValid(r, b); err != nil {
		return err
	}
	out, err := s.d.Store.SubmitBroadcast(ctx(r), c.Actor(), b.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// checkStillValid applies store.ApprovalProblems (shared with the staff bot).
func (s *Server) checkStillValid(r *http.Request, b store.BroadcastDraft) error {
	problems, err := s.d.Store.ApprovalProblems(ctx(r), b, s.d.Now())
	if err != nil {
		return err
	}
	if len(problems) == 0 {
		return nil
	}
	e := errInvalid("the broadcast cannot go ahead")
	for _, p := range problems {
		e.Fields = append(e.Fields, FieldError{Path: p.Path, Message: p.Message})
	}
	return e
}

func (s *Server) approveBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	b, err := s.broadcast(r, c)
	if err != nil {
		return err
	}
	if err := s.checkStillValid(r, b); err != nil {
		return err
	}
	out, err := s.d.Store.ApproveBroadcast(ctx(r), c.Actor(), b.ID, s.d.TwoPersonRule)
	if errors.Is(err, store.ErrSameApprover) {
		e := errForbidden("the two-person rule is on: someone other than the author must approve")
		e.Code = "two_person_rule"
		return e
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) rejectBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	b, err := s.broadcast(r, c)
	if err != nil {
		return err
	}
	var in rejectReq
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Reason) == "" || len(in.Reason) > 1000 {
		return errInvalid("say why", FieldError{Path: "reason", Message: "required, at most 1000 characters"})
	}
	out, err := s.d.Store.RejectBroadcast(ctx(r), c.Actor(), b.ID, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// scheduleBroadcast makes an approved broadcast due at its next occurrence
// (next_run_at), through the broadcast engine's ScheduleBroadcast.
func (s *Server) scheduleBroadcast(w http.ResponseWriter, r *http.Request, c *call) error {
	b, err := s.broadcast(r, c)
	if err != nil {
		return err
	}
	if b.Status != store.BroadcastApproved {
		return errConflict("only an approved broadcast can be scheduled; this one is " + b.Status)
	}
	next, ok := b.Schedule().Next(s.d.Now())
	if !ok {
		return errInvalid("the broadcast has no future send time", FieldError{Path: "schedule.at", Message: "is in the past"})
	}
	if _, err := s.d.Store.ScheduleBroadcast(ctx(r), b.ID, next, nil, c.Actor()); err != nil {
		return err
	}
	out, err := s.d.Store.DraftByID(ctx(r), b.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
