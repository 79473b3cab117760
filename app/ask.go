package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/l10n"
)

// askResult is the one JSON object `loa ask --json` prints.
type askResult struct {
	Answer      string   `json:"answer"`
	Fallback    bool     `json:"fallback"`
	Entry       string   `json:"entry"`
	Score       float64  `json:"score"`
	Suggestions []string `json:"suggestions"`
}

// loa ask [--lang vi|en] [--json] "question"
func newAskCmd(a *App) *cobra.Command {
	var lang string
	var asJSON bool
	c := &cobra.Command{Use: `ask [--lang vi|en] [--json] "question"`, Short: "answer a question from the FAQ, no database needed",
		Args: cobra.ArbitraryArgs, RunE: a.action(true, func(ctx context.Context, args []string) error {
			return askCmd(a, lang, asJSON, strings.TrimSpace(strings.Join(args, " ")))
		})}
	c.Flags().StringVar(&lang, "lang", "vi", "interface language: vi or en")
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return c
}

// askCmd answers a question from the FAQ files alone: no database needed.
func askCmd(a *App, lang string, asJSON bool, q string) error {
	if q == "" {
		return usageError{errors.New("give the question to ask")}
	}
	if !l10n.Valid(lang) {
		return usageError{fmt.Errorf("--lang %q: use vi or en", lang)}
	}
	kbs, cat, err := a.faqFilesAndText()
	if err != nil {
		return err
	}
	eng := faq.NewEngine(kbs)
	r := ask(eng, cat, lang, q)
	if asJSON {
		enc := json.NewEncoder(a.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	fmt.Fprintln(a.Stdout, r.Answer)
	for i, s := range r.Suggestions {
		if e := eng.Entry(lang, s); e != nil && len(e.Questions) > 0 {
			fmt.Fprintf(a.Stdout, "  %d. %s\n", i+1, e.Questions[0])
		}
	}
	return nil
}

func ask(eng *faq.Engine, cat *l10n.Catalog, lang, q string) askResult {
	res := eng.Answer(lang, q)
	if l10n.Valid(res.Lang) && !res.Fallback { // a fallback keeps the asker's language
		lang = res.Lang
	}
	out := askResult{Fallback: res.Fallback, Score: res.Score, Suggestions: []string{}}
	switch {
	case res.Entry != nil:
		out.Entry = res.Entry.ID
		out.Answer = res.Entry.Answer + "\n" + cat.Plain(lang, "source_line", "Source", res.Entry.Source)
	case len(res.Suggestions) > 0:
		out.Answer = cat.Plain(lang, "did_you_mean")
		for _, s := range res.Suggestions {
			out.Suggestions = append(out.Suggestions, s.ID)
		}
	default:
		out.Fallback = true
		out.Answer = cat.Plain(lang, "fallback", "Question", q, "HelpLine", cat.Plain(lang, "help_line"))
	}
	return out
}
