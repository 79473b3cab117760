package app

import (
	"context"
	"fmt"
	"time"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/faqsync"
	"github.com/loa-vn/loa/locales"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/seed"
)

// seedFAQ copies the FAQ files into faq_entries, where staff curate them;
// entries staff have edited are left as they are.
func seedFAQ(ctx context.Context, a *App, st *store.Store) (int, error) {
	kbs, err := faq.LoadFS(locales.FS)
	if err != nil {
		return 0, fmt.Errorf("FAQ: %w", err)
	}
	n, err := faqsync.SeedFromFiles(ctx, st, kbs)
	if err != nil {
		return 0, fmt.Errorf("seed FAQ: %w", err)
	}
	fmt.Fprintf(a.Stdout, "%-22s %4d  (added; entries staff edited are kept)\n", "FAQ entries", n)
	return n, nil
}

func cmdMigrate(ctx context.Context, a *App, args []string) error {
	action := "up"
	if len(args) > 0 {
		action = args[0]
	}
	st, err := a.Store(ctx, false)
	if err != nil {
		return err
	}
	m, err := st.NewMigrator(store.Migrations())
	if err != nil {
		return err
	}
	switch action {
	case "up":
		applied, err := m.Up(ctx)
		for _, line := range applied {
			fmt.Fprintln(a.Stdout, line)
		}
		if err != nil {
			return err
		}
		cur, _, err := m.Versions(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "schema is current at version %d (%d applied now)\n", cur, len(applied))
	case "status":
		status, err := m.Status(ctx)
		if err != nil {
			return err
		}
		pending := 0
		for _, s := range status {
			state := "applied"
			if !s.Applied {
				state, pending = "pending", pending+1
			}
			fmt.Fprintf(a.Stdout, "%-8s %s\n", state, s.Source)
		}
		if pending == 0 {
			fmt.Fprintln(a.Stdout, "schema is current")
		} else {
			fmt.Fprintf(a.Stdout, "%d migration(s) pending: run `loa migrate`\n", pending)
		}
	case "down-one":
		line, err := m.DownOne(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.Stdout, line)
	default:
		return fmt.Errorf("unknown action %q: use up, status or down-one", action)
	}
	return nil
}

func cmdSeed(ctx context.Context, a *App, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("seed takes no arguments (got %q)", args)
	}
	start := time.Now()
	ds, err := seed.Load(seed.Hanoi(), seed.HanoiCity)
	if err != nil {
		return err
	}
	st, err := a.Store(ctx, true)
	if err != nil {
		return err
	}
	counts, err := st.Seed(ctx, ds)
	if err != nil {
		return err
	}
	changed := 0
	for _, c := range counts {
		fmt.Fprintf(a.Stdout, "%-22s %4d  (added %d, updated %d, unchanged %d)\n",
			c.Kind, c.Total, c.Added, c.Updated, c.Unchanged())
		changed += c.Added + c.Updated
	}
	n, err := seedFAQ(ctx, a, st)
	if err != nil {
		return err
	}
	changed += n
	extra, err := seedExtras(ctx, a)
	if err != nil {
		return err
	}
	changed += extra
	if changed == 0 {
		fmt.Fprintln(a.Stdout, "nothing changed: the database already held this data")
	}
	fmt.Fprintf(a.Stdout, "seed done in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}
