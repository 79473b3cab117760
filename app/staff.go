package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/web/console"
)

// loa staff add|list|revoke|link: staff accounts from the console; the
// operator is the audit actor.
func newStaffCmd(a *App) *cobra.Command {
	withStore := func(f func(ctx context.Context, st *store.Store) error) func(*cobra.Command, []string) error {
		return a.action(true, func(ctx context.Context, _ []string) error {
			st, err := a.Store(ctx, true)
			if err != nil {
				return err
			}
			return f(ctx, st)
		})
	}
	var name, role, agency, prefix string
	var revokeID, linkID int64
	add := &cobra.Command{Use: "add --name N --role R [--agency CODE]", Short: "add a staff member and print their API token (shown once)",
		Args: noArgs, RunE: withStore(func(ctx context.Context, st *store.Store) error { return staffAdd(ctx, a, st, name, role, agency) })}
	add.Flags().StringVar(&name, "name", "", "the staff member's name")
	add.Flags().StringVar(&role, "role", "", "one of "+strings.Join(store.Roles, ", "))
	add.Flags().StringVar(&agency, "agency", "", "agency code (agency_manager only)")
	_ = add.MarkFlagRequired("name")
	_ = add.MarkFlagRequired("role")
	list := &cobra.Command{Use: "list", Short: "list staff, their roles and tokens", Args: noArgs,
		RunE: withStore(func(ctx context.Context, st *store.Store) error { return staffList(ctx, a, st) })}
	revoke := &cobra.Command{Use: "revoke --token-prefix P | --id N", Short: "revoke one token, or every token of a staff member",
		Args: noArgs, RunE: withStore(func(ctx context.Context, st *store.Store) error { return staffRevoke(ctx, a, st, prefix, revokeID) })}
	revoke.Flags().StringVar(&prefix, "token-prefix", "", "revoke the token with this prefix (as `loa staff list` shows it)")
	revoke.Flags().Int64Var(&revokeID, "id", 0, "revoke every token of this staff member")
	link := &cobra.Command{Use: "link --id N", Short: "print a code that links a staff member's Telegram account",
		Args: noArgs, RunE: withStore(func(ctx context.Context, st *store.Store) error { return staffLink(ctx, a, st, linkID) })}
	link.Flags().Int64Var(&linkID, "id", 0, "staff member id")
	first := &cobra.Command{Use: "first-admin", Short: "print the console's address and, while no admin has a console password, a one-time sign-in link for a first admin",
		Args: noArgs, RunE: withStore(func(ctx context.Context, st *store.Store) error { return staffFirstAdmin(ctx, a, st) })}
	return group("staff", "staff accounts, console sign-in links and API tokens (a token is shown once and stored hashed)",
		add, list, revoke, link, first)
}

func staffAdd(ctx context.Context, a *App, st *store.Store, name, role, agency string) error {
	if name == "" || role == "" {
		return usageError{errors.New("--name and --role are required")}
	}
	if !slices.Contains(store.Roles, role) {
		return usageError{fmt.Errorf("role %q: use one of %s", role, strings.Join(store.Roles, ", "))}
	}
	if (role == store.RoleAgencyManager) != (agency != "") {
		return usageError{errors.New("--agency is required for agency_manager and refused for other roles")}
	}
	s, token, err := st.CreateStaff(ctx, store.CLIActor, store.NewStaff{Name: name, Role: role, AgencyCode: agency})
	if err != nil {
		return fmt.Errorf("add staff: %w", err)
	}
	fmt.Fprintf(a.Stdout, "staff #%d %s (%s) added.\n\nAPI token (shown once, store it now):\n\n  %s\n\n", s.ID, s.Name, s.Role, token)
	fmt.Fprintf(a.Stdout, "Use it as: curl -H 'Authorization: Bearer %s' ...\n", token)
	pl, err := st.CreatePasswordLink(ctx, store.CLIActor, s.ID, "")
	if err != nil {
		return fmt.Errorf("console link: %w", err)
	}
	fmt.Fprintf(a.Stdout, "\nConsole: %s signs in as %q after choosing a password at this one-time link (until %s):\n\n  %s\n",
		s.Name, pl.Login, pl.ExpiresAt.In(a.Cfg.Timezone).Format("02/01/2006 15:04"), console.SetPasswordURL(a.consoleBase(), pl.Token))
	return nil
}

