package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
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
}

type command struct {
	run   func(ctx context.Context, a *App, args []string) error
	usage string
	// needsConfig: refuse to start on a bad environment
	needsConfig bool
}

// commands is the whole command line; each entry lives in the file named for it.
func commands() map[string]command {
	return map[string]command{
		"version":   {run: cmdVersion, usage: "print the version"},
		"config":    {run: cmdConfig, usage: "config check: print the effective configuration, secrets masked"},
		"migrate":   {run: cmdMigrate, usage: "migrate [up|status|down-one]: apply the embedded schema", needsConfig: true},
		"seed":      {run: cmdSeed, usage: "seed: load Hanoi's localities and agencies (idempotent)", needsConfig: true},
		"web":       {run: cmdWeb, usage: "web: Telegram webhook, staff API, /healthz, /readyz, /metrics", needsConfig: true},
		"worker":    {run: cmdWorker, usage: "worker: send broadcast batches (Asynq server)", needsConfig: true},
		"scheduler": {run: cmdScheduler, usage: "scheduler: start scheduled and yearly broadcasts on time", needsConfig: true},
		"bot":       {run: cmdBot, usage: "bot: Telegram long polling (hosts without a public URL)", needsConfig: true},
		"ask":       {run: cmdAsk, usage: "ask [--lang vi|en] [--json] \"question\": answer from the FAQ", needsConfig: true},
		"chat":      {run: cmdChat, usage: "chat: talk to the bot as a resident, in the terminal (sandbox)", needsConfig: true},
		"broadcast": {run: cmdBroadcast, usage: "broadcast create|list|show|schedule|cancel|pause|resume|status|report", needsConfig: true},
		"staff":     {run: cmdStaff, usage: "staff add --name N --role R [--agency CODE] | list | revoke --token-prefix P | --id N | link --id N", needsConfig: true},
		"bench":     {run: cmdBench, usage: "bench faq|broadcast: print the benchmark tables", needsConfig: true},
		"dev":       {run: cmdDev, usage: "dev: every process in one, against the sandbox Telegram without TELEGRAM_TOKEN", needsConfig: true},
	}
}

// Main runs one subcommand and returns the process exit code.
func Main(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &App{Stdout: stdout, Stderr: stderr, Stdin: stdin, Getenv: getenv}
	defer a.Close()
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout, cmds)
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "loa: unknown command %q\n\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	cfg, errs := LoadConfig(getenv, os.ReadFile)
	a.Cfg = cfg
	a.Log = newLogger(stderr, cfg.LogLevel)
	if cmd.needsConfig && len(errs) > 0 {
		for _, err := range errs {
			fmt.Fprintf(stderr, "loa: config: %v\n", err)
		}
		return 2
	}
	if err := cmd.run(ctx, a, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 2
		}
		fmt.Fprintf(stderr, "loa %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "loa — the ward loudspeaker, on Telegram\n\nUsage: loa <command> [arguments]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].usage)
	}
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

func cmdVersion(_ context.Context, a *App, _ []string) error {
	fmt.Fprintf(a.Stdout, "loa %s\n", Version)
	return nil
}

func cmdConfig(_ context.Context, a *App, args []string) error {
	if len(args) != 1 || args[0] != "check" {
		return errors.New("usage: loa config check")
	}
	for _, row := range a.Cfg.Describe(a.Getenv) {
		fmt.Fprintf(a.Stdout, "%-24s %s\n", row[0], row[1])
	}
	_, errs := LoadConfig(a.Getenv, os.ReadFile)
	if len(errs) == 0 {
		fmt.Fprintln(a.Stdout, "\nconfiguration OK")
		if a.Cfg.Sandbox() {
			fmt.Fprintln(a.Stdout, "TELEGRAM_TOKEN is not set: `loa dev` runs against the built-in sandbox Telegram")
		}
		return nil
	}
	fmt.Fprintln(a.Stdout)
	for _, err := range errs {
		fmt.Fprintf(a.Stdout, "problem: %v\n", err)
	}
	return fmt.Errorf("%d problem(s) in the configuration", len(errs))
}

// newFlags makes a flag set for a subcommand that reports to stderr.
func newFlags(name string, a *App) *flag.FlagSet {
	fs := flag.NewFlagSet("loa "+name, flag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	return fs
}
