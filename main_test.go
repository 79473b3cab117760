package main

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/loa-vn/loa/jobs/redistest"
	"github.com/loa-vn/loa/store/storetest"
)

var loaBin string

// TestMain builds the real binary once: these tests send it real signals.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "loa-bin")
	if err != nil {
		panic(err)
	}
	loaBin = filepath.Join(dir, "loa")
	if out, err := exec.Command("go", "build", "-o", loaBin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Each long-running process reports ready, then exits 0 on SIGTERM within the
// shutdown bound.
func TestProcessesStopOnSIGTERM(t *testing.T) {
	dsn := storetest.NewDatabase(t, true)
	redisURL := redistest.URL(redistest.New(t))
	for _, name := range []string{"web", "worker", "scheduler"} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, loaBin, name)
			cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn, "REDIS_URL="+redisURL, "HTTP_ADDR="+freePort(t),
				"LOA_SANDBOX_ADDR="+freePort(t), "TELEGRAM_TOKEN=", "PUBLIC_URL=")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			log := waitFor(stderr, "msg=ready", 20*time.Second)
			if !strings.Contains(log, "msg=ready") {
				cmd.Process.Kill()
				t.Fatalf("%s never reported ready:\n%s", name, log)
			}
			cmd.Process.Signal(syscall.SIGTERM)
			go func() { // keep draining so the process never blocks on a full pipe
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
				}
			}()
			// the process bounds its own shutdown (ShutdownTimeout) and exits
			// non-zero past it, so exit 0 is the proof; no wall-clock check here
			err = cmd.Wait()
			if err != nil {
				t.Fatalf("%s exited with %v after SIGTERM", name, err)
			}
		})
	}
}

// waitFor reads lines until one contains want or the time is up, and returns
// what it read.
func waitFor(r interface{ Read([]byte) (int, error) }, want string, d time.Duration) string {
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
			if strings.Contains(sc.Text(), want) {
				return
			}
		}
		close(lines)
	}()
	var b strings.Builder
	timeout := time.After(d)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return b.String()
			}
			b.WriteString(l + "\n")
			if strings.Contains(l, want) {
				return b.String()
			}
		case <-timeout:
			return b.String()
		}
	}
}
