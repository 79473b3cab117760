package app

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/store"
)

// loa migrate [up|status|down-one]
func newMigrateCmd(a *App) *cobra.Command {
	step := func(use, action, short string) *cobra.Command {
		return &cobra.Command{Use: use, Short: short, Args: noArgs,
			RunE: a.action(true, func(ctx context.Context, _ []string) error { return migrate(ctx, a, action) })}
	}
	c := step("migrate [up|status|down-one]", "up", "apply the embedded schema (the same as `loa migrate up`)")
	c.AddCommand(step("up", "up", "apply every pending migration"), step("status", "status", "list applied and pending migrations"),
		step("down-one", "down-one", "roll the newest migration back"))
	return c
}

func migrate(ctx context.Context, a *App, action string) error {
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
		return fmt.Errorf("unknown migrate step %q", action) // a wiring mistake, not the user's
	}
	return nil
}
