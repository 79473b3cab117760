package zalofake

import "time"

// window is an exact sliding-window log of the last `limit` accepted
// sends, in a preallocated ring: O(1) and allocation-free. Guarded by
// Server.mu.
type window struct {
	times []time.Time
	next  int
	used  int
}

func newWindow(limit int) *window { return &window{times: make([]time.Time, limit)} }

// allow admits a send at now unless `limit` sends were admitted in the
// second before it.
func (w *window) allow(now time.Time) bool {
	if w.used < len(w.times) {
		w.used++
	} else if now.Sub(w.times[w.next]) < time.Second {
		return false
	}
	w.times[w.next] = now
	w.next = (w.next + 1) % len(w.times)
	return true
}

// TooManyCount is how many 429 answers the fake gave (limiter and faults).
func (s *Server) TooManyCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooMany
}
