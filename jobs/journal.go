package jobs

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/store"
)

// The journal of a claim says, before each send, how far the claim's
// sender got: rows up to the journal (by subscriber id) may have gone out.
// It lives in Redis, one key per claim, so that a row is journaled on its
// own right before it is sent (the senders waiting meanwhile share one
// round trip) without a PostgreSQL write per step: after a crash only the
// rows actually being sent are unknown (issue 13), and PostgreSQL writes
// each row once, when it is recorded (a claim is a range: migration 00014).
//
// The key is opened (value 0) before the claim exists in PostgreSQL, under
// a token the claim row keeps, so a claim always has its key unless Redis
// lost it. The sweeper fences a dead claim's key (renames it) in the same
// script that reads it: a sender that was only slow finds the fence at
// its next journal write and sends nothing more. A key Redis lost (a
// restart without persistence) reads as "everything claimed may have gone
// out": unknown, never sent twice. So does a key on a Redis that restarted
// since the claim (its run_id, kept in the claim row, changed): one that
// loaded a snapshot may hold an older value, lower than rows already sent.
//
// Not covered: a worker stalled past its lease (not dead), whose claim the
// sweeper fenced, and a Redis that then restarted from a snapshot taken
// before the fence; the stalled worker's next write would find its key
// again. Loa's Redis keeps nothing it cannot lose (PostgreSQL is the
// record), so run it without persistence, as .ci/services does.

// journalTTL outlives any claim; a released claim's key is deleted.
const journalTTL = 7 * 24 * time.Hour

// keyJournal is a journal's key; its fence is the key + ":fenced", in the
// same hash slot.
func keyJournal(token int64) string { return "loa:journal:{" + strconv.FormatInt(token, 36) + "}" }

// openJournal creates a new claim's journal, and says which Redis server
// holds it.
func (e *Engine) openJournal(ctx context.Context) (store.Journal, error) {
	j := store.Journal{Token: rand.Int64N(math.MaxInt64-1) + 1} // 0 is no journal (claims from before)
	var info *redis.StringCmd
	_, err := e.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, keyJournal(j.Token), 0, journalTTL)
		info = p.Info(ctx, "server")
		return nil
	})
	if err == nil {
		j.Epoch, err = redisRunID(info.Val())
	}
	if err != nil {
		return store.Journal{}, fmt.Errorf("open claim journal: %w", err)
	}
	return j, nil
}

// redisRunID is the run_id of INFO server's answer: it changes with every
// start of the server.
func redisRunID(info string) (string, error) {
	for line := range strings.Lines(info) {
		if id, ok := strings.CutPrefix(line, "run_id:"); ok {
			return strings.TrimSpace(id), nil
		}
	}
	return "", errors.New("no run_id in INFO server")
}

// epoch is the run_id of the Redis server now.
func (e *Engine) epoch(ctx context.Context) (string, error) {
	info, err := e.Redis.Info(ctx, "server").Result()
	if err != nil {
		return "", err
	}
	return redisRunID(info)
}

// closeJournal deletes a released claim's journal; a leftover expires.
func (e *Engine) closeJournal(ctx context.Context, j store.Journal) {
	if err := e.Redis.Del(ctx, keyJournal(j.Token)).Err(); err != nil {
		e.Log.Warn("delete claim journal", "err", err)
	}
}

// noteJournal moves the journal of a claim up to subscriber id upTo before
// those rows are sent: store.ErrLeaseLost if the sweeper fenced it (or
// Redis lost it), and then nothing more may be sent from that claim. The
// writes of every claim of this process that wait at the same moment go to
// Redis in one pipeline: one round trip and a few microseconds of Redis for
// many of them (see journals). The write is not cut short with ctx: once
// sent, its answer decides whether the row may go out.
func (e *Engine) noteJournal(_ context.Context, token, upTo int64) error {
	r := &journalReq{key: keyJournal(token), upTo: upTo, done: make(chan bool, 1)}
	return e.journals.write(r)
}

// journalReq is one claim's journal write waiting for the next pipeline.
type journalReq struct {
	key  string
	upTo int64
	err  error
	// done gets true once the write is answered, false if this request's
	// sender is to write the next pipeline itself (it leads)
	done chan bool
}

// journals gathers the writes of one process. A sender finding no
// pipeline in flight writes its own at once, on its goroutine; the senders
// arriving meanwhile queue, and when the pipeline is answered the first of
// them is woken to write all of the queue. So a lone write (the rule at the
// paid cap: 1.2 requests per pipeline) costs no wake-up of a helper
// goroutine, and none waits for company: a 2 ms window to gather more
// (2.5 per pipeline) delayed sends past their slots, 823 msg/s and 8
// answers of 429 at 1,000/s.
type journals struct {
	mu    sync.Mutex
	busy  bool // a sender is writing a pipeline
	queue []*journalReq
	rdb   *redis.Client
}

