package jobs

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/bot/zalo"
	"github.com/loa-vn/loa/bot/zalofake"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// zaloChildChannel is the Zalo channel of the crash test's child worker
// (TestMain in main_test.go runs it with LOA_JOBS_CHILD=zalo-worker).
func zaloChildChannel() (channel.Channel, error) {
	c, err := zalo.NewClient(os.Getenv("LOA_CHILD_ZALO_TOKEN"), os.Getenv("LOA_CHILD_ZALO_URL"), zalo.WithLogger(testLog()))
	if err != nil {
		return nil, err
	}
	return zalo.NewChannel(c), nil
}

// startZaloChild runs a Zalo-only worker process against fake.
func (v *env) startZaloChild(dsn string, fake *zalofake.Server, rate int) *exec.Cmd {
	v.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LOA_JOBS_CHILD=zalo-worker", "LOA_CHILD_DSN="+dsn,
		"LOA_CHILD_REDIS_ADDR="+v.ropt.Addr, "LOA_CHILD_REDIS_DB="+strconv.Itoa(v.ropt.DB),
		"LOA_CHILD_ZALO_TOKEN="+fake.Token(), "LOA_CHILD_ZALO_URL="+fake.URL(), "LOA_CHILD_RATE="+strconv.Itoa(rate))
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
		v.t.Fatalf("zalo child worker: %q %v", line, err)
	}
	return cmd
}

// The Zalo worker is killed with SIGKILL at about 30% of a 5,000-recipient
// Zalo run. After a restart the run finishes: nobody got it twice, nobody
// was lost (every row sent or unknown), and the unknown outcomes are at
// most the rows that were in flight (8 tasks × 10 claimed rows).
func TestZaloWorkerKilledMidRun(t *testing.T) {
	t.Parallel()
	dsn := storetest.NewDatabase(t, false)
	cfg := fastCfg()
	cfg.TaskTimeout, cfg.StaleAfter = 5*time.Second, 6*time.Second
	v := newEnv(t, envOpts{dsn: dsn, cfg: cfg})
	fake := zalofake.New(zalofake.WithRecordLimit(1))
	t.Cleanup(fake.Close)
	const n, rate = 5000, 600
	v.zaloSubscribers(n, "z")
	run := v.startRun()
	v.sweeper(v.e) // the scheduler: re-kicks orphaned batches, reconciles
	w := v.startZaloChild(dsn, fake, rate)
	deadline := time.Now().Add(60 * time.Second)
	for fake.Count() < n*30/100 {
		if time.Now().After(deadline) {
			t.Fatalf("zalo stalled at %d sends", fake.Count())
		}
		time.Sleep(5 * time.Millisecond)
	}
	kill(t, w)
	t.Logf("killed at %d sends", fake.Count())
	v.startZaloChild(dsn, fake, rate)

	v.waitStatus(run, store.RunDone, 90*time.Second)
	got := v.progress(run)
	if got[store.DeliverySent]+got[store.DeliveryUnknown] != n {
		t.Errorf("counts %v: want every one of %d sent or unknown", got, n)
	}
	if got[store.DeliveryUnknown] > 8*10 {
		t.Errorf("%d unknown, want at most the %d in flight", got[store.DeliveryUnknown], 8*10)
	}
	chats, twice := 0, 0
	for i := 1; i <= n; i++ {
		switch c := fake.CountTo("z" + strconv.Itoa(i)); {
		case c > 1:
			twice++
			chats++
		case c == 1:
			chats++
		}
	}
	if twice != 0 {
		t.Errorf("%d Zalo residents got the message twice", twice)
	}
	if chats < got[store.DeliverySent] || chats > n {
		t.Errorf("fake reached %d chats; %d rows say sent", chats, got[store.DeliverySent])
	}
	t.Logf("counts %v, fake reached %d chats", got, chats)
}
