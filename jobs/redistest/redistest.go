// Package redistest gives each test a Redis database of its own on the shared
// server: DB numbers 1–15 are leased through keys in DB 0, flushed before use
// and after, so parallel tests (and test packages) never see each other's keys.
package redistest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Addr is the shared test server; LOA_TEST_REDIS_ADDR overrides it.
func Addr() string {
	if v := os.Getenv("LOA_TEST_REDIS_ADDR"); v != "" {
		return v
	}
	return "127.0.0.1:6379"
}

const leaseTTL = 15 * time.Minute

// New leases a database and returns options for it. The lease is released
// and the database flushed when the test ends.
func New(t testing.TB) *redis.Options {
	t.Helper()
	ctx := context.Background()
	ctl := redis.NewClient(&redis.Options{Addr: Addr(), DB: 0})
	if err := ctl.Ping(ctx).Err(); err != nil {
		ctl.Close()
		t.Fatalf("redistest: Redis is not reachable at %s: %v (run `make test`, which starts it)", Addr(), err)
	}
	token := strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		for db := 1; db <= 15; db++ {
			key := fmt.Sprintf("loa:test:lease:%d", db)
			ok, err := ctl.SetNX(ctx, key, token, leaseTTL).Result()
			if err != nil {
				t.Fatalf("redistest: %v", err)
			}
			if ok {
				return claim(t, ctl, key, token, db)
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("redistest: all 15 Redis databases stayed leased for 2 minutes")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func claim(t testing.TB, ctl *redis.Client, key, token string, db int) *redis.Options {
	opt := &redis.Options{Addr: Addr(), DB: db}
	c := redis.NewClient(opt)
	defer c.Close()
	if err := c.FlushDB(context.Background()).Err(); err != nil {
		t.Fatalf("redistest: flush db %d: %v", db, err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		c := redis.NewClient(opt)
		c.FlushDB(ctx)
		c.Close()
		// release only our own lease
		if v, _ := ctl.Get(ctx, key).Result(); v == token {
			ctl.Del(ctx, key)
		}
		ctl.Close()
	})
	return opt
}

// URL renders options as a REDIS_URL, for tests that start whole processes.
func URL(o *redis.Options) string { return fmt.Sprintf("redis://%s/%d", o.Addr, o.DB) }