// write writes r, alone or with the queue, and returns its answer.
func (j *journals) write(r *journalReq) error {
	j.mu.Lock()
	if j.busy {
		j.queue = append(j.queue, r)
		j.mu.Unlock()
		if answered := <-r.done; answered {
			return r.err
		}
		j.mu.Lock() // r leads now: busy stayed set, r is first in the queue
	} else {
		j.busy = true
		j.queue = append(j.queue, r) // empty: busy is clear only with no queue
	}
	batch := j.queue
	if len(batch) > journalBatch {
		batch, j.queue = batch[:journalBatch], batch[journalBatch:]
	} else {
		j.queue = nil
	}
	j.mu.Unlock()
	writeJournals(j.rdb, batch)
	j.mu.Lock()
	if len(j.queue) > 0 {
		j.queue[0].done <- false // the next leader
	} else {
		j.busy = false
	}
	j.mu.Unlock()
	return r.err
}

// journalBatch caps one pipeline (a worker has Senders × concurrency
// senders, 128 by default, so it is rarely reached).
const journalBatch = 512

// journalWriteTimeout bounds one pipeline, where the client lets a
// context's deadline bound its socket (ContextTimeoutEnabled, as
// app.Redis sets it; otherwise ReadTimeout does); its senders retry after
// it.
const journalWriteTimeout = 2 * time.Second

// writeJournals sets each key to its row if the key still exists (a fenced
// key was renamed away by journalFence, a lost one is gone) and answers
// every request. Only one write per claim is ever in flight (claimRun), so
// a claim's journal only moves forward.
func writeJournals(rdb *redis.Client, batch []*journalReq) {
	ctx, cancel := context.WithTimeout(context.Background(), journalWriteTimeout)
	defer cancel()
	cmds := make([]*redis.StatusCmd, len(batch))
	_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, r := range batch {
			cmds[i] = p.SetArgs(ctx, r.key, r.upTo, redis.SetArgs{Mode: "XX", KeepTTL: true})
		}
		return nil
	})
	for i, r := range batch {
		switch cerr := cmds[i].Err(); {
		case cerr == redis.Nil:
			r.err = fmt.Errorf("claim journal fenced: %w", store.ErrLeaseLost)
		case cerr != nil:
			r.err = fmt.Errorf("claim journal: %w", cerr)
		case err != nil && err != redis.Nil:
			r.err = fmt.Errorf("claim journal: %w", err)
		}
		r.done <- true
	}
}

// fenceJournals fences the journals of expired claims and says how far
// each got; a journal Redis lost, or one opened before Redis last
// restarted, gets math.MaxInt64 (all of its rows unknown).
func (e *Engine) fenceJournals(ctx context.Context, js []store.Journal) ([]int64, error) {
	out := make([]int64, len(js))
	if len(js) == 0 {
		return out, nil
	}
	before, err := e.epoch(ctx)
	if err != nil {
		return nil, fmt.Errorf("fence claim journals: %w", err)
	}
	var keys []string
	var at []int // index in js of each key
	for i, j := range js {
		out[i] = math.MaxInt64
		if j.Epoch == before && j.Token != 0 {
			keys, at = append(keys, keyJournal(j.Token)), append(at, i)
		}
	}
	if len(keys) == 0 {
		return out, nil
	}
	got, err := journalFence.Run(ctx, e.Redis, keys).Int64Slice()
	if err == nil && len(got) != len(keys) {
		err = errors.New("wrong number of answers")
	}
	if err != nil {
		return nil, fmt.Errorf("fence claim journals: %w", err)
	}
	if after, err := e.epoch(ctx); err != nil || after != before {
		return nil, fmt.Errorf("fence claim journals: Redis restarted meanwhile (%v)", err)
	}
	for n, v := range got {
		if v >= 0 {
			out[at[n]] = v
		}
	}
	return out, nil
}

// journalFence fences each key, renaming it to its fence (so a sender's
// SET ... XX finds nothing), and answers how far its journal got, -1 for
// a key Redis lost; fencing twice answers the same.
var journalFence = redis.NewScript(`
local out = {}
for i, k in ipairs(KEYS) do
  local f = k .. ':fenced'
  local v = redis.call('GET', f)
  if v then
    out[i] = tonumber(v)
  else
    v = redis.call('GET', k)
    if v then
      redis.call('RENAME', k, f)
      out[i] = tonumber(v)
    else
      out[i] = -1
    end
  end
end
return out`)
