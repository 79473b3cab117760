package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/fold"
)

// loa faq unanswered [--days N] [--limit N] [--locale vi|en] [--eval]
//
// The unanswered report of the console, for curators at a terminal; with
// --eval, the same questions as a development set to label, so that what
// residents really asked grows the sets the engine is tuned on.
func newFAQUnansweredCmd(a *App) *cobra.Command {
	var days, limit int
	var locale string
	var asEval bool
	cmd := &cobra.Command{Use: "unanswered [--days N] [--limit N] [--locale vi|en] [--eval]",
		Short: "list the questions Loa did not answer (numbers masked), or write them as a development set to label",
		Args:  noArgs}
	cmd.RunE = a.action(true, func(ctx context.Context, _ []string) error {
		switch {
		case days <= 0:
			return usageError{fmt.Errorf("--days %d: give a positive number of days", days)}
		case limit <= 0 || limit > 1000:
			return usageError{fmt.Errorf("--limit %d: give a number from 1 to 1000", limit)}
		case locale != "" && locale != "vi" && locale != "en":
			return usageError{fmt.Errorf("--locale %q: use vi or en", locale)}
		}
		st, err := a.Store(ctx, true)
		if err != nil {
			return err
		}
		groups, err := st.UnansweredQuestions(ctx, store.UnansweredFilter{
			Since: time.Now().Add(-time.Duration(days) * 24 * time.Hour), Locale: locale, Limit: limit})
		if err != nil {
			return err
		}
		if asEval {
			kbs, _, err := a.faqFilesAndText()
			if err != nil {
				return err
			}
			return writeUnansweredEval(a.Stdout, faq.NewEngine(kbs), groups, time.Now())
		}
		return writeUnanswered(a.Stdout, groups, days)
	})
	f := cmd.Flags()
	f.IntVar(&days, "days", 30, "look back this many days")
	f.IntVar(&limit, "limit", 100, "at most this many groups, most asked first")
	f.StringVar(&locale, "locale", "", "only questions asked in vi or en")
	f.BoolVar(&asEval, "eval", false, "print a development set (locales/faq/devN.yaml format) to label")
	return cmd
}

func writeUnanswered(w io.Writer, groups []store.UnansweredGroup, days int) error {
	fmt.Fprintf(w, "%d questions Loa did not answer in the last %d days, most asked first.\n", len(groups), days)
	if len(groups) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "asked\tno answer\tlocale\tlast seen\tquestion\t")
	for _, g := range groups {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t\n", g.Count, g.Fallbacks, g.Locale, g.LastSeen.Format("2006-01-02"), oneLine(g.Example))
	}
	return tw.Flush()
}

// writeUnansweredEval writes the groups as evaluation cases whose expect is
// "?" until a curator labels them (the dev tests reject "?", so a file
// cannot be added unlabelled). The kind is guessed from the language and
// the diacritics; each line says how often it was asked and what Loa did.
func writeUnansweredEval(w io.Writer, e *faq.Engine, groups []store.UnansweredGroup, now time.Time) error {
	fmt.Fprintf(w, "# Unanswered questions from the question log, exported %s by `loa faq unanswered --eval`.\n", now.UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintln(w, "# Label each expect: an entry id, gap:<topic> when no entry covers it, or \"\" with kind oos;")
	fmt.Fprintln(w, "# fix the kind if the guess is wrong, then add the file to DevFiles. Curators have read it: it is a development set, never held out.")
	fmt.Fprintln(w, "cases:")
	for _, g := range groups {
		q := oneLine(g.Example)
		line, err := json.Marshal(q) // a JSON string is a YAML double-quoted scalar
		if err != nil {
			return fmt.Errorf("faq unanswered: %w", err)
		}
		res := e.Answer(g.Locale, q)
		fmt.Fprintf(w, "  - {q: %s, lang: %s, kind: %s, expect: \"?\"}  # asked %d×; Loa now: %s\n",
			line, g.Locale, guessKind(g.Locale, q), g.Count, loaNow(res))
	}
	return nil
}

func guessKind(locale, q string) string {
	switch {
	case locale == "en":
		return faq.KindEnglish
	case fold.HasMarks(q):
		return faq.KindAccented
	}
	return faq.KindPlain
}

// loaNow says in the eval notation what today's engine does with q, as a
// hint for the label (it may have changed since the question was logged).
func loaNow(res faq.Result) string {
	if got := faq.Got(res); got != "" {
		return got
	}
	return "declines"
}

// oneLine keeps a question on one line of the table or the YAML list.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
