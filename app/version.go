package app

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// loa version
func newVersionCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "version", Short: "print the version", Args: noArgs,
		RunE: a.action(false, func(context.Context, []string) error {
			fmt.Fprintf(a.Stdout, "loa %s\n", Version)
			return nil
		})}
}
