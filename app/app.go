package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/store"
)

// Version is set at build time with -ldflags "-X github.com/loa-vn/loa/app.Version=...".
var Version = "dev"

// ShutdownTimeout bounds how long a process may take to stop after a signal.
const ShutdownTimeout = 10 * time.Second

// App holds what every subcommand shares. Connections open on first use, so
// `loa version` and `loa config check` work without PostgreSQL or Redis.
type App struct {
	Cfg    Config
	Log    *slog.Logger
	Stdout io.Writer
	Stderr io.Writer
	Stdin  io.Reader
	Getenv func(string) string

	mu      sync.Mutex
	store   *store.Store
	redis   *redis.Client
	metrics *prometheus.Registry
	// broadcastMetrics registers the fleet's broadcast collector once
	broadcastMetrics sync.Once
	closer           []func()
	// listening is closed once the web process's HTTP listener is bound
	// (see Listening): webhooks are registered only then
	listening     chan struct{}
	listeningOnce sync.Once
}

// Listening returns a channel closed once the web process's HTTP listener
// is bound.
func (a *App) Listening() <-chan struct{} { return a.listeningChan() }

func (a *App) listeningChan() chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.listening == nil {
		a.listening = make(chan struct{})
	}
	return a.listening
}

// markListening closes the Listening channel, once.
func (a *App) markListening() {
	ch := a.listeningChan()
	a.listeningOnce.Do(func() { close(ch) })
}

// Main runs one command line and returns the process exit code: 0, 1 when
// the command failed, 2 for a usage or configuration mistake.
func Main(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &App{Stdout: stdout, Stderr: stderr, Stdin: stdin, Getenv: getenv,
		Log: slog.New(slog.NewTextHandler(stderr, nil))}
	defer a.Close()
	root := newRoot(a)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	return a.exitCode(cmd, err)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// Store opens PostgreSQL once. Processes call it with checkSchema so they
// refuse to run on a schema older than the binary.
func (a *App) Store(ctx context.Context, checkSchema bool) (*store.Store, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.store == nil {
		st, err := store.Open(ctx, a.Cfg.DatabaseURL)
		if err != nil {
			return nil, err
		}
		a.store = st
		a.closer = append(a.closer, func() { st.Close() })
	}
	if checkSchema {
		if err := a.store.CheckSchema(ctx); err != nil {
			return nil, err
		}
	}
	return a.store, nil
}

// Redis opens the Redis client once and checks that it answers.
func (a *App) Redis(ctx context.Context) (*redis.Client, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.redis != nil {
		return a.redis, nil
	}
	opt, err := redis.ParseURL(a.Cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	// a context's deadline bounds the socket too (a claim journal's write
	// waits at most its timeout, not ReadTimeout per attempt)
	opt.ContextTimeoutEnabled = true
	c := redis.NewClient(opt)
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := c.Ping(pctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("cannot reach Redis at %s (is it running? is REDIS_URL right?): %w", opt.Addr, err)
	}
	a.redis = c
	a.closer = append(a.closer, func() { c.Close() })
	return c, nil
}

// connect opens what every process needs: PostgreSQL, refusing a schema
// older than the binary, and Redis.
func (a *App) connect(ctx context.Context) (*store.Store, *redis.Client, error) {
	st, err := a.Store(ctx, true)
	if err != nil {
		return nil, nil, err
	}
	rdb, err := a.Redis(ctx)
	if err != nil {
		return nil, nil, err
	}
	return st, rdb, nil
}

// RedisOptions returns the parsed REDIS_URL (Asynq takes options, not a client).
func (a *App) RedisOptions() *redis.Options {
	opt, err := redis.ParseURL(a.Cfg.RedisURL)
	if err != nil {
		panic(err) // validated by LoadConfig before any process starts
	}
	return opt
}

// OnClose registers cleanup run when the command ends, last first.
func (a *App) OnClose(f func()) {
	a.mu.Lock()
	a.closer = append(a.closer, f)
	a.mu.Unlock()
}

// Close releases connections, most recent first.
func (a *App) Close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := len(a.closer) - 1; i >= 0; i-- {
		a.closer[i]()
	}
	a.closer = nil
}
