package faq

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Evaluation kinds, as written in faq/eval.yaml, dev.yaml and heldout.yaml.
const (
	KindAccented  = "accented" // Vietnamese with diacritics
	KindPlain     = "plain"    // Vietnamese without diacritics, abbreviated or misspelt
	KindEnglish   = "english"
	KindOOS       = "oos"       // out of scope: expect "", the engine should decline
	KindSmalltalk = "smalltalk" // expect smalltalk:greeting|thanks|about
	KindLocality  = "locality"  // expect locality:<former unit code or name>
	KindCommand   = "command"   // expect command:<name>, a request for one of Loa's functions
	// KindGap is not written in the files: an in-scope case whose expect is
	// "gap:<topic>" (no entry yet) is scored in this row instead of its kind.
	KindGap = "gap"
)

// Kinds lists the evaluation kinds in report order; KindGap is derived.
var Kinds = []string{KindAccented, KindPlain, KindEnglish, KindOOS, KindSmalltalk, KindLocality, KindCommand}

// InScope are the kinds whose expect is an entry id.
var InScope = []string{KindAccented, KindPlain, KindEnglish}

func isInScope(kind string) bool {
	for _, k := range InScope {
		if k == kind {
			return true
		}
	}
	return false
}

// Expect prefixes.
const (
	ExpectSmalltalk = "smalltalk:"
	ExpectLocality  = "locality:"
	ExpectGap       = "gap:"
	ExpectCommand   = "command:"
)

// EvalCase is one labelled question of an evaluation set.
type EvalCase struct {
	Q      string `yaml:"q"`
	Lang   string `yaml:"lang"`
	Kind   string `yaml:"kind"`
	Expect string `yaml:"expect"`
}

// Row is the report row a case counts in: its kind, or KindGap.
func (c EvalCase) Row() string {
	if strings.HasPrefix(c.Expect, ExpectGap) {
		return KindGap
	}
	return c.Kind
}

// EvalMiss records a case the engine got wrong.
type EvalMiss struct {
	Case  EvalCase
	Got   string // what the engine did first, in the Expect notation (see Got)
	Score float64
}

// EvalReport holds per-row results (rows are Kinds plus KindGap). For
// KindOOS, Correct counts declines; OOSAnswered counts out-of-scope cases
// given a confident entry, the worst failure, and OtherProvinceAnswered
// those of them that name another province or city (MentionsProvince).
//
// The in-scope misses are split by what the resident got instead, since a
// wrong answer is worse than none: another entry (Wrong), a "did you mean"
// (Choices) or no entry at all (NoAnswer: a decline, small talk, a
// command or a place).
type EvalReport struct {
	Total                 map[string]int
	Correct               map[string]int
	OOSAnswered           int
	OtherProvinceAnswered int
	Wrong, Choices        int
	NoAnswer              int
	// WrongOffered counts the wrong answers that offered the right entry
	// among their related buttons, one tap away.
	WrongOffered int
	Misses       []EvalMiss
}

// Accuracy is the share of correct cases of row, 0 if there are none.
func (r EvalReport) Accuracy(row string) float64 {
	if r.Total[row] == 0 {
		return 0
	}
	return float64(r.Correct[row]) / float64(r.Total[row])
}

// InScopeAccuracy is the share of correct accented, plain and English cases
// (gap cases excluded).
func (r EvalReport) InScopeAccuracy() (correct, total int) {
	for _, k := range InScope {
		correct += r.Correct[k]
		total += r.Total[k]
	}
	return correct, total
}

// LoadEval reads faq/eval.yaml.
func LoadEval(fsys fs.FS) ([]EvalCase, error) { return LoadEvalFile(fsys, EvalFile) }

// EvalFile is the evaluation set that keeps the targets (the first of
// DevFiles).
const EvalFile = "faq/eval.yaml"

