package conv

import (
	"sync"
	"time"
)

// flood is a token bucket per user, in memory: a user who writes faster than
// the bot should answer is told to slow down once, then ignored until the
// bucket refills. Per process, which is enough to protect each process.
type flood struct {
	mu     sync.Mutex
	burst  float64
	every  time.Duration
	users  map[string]*bucket
	sweep  time.Time
	nowFor func() time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
	warned bool
}

func newFlood(burst int, every time.Duration) *flood {
	return &flood{burst: float64(burst), every: every, users: map[string]*bucket{}, nowFor: time.Now}
}

// allow takes a token for user; warn is true the first time in a row that
// the user is over the limit.
func (f *flood) allow(user string) (ok, warn bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.nowFor()
	f.forgetIdle(now)
	b := f.users[user]
	if b == nil {
		b = &bucket{tokens: f.burst, at: now}
		f.users[user] = b
	}
	b.tokens = min(f.burst, b.tokens+float64(now.Sub(b.at))/float64(f.every))
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		b.warned = false
		return true, false
	}
	warn = !b.warned
	b.warned = true
	return false, warn
}

// forgetIdle drops full buckets once a minute so the map stays small.
func (f *flood) forgetIdle(now time.Time) {
	if now.Sub(f.sweep) < time.Minute {
		return
	}
	f.sweep = now
	full := time.Duration(f.burst) * f.every
	for id, b := range f.users {
		if now.Sub(b.at) > full {
			delete(f.users, id)
		}
	}
}
