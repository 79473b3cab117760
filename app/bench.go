package app

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/app/bench"
)

// loa bench faq|broadcast prints the tables that show Loa's speed and
// accuracy targets. The broadcast harness lives in app/bench, which only
// this command reaches.
func newBenchCmd(a *App) *cobra.Command {
	var devOnly bool
	faqCmd := &cobra.Command{Use: "faq [--dev-only]", Short: "the FAQ engine's accuracy on its evaluation sets and its latency", Args: noArgs,
		RunE: a.action(true, func(context.Context, []string) error { return benchFAQ(a, devOnly) })}
	faqCmd.Flags().BoolVar(&devOnly, "dev-only", false, "leave both held-out sets out (for whoever tunes the engine)")
	var o bench.Options
	bc := &cobra.Command{Use: "broadcast", Short: "freeze, send throughput, memory and rate figures of the broadcast engine",
		Args: noArgs}
	bc.RunE = a.action(true, func(ctx context.Context, _ []string) error {
		if o.Concurrency <= 0 {
			o.Concurrency = a.Cfg.Concurrency
		}
		if o.Quick { // --quick shrinks only what was not given explicitly
			for name, v := range map[string]*int{"recipients": &o.Recipients, "send": &o.Send, "rss-seconds": &o.RSSSecs, "rate-seconds": &o.RateSecs} {
				if !bc.Flags().Changed(name) {
					*v = map[string]int{"recipients": 100_000, "send": 5_000, "rss-seconds": 5, "rate-seconds": 10}[name]
				}
			}
		}
		return bench.Broadcast(ctx, bench.Env{DatabaseURL: a.Cfg.DatabaseURL, Stdout: a.Stdout, Stderr: a.Stderr}, o)
	})
	f := bc.Flags()
	f.IntVar(&o.Recipients, "recipients", 1_000_000, "subscribers for the freeze, RSS and Redis figures")
	f.IntVar(&o.Send, "send", 100_000, "recipients of the uncapped run (the naive baseline sends a fifth, the 1000/s run 1000 per rate second)")
	f.IntVar(&o.RateSecs, "rate-seconds", 60, "how long to measure the 30 msg/s rate")
	f.IntVar(&o.RSSSecs, "rss-seconds", 10, "how long each RSS worker subprocess sends after planning")
	f.IntVar(&o.Concurrency, "concurrency", 0, "Asynq concurrency of the measured worker (default: LOA_WORKER_CONCURRENCY)")
	f.BoolVar(&o.Quick, "quick", false, "a smoke run, not a measurement: 100,000 recipients, 5,000 sends, 10 s of rate")
	f.StringVar(&o.Only, "only", "", "measure only these rows, comma-separated: uncapped, naive, capped, floor, strict, crash, freeze, zalo")
	f.Int64Var(&o.Child, "worker-child", 0, "internal: run as the RSS worker subprocess for this run id")
	f.StringVar(&o.ChildDSN, "child-dsn", "", "internal")
	f.StringVar(&o.ChildRedis, "child-redis", "", "internal")
	f.StringVar(&o.ChildTG, "child-tg", "", "internal")
	f.BoolVar(&o.ChildServe, "child-serve", false, "internal")
	f.BoolVar(&o.ChildPaid, "child-paid", false, "internal")
	f.IntVar(&o.ChildRate, "child-rate", 0, "internal")
	f.IntVar(&o.FloorChild, "floor-child", 0, "internal")
	for _, n := range []string{"worker-child", "child-dsn", "child-redis", "child-tg", "child-serve", "child-paid", "child-rate", "floor-child"} {
		_ = f.MarkHidden(n)
	}
	return group("bench", "print the benchmark tables (faq, broadcast)", faqCmd, bc)
}
