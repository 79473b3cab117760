package app

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// loa config check
func newConfigCmd(a *App) *cobra.Command {
	check := &cobra.Command{Use: "check", Short: "print the effective configuration, secrets masked, and every problem",
		Args: noArgs, RunE: a.action(false, func(context.Context, []string) error { return configCheck(a) })}
	return group("config", "inspect the configuration (environment variables)", check)
}

func configCheck(a *App) error {
	for _, row := range a.Cfg.Describe(a.Getenv) {
		fmt.Fprintf(a.Stdout, "%-24s %s\n", row[0], row[1])
	}
	fmt.Fprintf(a.Stdout, "\n%-24s %s\n%-24s %s\n", "channel telegram", a.Cfg.TelegramState(), "channel zalo", a.Cfg.ZaloState())
	_, errs := LoadConfig(a.Getenv, os.ReadFile)
	if len(errs) == 0 {
		fmt.Fprintln(a.Stdout, "\nconfiguration OK")
		if a.Cfg.Sandbox() {
			fmt.Fprintln(a.Stdout, "TELEGRAM_TOKEN and ZALO_BOT_TOKEN are not set: `loa dev` runs against the built-in sandbox Telegram and Zalo")
		}
		return nil
	}
	fmt.Fprintln(a.Stdout)
	for _, err := range errs {
		fmt.Fprintf(a.Stdout, "problem: %v\n", err)
	}
	return fmt.Errorf("%d problem(s) in the configuration", len(errs))
}
