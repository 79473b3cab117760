package jobs

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/bot/telegram"
	"github.com/loa-vn/loa/store"
)

// TestMain doubles as a worker process: the crash tests re-execute this
// test binary with LOA_JOBS_CHILD=worker (Telegram) or zalo-worker and kill
// it with SIGKILL.
func TestMain(m *testing.M) {
	if kind := os.Getenv("LOA_JOBS_CHILD"); kind != "" {
		if err := childWorker(kind); err != nil {
			fmt.Fprintln(os.Stderr, "child worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// childWorker runs an Asynq worker that sends on the one channel kind names
// until SIGTERM (or until it is killed, which is the point).
func childWorker(kind string) error {
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer cancel()
	st, err := store.Open(ctx, os.Getenv("LOA_CHILD_DSN"))
	if err != nil {
		return err
	}
	defer st.Close()
	db, _ := strconv.Atoi(os.Getenv("LOA_CHILD_REDIS_DB"))
	ropt := &redis.Options{Addr: os.Getenv("LOA_CHILD_REDIS_ADDR"), DB: db}
	rdb := redis.NewClient(ropt)
	defer rdb.Close()
	cfg := fastCfg()
	cfg.TaskTimeout, cfg.StaleAfter = 5*time.Second, 6*time.Second
	var ch channel.Channel
	switch kind {
	case "worker":
		if ch, err = telegram.NewSender(os.Getenv("LOA_CHILD_TG_TOKEN"), os.Getenv("LOA_CHILD_TG_URL"), false); err != nil {
			return err
		}
		cfg.LeaseTTL = 3 * time.Second
	case "zalo-worker":
		if ch, err = zaloChildChannel(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown LOA_JOBS_CHILD %q", kind)
	}
	rate, _ := strconv.Atoi(os.Getenv("LOA_CHILD_RATE"))
	e := NewEngine(st, rdb, asynqOpt(ropt), nil, testLog(), cfg).AddChannel(ch, rate)
	defer e.Close()
	srv := asynq.NewServer(asynqOpt(ropt), ServerConfig(8, testLog()))
	mux := asynq.NewServeMux()
	e.Register(mux)
	if err := srv.Start(mux); err != nil {
		return err
	}
	fmt.Println("ready")
	<-ctx.Done()
	e.Stop()
	srv.Shutdown()
	return nil
}