// firstAdminName and firstAdminLogin name the admin `loa staff first-admin` makes.
const (
	firstAdminName  = "Quản trị viên"
	firstAdminLogin = "admin"
)

// staffFirstAdmin prints where the console is and how to get in. While no
// admin has set a console password it prints a one-time link (a new one each
// time: the older stops working) for the first admin, whom it creates if
// there is none; once one has, it prints no link at all. The link is written
// to this terminal only, never to a log.
func staffFirstAdmin(ctx context.Context, a *App, st *store.Store) error {
	base := a.consoleBase()
	fmt.Fprintf(a.Stdout, "Console: %s\n", console.SignInURL(base))
	admin, cred, err := st.FirstConsoleAdmin(ctx)
	switch {
	case err == nil && cred.PasswordHash != nil:
		fmt.Fprintf(a.Stdout, "Sign in as %q (%s); an admin makes new set-password links on the Staff page.\n", cred.Login, admin.Name)
		return nil
	case err == nil:
	case errors.Is(err, store.ErrNotFound):
		admin, _, err = st.CreateConsoleStaff(ctx, store.CLIActor, store.NewStaff{Name: firstAdminName, Role: store.RoleAdmin}, firstAdminLogin)
		if err != nil {
			return fmt.Errorf("first admin: %w", err)
		}
	default:
		return err
	}
	pl, err := st.CreatePasswordLink(ctx, store.CLIActor, admin.ID, "")
	if err != nil {
		return fmt.Errorf("first admin link: %w", err)
	}
	fmt.Fprintf(a.Stdout, "First admin %q: open this one-time link to choose a password (until %s), then enrol the second factor:\n\n  %s\n\n",
		pl.Login, pl.ExpiresAt.In(a.Cfg.Timezone).Format("02/01/2006 15:04"), console.SetPasswordURL(base, pl.Token))
	return nil
}

func staffList(ctx context.Context, a *App, st *store.Store) error {
	list, err := st.ListStaff(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tAGENCY\tTELEGRAM\tSTATUS\tTOKENS")
	for _, s := range list {
		var toks []string
		for _, t := range s.Tokens {
			if t.RevokedAt == nil {
				toks = append(toks, t.Prefix+"…")
			}
		}
		status := "active"
		if s.DisabledAt != nil {
			status = "disabled"
		}
		linked := "no"
		if s.Linked() {
			linked = "linked"
		}
		agency := "-"
		if s.AgencyCode != nil {
			agency = *s.AgencyCode
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Name, s.Role, agency, linked, status, strings.Join(toks, " "))
	}
	return tw.Flush()
}

func staffRevoke(ctx context.Context, a *App, st *store.Store, prefix string, id int64) error {
	if (prefix == "") == (id == 0) {
		return usageError{errors.New("give exactly one of --token-prefix or --id")}
	}
	n, err := st.RevokeTokens(ctx, store.CLIActor, strings.TrimSuffix(prefix, "…"), id)
	if err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	fmt.Fprintf(a.Stdout, "%d token(s) revoked\n", n)
	return nil
}

func staffLink(ctx context.Context, a *App, st *store.Store, id int64) error {
	if id <= 0 {
		return usageError{errors.New("--id is required")}
	}
	botName, err := a.botUsername(ctx)
	if err != nil {
		return err
	}
	code, exp, err := st.CreateLinkCode(ctx, store.CLIActor, id)
	if err != nil {
		return fmt.Errorf("link code: %w", err)
	}
	fmt.Fprintf(a.Stdout, "Send this to @%s from the staff member's Telegram account before %s:\n\n  /link %s\n",
		botName, exp.In(a.Cfg.Timezone).Format("2006-01-02 15:04"), code)
	return nil
}
