package jobs

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// startChild runs this test binary as a worker process.
func (v *env) startChild(dsn string, rate int) *exec.Cmd {
	v.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LOA_JOBS_CHILD=worker", "LOA_CHILD_DSN="+dsn,
		"LOA_CHILD_REDIS_ADDR="+v.ropt.Addr, "LOA_CHILD_REDIS_DB="+strconv.Itoa(v.ropt.DB),
		"LOA_CHILD_TG_TOKEN="+v.tg.Token(), "LOA_CHILD_TG_URL="+v.tg.URL(), "LOA_CHILD_RATE="+strconv.Itoa(rate))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		v.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		v.t.Fatal(err)
	}
	v.t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		v.t.Fatalf("child worker: %q %v", line, err)
	}
	return cmd
}

func kill(t *testing.T, cmd *exec.Cmd) {
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
}

// checkCompleteOnce: the run finished, nobody got it twice, nobody was lost
// (every row sent or unknown), unknown rows are at most what was in flight
// (maxUnknown: sent or journaled but not yet recorded), and of those at
// most maxNeverSent never reached the fake (journaled, not yet sent): a
// claimed row that was never attempted went back to pending and was sent.
func (v *env) checkCompleteOnce(run int64, n, maxUnknown, maxNeverSent int) {
	v.t.Helper()
	v.waitStatus(run, store.RunDone, 90*time.Second)
	got := v.progress(run)
	if got[store.DeliverySent]+got[store.DeliveryUnknown] != n {
		v.t.Errorf("counts %v: want every one of %d sent or unknown", got, n)
	}
	if got[store.DeliveryUnknown] > maxUnknown {
		v.t.Errorf("%d unknown, want at most the in-flight count %d", got[store.DeliveryUnknown], maxUnknown)
	}
	if v.tg.Duplicates() != 0 {
		v.t.Errorf("%d recipients got the message twice", v.tg.Duplicates())
	}
	d := v.tg.DistinctChats()
	if d < got[store.DeliverySent] || d > n {
		v.t.Errorf("fake reached %d chats; %d rows say sent", d, got[store.DeliverySent])
	}
	// unknown rows that did go out are the reached chats no row calls sent
	neverSent := got[store.DeliveryUnknown] - (d - got[store.DeliverySent])
	if neverSent > maxNeverSent {
		v.t.Errorf("%d unknown rows were never sent, want at most %d (journaled, not yet sent)", neverSent, maxNeverSent)
	}
	v.t.Logf("counts %v, fake reached %d, unknown never sent %d", got, d, neverSent)
}

func TestWorkerKilledTwiceMidRun(t *testing.T) {
	t.Parallel()
	dsn := storetest.NewDatabase(t, false)
	cfg := fastCfg()
	cfg.TaskTimeout, cfg.StaleAfter, cfg.LeaseTTL = 5*time.Second, 6*time.Second, 3*time.Second
	v := newEnv(t, envOpts{dsn: dsn, cfg: cfg})
	const n, rate = 5000, 600
	v.subscribers(n)
	run := v.startRun()
	v.sweeper(v.e) // the scheduler process: takes back dead claims, re-kicks batches
	w := v.startChild(dsn, rate)
	v.waitCount(n*30/100, 60*time.Second)
	kill(t, w)
	t.Logf("killed at %d sends", v.tg.Count())
	w = v.startChild(dsn, rate)
	v.waitCount(n*60/100, 60*time.Second)
	kill(t, w)
	t.Logf("killed at %d sends", v.tg.Count())
	v.startChild(dsn, rate)
	// in flight per kill: 8 tasks, each with at most RecordSize sent rows
	// unrecorded (claims are ClaimSize = 50), plus its Senders' rows
	// journaled and on their way to the wire; only those can be unknown
	// and never sent.
	perTask := cfg.withDefaults().Senders
	v.checkCompleteOnce(run, n, 2*8*(cfg.RecordSize+perTask), 2*8*perTask)
}

func TestPostgresConnectionsDroppedMidRun(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{rate: 500})
	v.subscribers(2000)
	v.worker(v.e, 8)
	v.sweeper(v.e)
	run := v.startRun()
	for _, at := range []int{600, 1200} {
		v.waitCount(at, 30*time.Second)
		var killed int
		if err := v.st.DB().Get(&killed, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
			t.Fatal(err)
		}
		t.Logf("terminated %d connections at %d sends", killed, v.tg.Count())
	}
	v.checkCompleteOnce(run, 2000, 8*10, 8*fastCfg().withDefaults().Senders)
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// ownRedis starts a private, non-persistent redis-server (never the shared one).
func ownRedis(t *testing.T, port int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatalf("redis-server cannot start (make test installs it): %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port)})
	defer c.Close()
	for i := 0; c.Ping(context.Background()).Err() != nil; i++ {
		if i > 100 {
			t.Fatal("own redis-server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cmd
}

func TestRedisRestartedMidRun(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	srv := ownRedis(t, port)
	v := newEnv(t, envOpts{rate: 400, ropt: &redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port)}})
	v.subscribers(2000)
	v.worker(v.e, 8)
	v.sweeper(v.e)
	run := v.startRun()
	v.waitCount(600, 30*time.Second)
	srv.Process.Kill() // every queued task is lost with it
	srv.Wait()
	t.Logf("redis stopped at %d sends", v.tg.Count())
	time.Sleep(500 * time.Millisecond)
	ownRedis(t, port)
	v.checkCompleteOnce(run, 2000, 8*10, 8*fastCfg().withDefaults().Senders)
}
