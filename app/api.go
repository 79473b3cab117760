package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/web/api"
)

// mountAPI serves the staff API (/api/v1, /api/openapi.json) on the web mux.
func (a *App) mountAPI(ctx context.Context, mux *http.ServeMux) error {
	st, rdb, err := a.connect(ctx)
	if err != nil {
		return err
	}
	d := api.Deps{Store: st, Redis: rdb, Key: a.Cfg.Key(), BotUsername: a.Cfg.BotUsername,
		TwoPersonRule: a.Cfg.TwoPersonRule, Timezone: a.Cfg.Timezone, Log: a.Log.With("component", "api")}
	// test sends go to the staff member's own chat, in the sandbox under `loa dev`
	if d.Sender, err = a.telegramSender(false); err != nil {
		return fmt.Errorf("api test sender: %w", err)
	}
	// pause/cancel go through the engine, which tells every worker within a second
	if d.Runs, err = a.engine(ctx, false); err != nil {
		return err
	}
	api.New(d).Mount(mux)
	return nil
}

// cmdStaff manages staff from the console: the operator is the audit actor.
func cmdStaff(ctx context.Context, a *App, args []string) error {
	usage := errors.New("usage: loa staff add --name N --role R [--agency CODE] | list | revoke --token-prefix P | --id N | link --id N")
	if len(args) == 0 {
		return usage
	}
	st, err := a.Store(ctx, true)
	if err != nil {
		return err
	}
	switch args[0] {
	case "add":
		return staffAdd(ctx, a, st, args[1:])
	case "list":
		return staffList(ctx, a, st)
	case "revoke":
		return staffRevoke(ctx, a, st, args[1:])
	case "link":
		return staffLink(ctx, a, st, args[1:])
	}
	return usage
}

func staffAdd(ctx context.Context, a *App, st *store.Store, args []string) error {
	fs := newFlags("staff add", a)
	name := fs.String("name", "", "the staff member's name")
	role := fs.String("role", "", "one of "+strings.Join(store.Roles, ", "))
	agency := fs.String("agency", "", "agency code (agency_manager only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" || *role == "" {
		return errors.New("--name and --role are required")
	}
	if !slices.Contains(store.Roles, *role) {
		return fmt.Errorf("role %q: use one of %s", *role, strings.Join(store.Roles, ", "))
	}
	if (*role == store.RoleAgencyManager) != (*agency != "") {
		return errors.New("--agency is required for agency_manager and refused for other roles")
	}
	s, token, err := st.CreateStaff(ctx, store.CLIActor, store.NewStaff{Name: *name, Role: *role, AgencyCode: *agency})
	if err != nil {
		return fmt.Errorf("add staff: %w", err)
	}
	fmt.Fprintf(a.Stdout, "staff #%d %s (%s) added.\n\nAPI token (shown once, store it now):\n\n  %s\n\n", s.ID, s.Name, s.Role, token)
	fmt.Fprintf(a.Stdout, "Use it as: curl -H 'Authorization: Bearer %s' ...\n", token)
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

func staffRevoke(ctx context.Context, a *App, st *store.Store, args []string) error {
	fs := newFlags("staff revoke", a)
	prefix := fs.String("token-prefix", "", "revoke the token with this prefix (as `loa staff list` shows it)")
	id := fs.Int64("id", 0, "revoke every token of this staff member")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*prefix == "") == (*id == 0) {
		return errors.New("give exactly one of --token-prefix or --id")
	}
	n, err := st.RevokeTokens(ctx, store.CLIActor, strings.TrimSuffix(*prefix, "…"), *id)
	if err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	fmt.Fprintf(a.Stdout, "%d token(s) revoked\n", n)
	return nil
}

func staffLink(ctx context.Context, a *App, st *store.Store, args []string) error {
	fs := newFlags("staff link", a)
	id := fs.Int64("id", 0, "staff member id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id == 0 {
		return errors.New("--id is required")
	}
	code, exp, err := st.CreateLinkCode(ctx, store.CLIActor, *id)
	if err != nil {
		return fmt.Errorf("link code: %w", err)
	}
	fmt.Fprintf(a.Stdout, "Send this to @%s from the staff member's Telegram account before %s:\n\n  /link %s\n",
		a.Cfg.BotUsername, exp.In(a.Cfg.Timezone).Format("2006-01-02 15:04"), code)
	return nil
}
