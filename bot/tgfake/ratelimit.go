package tgfake

import "time"

// window is an exact sliding-window log: it remembers the times of the
// last `limit` accepted sends in a preallocated ring, so a check is O(1)
// and allocation-free. Guarded by Server.mu.
type window struct {
	times []time.Time
	next  int
	used  int
}

func newWindow(limit int) *window { return &window{times: make([]time.Time, limit)} }

// allow admits a send at now, or says how many whole seconds remain until
// the oldest send in the window leaves it (what retry_after means).
func (w *window) allow(now time.Time) (bool, int) {
	if w.used < len(w.times) {
		w.times[w.next] = now
		w.next = (w.next + 1) % len(w.times)
		w.used++
		return true, 0
	}
	oldest := w.times[w.next]
	if wait := oldest.Add(time.Second).Sub(now); wait > 0 {
		return false, int((wait + time.Second - 1) / time.Second)
	}
	w.times[w.next] = now
	w.next = (w.next + 1) % len(w.times)
	return true, 0
}

// gcra is a burst-1 GCRA: the theoretical arrival time of the next send.
type gcra struct {
	interval time.Duration
	tat      time.Time
}

func (g *gcra) allow(now time.Time) (bool, int) {
	if now.Before(g.tat) {
		return false, int((g.tat.Sub(now) + time.Second - 1) / time.Second)
	}
	g.tat = now.Add(g.interval)
	return true, 0
}

// limitLocked applies the configured limiter to one send.
func (s *Server) limitLocked(paid bool, now time.Time) *Fault {
	if s.strict != nil {
		if ok, retry := s.strict.allow(now); !ok {
			f := TooManyRequests(retry)
			return &f
		}
	}
	w := s.free
	if paid {
		w = s.paid
	}
	if w == nil {
		return nil
	}
	if ok, retry := w.allow(now); !ok {
		f := TooManyRequests(retry)
		return &f
	}
	return nil
}

// TooManyCount is how many 429 answers the fake gave (limiter and faults).
func (s *Server) TooManyCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooMany
}
