package app

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/faqsync"
	"github.com/loa-vn/loa/store"
)

// loa faq stale [--older-than DAYS] [--files] [--json]
func newFAQCmd(a *App) *cobra.Command {
	var days int
	var filesOnly, asJSON bool
	stale := &cobra.Command{Use: "stale [--older-than DAYS] [--files] [--json]",
		Short: "list FAQ entries whose \"as of\" date is older than LOA_FAQ_STALE_DAYS (or --older-than), to recheck",
		Args:  noArgs}
	stale.RunE = a.action(true, func(ctx context.Context, _ []string) error {
		if !stale.Flags().Changed("older-than") {
			days = a.Cfg.FAQStaleDays
		}
		if days <= 0 {
			return usageError{fmt.Errorf("--older-than %d: give a positive number of days", days)}
		}
		return a.faqStale(ctx, days, filesOnly, asJSON)
	})
	f := stale.Flags()
	f.IntVar(&days, "older-than", 0, "age in days (default LOA_FAQ_STALE_DAYS)")
	f.BoolVar(&filesOnly, "files", false, "read only the FAQ files in locales/faq, not the curated entries in the database")
	f.BoolVar(&asJSON, "json", false, "print one JSON array")
	return group("faq", "FAQ maintenance (stale, unanswered)", stale, newFAQUnansweredCmd(a))
}

// staleRow is one line of `loa faq stale` (and one object of --json).
type staleRow struct {
	Lang    string `json:"locale"`
	ID      string `json:"key"`
	AsOf    string `json:"as_of"`
	AgeDays int    `json:"age_days,omitempty"`
}

// faqStale lists the entries the bot answers with (the database's active
// entries over the files, as the bot builds them) whose review date is
// older than days, or missing. Without a database it says so and reads the
// files.
func (a *App) faqStale(ctx context.Context, days int, filesOnly, asJSON bool) error {
	kbs, _, err := a.faqFilesAndText()
	if err != nil {
		return err
	}
	from := "the FAQ files and the curated entries in the database"
	if filesOnly {
		from = "the FAQ files (--files)"
	} else if rows, err := a.activeFAQ(ctx); err != nil {
		fmt.Fprintf(a.Stderr, "loa: the database is not reachable (%v); listing the FAQ files only\n", err)
		from = "the FAQ files only (no database)"
	} else {
		kbs = faqsync.Build(rows, kbs)
	}
	var out []staleRow
	for _, e := range faq.Stale(kbs, time.Now(), time.Duration(days)*24*time.Hour) {
		r := staleRow{Lang: e.Lang, ID: e.ID}
		if !e.AsOf.IsZero() {
			r.AsOf, r.AgeDays = e.AsOf.Format(faq.AsOfLayout), int(e.Age/(24*time.Hour))
		}
		out = append(out, r)
	}
	if asJSON {
		if out == nil {
			out = []staleRow{}
		}
		enc := json.NewEncoder(a.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	fmt.Fprintf(a.Stdout, "%d entries of %s are older than %d days or have no \"as of\" date.\n", len(out), from, days)
	if len(out) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "locale\tkey\tas of\tage (days)\t")
	for _, r := range out {
		asOf, age := r.AsOf, fmt.Sprint(r.AgeDays)
		if asOf == "" {
			asOf, age = "(none)", "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", r.Lang, r.ID, asOf, age)
	}
	return tw.Flush()
}

// activeFAQ reads the curated entries, with a short timeout: the command
// falls back to the files when the database does not answer.
func (a *App) activeFAQ(ctx context.Context) ([]store.FAQEntry, error) {
	if a.Cfg.DatabaseURL == "" {
		return nil, fmt.Errorf("DATABASE_URL is not set")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	st, err := a.Store(ctx, true)
	if err != nil {
		return nil, err
	}
	return st.ListFAQ(ctx, store.FAQFilter{Status: store.FAQActive})
}
