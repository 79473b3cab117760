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

	"github.com/loa-vn/loa/bot/telegram"
	"github.com/loa-vn/loa/store"
)

// TestMain doubles as a worker process: the crash test re-executes this
// test binary with LOA_JOBS_CHILD=worker and kills it with SIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("LOA_JOBS_CHILD") == "worker" {
		if err := childWorker(); err != nil {
			fmt.Fprintln(os.Stderr, "child worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func childWorker() error {
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
	sender, err := telegram.NewSender(os.Getenv("LOA_CHILD_TG_TOKEN"), os.Getenv("LOA_CHILD_TG_URL"), false)
	if err != nil {
		return err
	}
	rate, _ := strconv.Atoi(os.Getenv("LOA_CHILD_RATE"))
	cfg := fastCfg()
	cfg.TaskTimeout, cfg.StaleAfter, cfg.LeaseTTL = 5*time.Second, 6*time.Second, 3*time.Second
	e := NewEngine(st, rdb, asynqOpt(ropt), nil, testLog(), cfg).AddChannel(sender, rate)
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
