package app

import (
	"context"
	"fmt"
)

// cmdBench prints the benchmark tables that show Loa's speed targets.
func cmdBench(ctx context.Context, a *App, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: loa bench faq|broadcast [flags]")
	}
	switch args[0] {
	case "faq":
		return benchFAQ(ctx, a, args[1:])
	case "broadcast":
		return benchBroadcast(ctx, a, args[1:])
	}
	return fmt.Errorf("unknown benchmark %q: use faq or broadcast", args[0])
}