// LoadEvalFile reads a set of cases in eval.yaml's format (the development
// set is faq/dev.yaml, the held-out set faq/heldout.yaml).
func LoadEvalFile(fsys fs.FS, name string) ([]EvalCase, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("faq: read eval set: %w", err)
	}
	var doc struct {
		Cases []EvalCase `yaml:"cases"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("faq: parse eval set %s: %w", name, err)
	}
	for i, c := range doc.Cases {
		// The question is left out of the error: the held-out set must not
		// be read by whoever tunes the engine.
		if err := c.check(); err != nil {
			return nil, fmt.Errorf("faq: %s case #%d: %w", name, i+1, err)
		}
	}
	return doc.Cases, nil
}

func (c EvalCase) check() error {
	switch {
	case c.Q == "":
		return fmt.Errorf("empty question: %w", ErrInvalidKB)
	case c.Lang != "vi" && c.Lang != "en":
		return fmt.Errorf("unknown lang %q: %w", c.Lang, ErrInvalidKB)
	}
	switch c.Kind {
	case KindOOS:
		if c.Expect != "" {
			return fmt.Errorf("out-of-scope case expects %q: %w", c.Expect, ErrInvalidKB)
		}
	case KindSmalltalk:
		switch strings.TrimPrefix(c.Expect, ExpectSmalltalk) {
		case SmalltalkGreeting, SmalltalkThanks, SmalltalkAbout:
			if strings.HasPrefix(c.Expect, ExpectSmalltalk) {
				return nil
			}
		}
		return fmt.Errorf("smalltalk case expects %q: %w", c.Expect, ErrInvalidKB)
	case KindLocality:
		if !strings.HasPrefix(c.Expect, ExpectLocality) || len(c.Expect) == len(ExpectLocality) {
			return fmt.Errorf("locality case expects %q: %w", c.Expect, ErrInvalidKB)
		}
	case KindCommand:
		if !slices.Contains(SelfCommands, strings.TrimPrefix(c.Expect, ExpectCommand)) ||
			!strings.HasPrefix(c.Expect, ExpectCommand) {
			return fmt.Errorf("command case expects %q: %w", c.Expect, ErrInvalidKB)
		}
	case KindAccented, KindPlain, KindEnglish:
		if c.Expect == "" {
			return fmt.Errorf("in-scope case without expect: %w", ErrInvalidKB)
		}
	default:
		return fmt.Errorf("unknown kind %q: %w", c.Kind, ErrInvalidKB)
	}
	return nil
}

// Got writes the engine's first action in the Expect notation: the entry
// id, "choices:<first id>", "" for a decline, "smalltalk:<kind>" or
// "locality:<place text>" or "command:<name>".
func Got(res Result) string {
	switch res.Action {
	case ActionAnswer:
		return res.Entry.ID
	case ActionChoices:
		return "choices:" + res.Suggestions[0].ID
	case ActionSmalltalk:
		return ExpectSmalltalk + res.Smalltalk
	case ActionLocality:
		return ExpectLocality + res.Locality.Text
	case ActionCommand:
		return ExpectCommand + res.Command
	}
	return ""
}

// Right scores one case on the engine's first action: an in-scope case
// wants its entry answered directly ("did you mean" is wrong); an
// out-of-scope case a decline; smalltalk the right kind; locality the
// locality intent, whatever place it read; a request its command. A gap
// case (no entry yet) is right when the engine does not answer it
// confidently with an entry, or answers with an entry whose id names the
// gap's topic.
func Right(c EvalCase, res Result) bool {
	switch {
	case strings.HasPrefix(c.Expect, ExpectGap):
		topic := strings.TrimPrefix(c.Expect, ExpectGap)
		return res.Action != ActionAnswer || topic != "" && strings.Contains(res.Entry.ID, topic)
	case c.Kind == KindOOS:
		return res.Action == ActionDecline
	case helpOrAbout(c.Expect) && helpOrAbout(Got(res)):
		// "what can you do": the writers label it either way, and both
		// replies say what Loa does (the about reply in a sentence, the
		// help reply as the list of commands)
		return true
	case c.Kind == KindSmalltalk:
		return res.Action == ActionSmalltalk && ExpectSmalltalk+res.Smalltalk == c.Expect
	case c.Kind == KindLocality:
		return res.Action == ActionLocality
	case c.Kind == KindCommand:
		return res.Action == ActionCommand && ExpectCommand+res.Command == c.Expect
	}
	return res.Action == ActionAnswer && res.Entry.ID == c.Expect
}

func helpOrAbout(label string) bool {
	return label == ExpectCommand+CommandHelp || label == ExpectSmalltalk+"about"
}

// Evaluate runs every case and scores it with Right.
func Evaluate(e *Engine, cases []EvalCase) EvalReport {
	r := EvalReport{Total: map[string]int{}, Correct: map[string]int{}}
	for _, c := range cases {
		res := e.Answer(c.Lang, c.Q)
		row := c.Row()
		r.Total[row]++
		if c.Kind == KindOOS && res.Action == ActionAnswer {
			r.OOSAnswered++
			if MentionsProvince(c.Q) {
				r.OtherProvinceAnswered++
			}
		}
		if Right(c, res) {
			r.Correct[row]++
			continue
		}
		if isInScope(row) {
			r.countMiss(c, res)
		}
		r.Misses = append(r.Misses, EvalMiss{Case: c, Got: Got(res), Score: res.Score})
	}
	return r
}

// add counts o's cases in r as well.
func (r *EvalReport) add(o EvalReport) {
	for k, v := range o.Total {
		r.Total[k] += v
	}
	for k, v := range o.Correct {
		r.Correct[k] += v
	}
	r.OOSAnswered += o.OOSAnswered
	r.OtherProvinceAnswered += o.OtherProvinceAnswered
	r.Wrong += o.Wrong
	r.Choices += o.Choices
	r.NoAnswer += o.NoAnswer
	r.WrongOffered += o.WrongOffered
	r.Misses = append(r.Misses, o.Misses...)
}

// countMiss files an in-scope miss under what the resident got instead.
func (r *EvalReport) countMiss(c EvalCase, res Result) {
	switch res.Action {
	case ActionAnswer:
		r.Wrong++
		if slices.ContainsFunc(res.Related, func(e *Entry) bool { return e.ID == c.Expect }) {
			r.WrongOffered++
		}
	case ActionChoices:
		r.Choices++
	default:
		r.NoAnswer++
	}
}

// MentionsProvince says whether a question names a province or city other
// than Hà Nội, by its name since the 2025 merger or a former one, as a
// plain word match on the folded text. It is the scorer's own check, apart
// from the engine's (otherProvince, with its exceptions), so that the
// bench can say how many confident answers went to another province
// without anyone reading the held-out questions. A Hanoi commune that
// shares a province's name counts too: it errs towards counting.
func MentionsProvince(q string) bool {
	words := strings.Fields(Fold(q))
	for _, c := range provinceNames() {
		for i := 0; i+len(c) <= len(words); i++ {
			if slices.Equal(words[i:i+len(c)], c) {
				return true
			}
		}
	}
	return false
}

// provinceNames are the folded words of every province's name but Hà
// Nội's, new and former, made once.
var provinceNames = sync.OnceValue(func() [][]string {
	var out [][]string
	for _, pr := range placeTables().provinces {
		for _, name := range append([]string{pr.Name}, pr.Former...) {
			if c := strings.Fields(core(Fold(name))); len(c) > 0 && strings.Join(c, " ") != "ha noi" {
				out = append(out, c)
			}
		}
	}
	return out
})
