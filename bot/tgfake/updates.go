package tgfake

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"time"
)

type queuedUpdate struct {
	id  int
	raw json.RawMessage
}

// maxPollTimeout caps long polls; Telegram's practical limit is similar.
const maxPollTimeout = 50

const webhookConflict = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"

// pushLocked queues an update (assigning its update_id) and wakes the
// long poll or the webhook sender.
func (s *Server) pushLocked(u *wireUpdate) int {
	u.UpdateID = s.nextUpdateID
	s.nextUpdateID++
	raw, err := json.Marshal(u)
	if err != nil {
		return 0
	}
	s.updates = append(s.updates, queuedUpdate{id: u.UpdateID, raw: raw})
	s.wakeUpdatesLocked()
	return u.UpdateID
}

func (s *Server) getUpdates(ctx context.Context, p *params) (any, *Fault) {
	offset, f := p.integer("offset", 0)
	if f != nil {
		return nil, f
	}
	limit, f := p.integer("limit", 100)
	if f != nil {
		return nil, f
	}
	if limit < 1 || limit > 100 {
		limit = 100
	}
	timeout, f := p.integer("timeout", 0)
	if f != nil {
		return nil, f
	}
	timeout = min(max(timeout, 0), maxPollTimeout)
	timer := time.NewTimer(time.Duration(timeout) * time.Second)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if s.hook != nil {
			s.mu.Unlock()
			return nil, &Fault{Code: http.StatusConflict, Description: webhookConflict}
		}
		s.confirmLocked(offset)
		batch := s.batchLocked(offset, int(limit))
		if len(batch) > len("[]") || s.closed || timeout == 0 {
			s.mu.Unlock()
			return batch, nil
		}
		ch := s.updWaitLocked()
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			timeout = 0 // one last look, then answer (possibly empty)
		case <-ctx.Done():
			return json.RawMessage("[]"), nil
		}
	}
}

// confirmLocked forgets updates the client has acknowledged: a positive
// offset confirms everything below it; a negative one keeps the last -offset.
func (s *Server) confirmLocked(offset int64) {
	drop := 0
	switch {
	case offset > 0:
		for drop < len(s.updates) && int64(s.updates[drop].id) < offset {
			drop++
		}
	case offset < 0 && int64(len(s.updates)) > -offset:
		drop = len(s.updates) - int(-offset)
	}
	if drop > 0 {
		s.updates = append(s.updates[:0], s.updates[drop:]...)
	}
}

// batchLocked renders up to limit pending updates as a JSON array.
func (s *Server) batchLocked(offset int64, limit int) json.RawMessage {
	var buf bytes.Buffer
	buf.WriteByte('[')
	n := 0
	for _, u := range s.updates {
		if int64(u.id) < offset || n == limit {
			continue
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		buf.Write(u.raw)
		n++
	}
	buf.WriteByte(']')
	return buf.Bytes()
}

// Pending is how many updates wait to be fetched or delivered.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}
