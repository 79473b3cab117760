package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/l10n"
)

// askResult is the one JSON object `loa ask --json` prints.
type askResult struct {
	// Action is what the engine did first: answer, choices, decline,
	// smalltalk, locality or command (faq.Action*).
	Action      string   `json:"action"`
	Answer      string   `json:"answer"`
	Fallback    bool     `json:"fallback"`
	Entry       string   `json:"entry"`
	Score       float64  `json:"score"`
	Suggestions []string `json:"suggestions"`
	// Also are entries answering the other questions of the same message.
	Also []string `json:"also,omitempty"`
	// Command is the resident command a request in words names (faq.Command*).
	Command string `json:"command,omitempty"`
	// Decline is the reason of a decline (faq.Decline*).
	Decline string `json:"decline,omitempty"`
	// Wards are the codes of the units since 1/7/2025 a locality answer
	// names, the ones the bot offers to subscribe to.
	Wards []string `json:"wards,omitempty"`
}

// loa ask [--lang vi|en] [--json] "question"
func newAskCmd(a *App) *cobra.Command {
	var lang string
	var asJSON bool
	c := &cobra.Command{Use: `ask [--lang vi|en] [--json] "question"`, Short: "answer a question as the bot would (FAQ, declines, old ward → new ward), no database needed",
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
	for _, s := range r.Also {
		if e := eng.Entry(lang, s); e != nil && len(e.Questions) > 0 {
			fmt.Fprintf(a.Stdout, "  + %s\n", e.Questions[0])
		}
	}
	return nil
}

// ask answers q as the bot does, from the files and the seed data alone.
func ask(eng *faq.Engine, cat *l10n.Catalog, lang, q string) askResult {
	res := eng.Answer(lang, q)
	noMatch := res.Action == faq.ActionDecline && res.Decline == faq.DeclineNoMatch
	if l10n.Valid(res.Lang) && !noMatch { // no match keeps the asker's language
		lang = res.Lang
	}
	out := askResult{Action: string(res.Action), Fallback: res.Fallback, Score: res.Score, Suggestions: []string{}}
	help := cat.Plain(lang, "help_line")
	switch {
	case res.Action == faq.ActionAnswer && res.Entry != nil:
		out.Entry = res.Entry.ID
		out.Answer = res.Entry.Answer + "\n" + cat.Plain(lang, "source_line", "Source", res.Entry.Source)
		for _, e := range res.Also {
			out.Also = append(out.Also, e.ID)
		}
		if len(out.Also) > 0 {
			out.Answer += cat.Plain(lang, "answer_also")
		}
	case res.Action == faq.ActionChoices && len(res.Suggestions) > 0:
		out.Answer = cat.Plain(lang, "did_you_mean")
		for _, s := range res.Suggestions {
			out.Suggestions = append(out.Suggestions, s.ID)
		}
	case res.Action == faq.ActionSmalltalk:
		out.Answer = cat.Plain(lang, res.TextKey(), "HelpLine", help)
	case res.Action == faq.ActionLocality:
		if la, ok := conv.AnswerLocality(cat, lang, res.Locality, false); ok {
			out.Answer = la.Text
			for _, u := range la.Units {
				out.Wards = append(out.Wards, u.Code)
			}
		} else {
			// the bot searches the database for what it could not place;
			// the CLI has only the seed data
			out.Answer = cat.Plain(lang, "locality_ask")
		}
	case res.Action == faq.ActionCommand:
		// the bot runs the command; the CLI says which, as its menu does
		out.Command = res.Command
		out.Answer = "/" + res.Command + " — " + cat.Plain(lang, "cmd_"+res.Command)
	case res.Action == faq.ActionDecline && !noMatch:
		out.Decline = res.Decline
		out.Answer = cat.Plain(lang, res.TextKey(), "Province", res.Province, "HelpLine", help)
	default:
		out.Fallback, out.Action = true, string(faq.ActionDecline)
		out.Decline = faq.DeclineNoMatch
		out.Answer = cat.Plain(lang, "fallback", "Question", q, "HelpLine", help)
	}
	return out
}
