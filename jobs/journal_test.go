package jobs

import (
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/loa-vn/loa/store"
)

// A claim's journal only moves forward while its claim lives; once the
// sweeper fenced it, or Redis lost it, a write is refused and the sender
// must stop. Fencing answers how far it got, the same the second time, and
// "everything" for a journal Redis lost.
func TestJournalRefusesWritesOnceFencedOrLost(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	a, err := v.e.openJournal(v.ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := v.e.openJournal(v.ctx)
	if err := v.e.noteJournal(v.ctx, a.Token, 42); err != nil {
		t.Fatal(err)
	}
	got, err := v.e.fenceJournals(v.ctx, []store.Journal{a, b})
	if err != nil || len(got) != 2 || got[0] != 42 || got[1] != 0 {
		t.Fatalf("fence: %v %v, want [42 0]", got, err)
	}
	if err := v.e.noteJournal(v.ctx, a.Token, 43); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("write after the fence: %v", err)
	}
	if got, _ := v.e.fenceJournals(v.ctx, []store.Journal{a}); len(got) != 1 || got[0] != 42 {
		t.Errorf("second fence: %v, want [42]", got)
	}
	c, _ := v.e.openJournal(v.ctx)
	v.rdb.Del(v.ctx, keyJournal(c.Token)) // Redis restarted without it
	if err := v.e.noteJournal(v.ctx, c.Token, 1); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("write to a lost journal: %v", err)
	}
	if got, _ := v.e.fenceJournals(v.ctx, []store.Journal{c}); len(got) != 1 || got[0] != math.MaxInt64 {
		t.Errorf("fence of a lost journal: %v, want everything", got)
	}
}

// Many senders writing journals at once share pipelines, and each gets its
// own answer: the live claims' writes land, the fenced one's are refused.
func TestConcurrentJournalWritesEachGetTheirAnswer(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	tokens := make([]store.Journal, 20)
	for i := range tokens {
		tokens[i], _ = v.e.openJournal(v.ctx)
	}
	if _, err := v.e.fenceJournals(v.ctx, tokens[:1]); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(tokens))
	for i, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for up := int64(1); up <= 50 && errs[i] == nil; up++ {
				errs[i] = v.e.noteJournal(v.ctx, tok.Token, up)
			}
		}()
	}
	wg.Wait()
	if !errors.Is(errs[0], store.ErrLeaseLost) {
		t.Errorf("fenced claim's write: %v", errs[0])
	}
	for i, err := range errs[1:] {
		if err != nil {
			t.Errorf("claim %d: %v", i+1, err)
		}
		if n, _ := v.rdb.Get(v.ctx, keyJournal(tokens[i+1].Token)).Int(); n != 50 {
			t.Errorf("claim %d journal at %d, want 50", i+1, n)
		}
	}
}

// If Redis lost a dead worker's journal, nobody knows which of its rows
// went out: every row it still held is unknown, none is sent again.
func TestRowsOfALostJournalAreUnknownNotResent(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	cfg := fastCfg()
	cfg.Now = clk.now
	v := newEnv(t, envOpts{cfg: cfg})
	v.subscribers(20)
	run := v.frozenRun()
	k, err := (&batch{e: v.e, runID: run}).claim(v.ctx)
	if err != nil || len(k.Rows) != 20 {
		t.Fatalf("claim %d rows: %v", len(k.Rows), err)
	}
	v.rdb.Del(v.ctx, keyJournal(k.j.Token))
	clk.add(cfg.LeaseTTL + time.Second)
	xs, err := v.st.ExpireClaims(v.ctx, clk.now(), v.e.fenceJournals)
	if err != nil || len(xs) != 1 || xs[0].Unknown != 20 || xs[0].Pending != 0 {
		t.Fatalf("expired %+v %v, want 20 unknown", xs, err)
	}
}

// A journal opened on a Redis server that has restarted since (it may
// have loaded an older value from a snapshot) is not trusted: every row of
// its claim is unknown, and its key is left alone.
func TestJournalFromBeforeARedisRestartIsNotTrusted(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	j, err := v.e.openJournal(v.ctx)
	if err != nil || j.Epoch == "" {
		t.Fatalf("open: %+v %v", j, err)
	}
	if err := v.e.noteJournal(v.ctx, j.Token, 7); err != nil {
		t.Fatal(err)
	}
	old := j
	old.Epoch = "an earlier run of the server"
	if got, err := v.e.fenceJournals(v.ctx, []store.Journal{old}); err != nil || len(got) != 1 || got[0] != math.MaxInt64 {
		t.Errorf("fence across a restart: %v %v, want everything", got, err)
	}
	if got, err := v.e.fenceJournals(v.ctx, []store.Journal{j}); err != nil || len(got) != 1 || got[0] != 7 {
		t.Errorf("fence on the same server: %v %v, want [7]", got, err)
	}
}
