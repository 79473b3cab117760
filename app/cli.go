package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/store"
)

// The command line is cobra's: every command and subcommand answers -h,
// --help and `loa help CMD` with its usage on stdout, before any
// configuration, PostgreSQL or Redis is touched (help never reaches
// PersistentPreRunE); a wrong flag or argument count is a usageError (exit 2).

// usageError is a mistake in how a command was called: the usage follows it
// on stderr and the exit code is 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// configError is a bad environment: one line per problem, exit code 2.
type configError struct{ errs []error }

func (e configError) Error() string { return fmt.Sprintf("%d configuration problem(s)", len(e.errs)) }

// newRoot builds the whole command line for one App.
func newRoot(a *App) *cobra.Command {
	root := &cobra.Command{
		Use:           "loa",
		Short:         "loa — the ward loudspeaker, on Telegram",
		Long:          "loa — the ward loudspeaker: answers residents and broadcasts a city's campaign messages.",
		SilenceErrors: true, // Main prints errors once, in one shape
		SilenceUsage:  true,
		// a command without RunE (a group) given no subcommand prints its help
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newVersionCmd(a), newConfigCmd(a), newMigrateCmd(a), newSeedCmd(a),
		newWebCmd(a), newWorkerCmd(a), newSchedulerCmd(a), newBotCmd(a), newDevCmd(a),
		newAskCmd(a), newChatCmd(a), newBroadcastCmd(a), newStaffCmd(a), newBenchCmd(a),
		newFAQCmd(a),
	)
	return root
}

// action makes a cobra RunE that first loads and checks the configuration
// (needsConfig) and then calls f with the positional arguments.
func (a *App) action(needsConfig bool, f func(ctx context.Context, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := a.loadConfig(needsConfig); err != nil {
			return err
		}
		return f(cmd.Context(), args)
	}
}

// loadConfig reads the environment once; needsConfig refuses a bad one.
func (a *App) loadConfig(needsConfig bool) error {
	cfg, errs := LoadConfig(a.Getenv, os.ReadFile)
	a.Cfg = cfg
	a.Log = newLogger(a.Stderr, cfg.LogLevel)
	if needsConfig && len(errs) > 0 {
		return configError{errs}
	}
	return nil
}

// group is a command that only holds subcommands: called alone or with an
// unknown subcommand, it is a usage error (its usage lists the subcommands).
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{Use: use, Short: short, Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{fmt.Errorf("%s needs a command", cmd.CommandPath())}
			}
			return usageError{fmt.Errorf("unknown command %q for %s", args[0], cmd.CommandPath())}
		}}
	c.AddCommand(subs...)
	return c
}

// exactArgs, noArgs and maxArgs are cobra's argument checks, reported as
// usage errors.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("%s takes %d argument(s), got %d", cmd.CommandPath(), n, len(args))}
		}
		return nil
	}
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if cmd.HasSubCommands() {
			return usageError{fmt.Errorf("unknown command %q for %s", args[0], cmd.CommandPath())}
		}
		return usageError{fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), args)}
	}
	return nil
}

func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return usageError{fmt.Errorf("%s takes at most %d argument(s), got %d", cmd.CommandPath(), n, len(args))}
		}
		return nil
	}
}

// parseID reads a positive numeric id argument (a broadcast or a run).
func parseID(what, v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError{fmt.Errorf("%s must be a positive number, got %q", what, v)}
	}
	return id, nil
}

// exitCode prints err once, in one shape, and picks the exit code.
func (a *App) exitCode(cmd *cobra.Command, err error) int {
	var ue usageError
	var ce configError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ce):
		for _, e := range ce.errs {
			fmt.Fprintf(a.Stderr, "loa: config: %v\n", e)
		}
		return 2
	case errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command") ||
		strings.HasPrefix(err.Error(), "required flag"):
		fmt.Fprintf(a.Stderr, "%s: %v\n\n", cmd.CommandPath(), err)
		fmt.Fprint(a.Stderr, cmd.UsageString())
		return 2
	}
	fmt.Fprintf(a.Stderr, "%s: %s\n", cmd.CommandPath(), cliMessage(err))
	return 1
}

// cliMessage is a failed command's error as the operator reads it, from the
// workflow's and the store's typed errors: what does not exist ("broadcast
// 42 does not exist", "staff 42 does not exist"), never the database's words.
func cliMessage(err error) string {
	var nf *store.NotFoundError
	if errors.As(err, &nf) {
		return nf.Error()
	}
	if e, ok := broadcast.ErrorOf(err); ok {
		return cliRefusal{e}.Error()
	}
	return err.Error()
}
