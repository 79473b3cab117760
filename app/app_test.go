package app

import (
	"bytes"
	"context"

	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loa-vn/loa/jobs/redistest"
	"github.com/loa-vn/loa/store/storetest"
)

// runner runs the command line against the environment e, as the
// commands that need a database are tested.
func runner(e func(string) string) func(args ...string) (stdout, stderr string, code int) {
	return func(args ...string) (string, string, int) {
		var out, errOut syncBuffer
		code := Main(context.Background(), args, e, nil, &out, &errOut)
		return out.String(), errOut.String(), code
	}
}

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestWebAnswersReadyAndStopsOnSignal(t *testing.T) {
	dsn := storetest.NewDatabase(t, true)
	addr := freeAddr(t)
	e := env(map[string]string{"DATABASE_URL": dsn, "REDIS_URL": redistest.URL(redistest.New(t)), "HTTP_ADDR": addr})
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"web"}, e, strings.NewReader(""), &out, &errOut) }()
	if !waitHTTP(t, "http://"+addr+"/readyz", http.StatusOK) {
		cancel()
		t.Fatalf("readyz never answered 200; log:\n%s", errOut.String())
	}
	if !waitHTTP(t, "http://"+addr+"/healthz", http.StatusOK) {
		t.Error("healthz not 200")
	}
	cancel() // what SIGTERM does through signal.NotifyContext
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d; log:\n%s", code, errOut.String())
		}
	case <-time.After(ShutdownTimeout + 2*time.Second):
		t.Fatal("web did not stop within the shutdown timeout")
	}
}

func TestReadyzReportsDownDependency(t *testing.T) {
	dsn := storetest.NewDatabase(t, true)
	addr := freeAddr(t)
	redisAddr := freeAddr(t) // nothing listens here once the probe closed it
	e := env(map[string]string{"DATABASE_URL": dsn, "REDIS_URL": "redis://" + redisAddr + "/0", "HTTP_ADDR": addr})
	var out, errOut syncBuffer
	code := Main(context.Background(), []string{"web"}, e, strings.NewReader(""), &out, &errOut)
	if code == 0 || !strings.Contains(errOut.String(), "cannot reach Redis") {
		t.Fatalf("web without Redis: exit %d, log:\n%s", code, errOut.String())
	}
}

func TestProcessesRefuseOldSchema(t *testing.T) {
	dsn := storetest.NewDatabase(t, false)
	e := env(map[string]string{"DATABASE_URL": dsn, "REDIS_URL": redistest.URL(redistest.New(t))})
	var out, errOut syncBuffer
	if code := Main(context.Background(), []string{"migrate", "down-one"}, e, nil, &out, &errOut); code != 0 {
		t.Fatalf("down-one: %d %s", code, errOut.String())
	}
	for _, cmd := range []string{"worker", "seed"} {
		code := Main(context.Background(), []string{cmd}, e, nil, &out, &errOut)
		if code == 0 || !strings.Contains(errOut.String(), "run `loa migrate`") {
			t.Fatalf("%s on an old schema: exit %d, log:\n%s", cmd, code, errOut.String())
		}
	}
}

func TestMigrateAloneAppliesWhatIsPending(t *testing.T) {
	dsn := storetest.NewDatabase(t, false)
	e := env(map[string]string{"DATABASE_URL": dsn, "REDIS_URL": redistest.URL(redistest.New(t))})
	for _, args := range [][]string{{"migrate", "down-one"}, {"migrate"}, {"migrate", "down-one"}, {"migrate", "up"}} {
		var out, errOut syncBuffer
		if code := Main(context.Background(), args, e, nil, &out, &errOut); code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, errOut.String())
		}
		if args[len(args)-1] != "down-one" && !strings.Contains(out.String(), "1 applied now") {
			t.Fatalf("%v applied nothing:\n%s", args, out.String())
		}
	}
}

func TestBadConfigExitsNonZeroWithOneLinePerProblem(t *testing.T) {
	var out, errOut syncBuffer
	e := env(map[string]string{"DATABASE_URL": "mysql://x", "LOA_SEND_RATE": "0"})
	code := Main(context.Background(), []string{"web"}, e, nil, &out, &errOut)
	lines := strings.Count(errOut.String(), "loa: config:")
	if code != 2 || lines != 2 {
		t.Fatalf("exit %d with %d problem lines:\n%s", code, lines, errOut.String())
	}
}

func TestSeedTwiceReportsNothingChanged(t *testing.T) {
	dsn := storetest.NewDatabase(t, false)
	e := env(map[string]string{"DATABASE_URL": dsn})
	var out, errOut syncBuffer
	for i := 0; i < 2; i++ {
		if code := Main(context.Background(), []string{"seed"}, e, nil, &out, &errOut); code != 0 {
			t.Fatalf("seed %d: exit %d: %s", i, code, errOut.String())
		}
	}
	if !strings.Contains(out.String(), "nothing changed") || !strings.Contains(out.String(), "current units           126") {
		t.Fatalf("output:\n%s", out.String())
	}
}

func waitHTTP(t *testing.T, url string, status int) bool {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == status {
				return true
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}
