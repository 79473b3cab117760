package faq

import (
	"fmt"
	"io/fs"

	"go.yaml.in/yaml/v3"
)

// Evaluation kinds, as written in faq/eval.yaml.
const (
	KindAccented = "accented" // Vietnamese with diacritics
	KindPlain    = "plain"    // Vietnamese without diacritics, abbreviated or misspelt
	KindEnglish  = "english"
	KindOOS      = "oos" // out of scope: the engine should decline
)

// Kinds lists the evaluation kinds in report order.
var Kinds = []string{KindAccented, KindPlain, KindEnglish, KindOOS}

// EvalCase is one labelled question of the evaluation set.
type EvalCase struct {
	Q      string `yaml:"q"`
	Lang   string `yaml:"lang"`
	Kind   string `yaml:"kind"`
	Expect string `yaml:"expect"`
}

// EvalMiss records a case the engine got wrong.
type EvalMiss struct {
	Case  EvalCase
	Got   string // entry id answered, "" if declined
	Score float64
}

// EvalReport holds per-kind results. For KindOOS, Correct counts declines.
type EvalReport struct {
	Total   map[string]int
	Correct map[string]int
	Misses  []EvalMiss
}

// Accuracy is the share of correct cases of kind, 0 if there are none.
func (r EvalReport) Accuracy(kind string) float64 {
	if r.Total[kind] == 0 {
		return 0
	}
	return float64(r.Correct[kind]) / float64(r.Total[kind])
}

// LoadEval reads faq/eval.yaml.
func LoadEval(fsys fs.FS) ([]EvalCase, error) { return LoadEvalFile(fsys, "faq/eval.yaml") }

// LoadEvalFile reads a set of cases in eval.yaml's format (the held-out set
// is faq/heldout.yaml).
func LoadEvalFile(fsys fs.FS, name string) ([]EvalCase, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("faq: read eval set: %w", err)
	}
	var doc struct {
		Cases []EvalCase `yaml:"cases"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("faq: parse eval set: %w", err)
	}
	for i, c := range doc.Cases {
		if err := c.check(); err != nil {
			return nil, fmt.Errorf("faq: eval case #%d %q: %w", i+1, c.Q, err)
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
	case c.Kind == KindOOS && c.Expect != "":
		return fmt.Errorf("out-of-scope case expects %q: %w", c.Expect, ErrInvalidKB)
	case c.Kind != KindOOS && c.Expect == "":
		return fmt.Errorf("in-scope case without expect: %w", ErrInvalidKB)
	}
	for _, k := range Kinds {
		if c.Kind == k {
			return nil
		}
	}
	return fmt.Errorf("unknown kind %q: %w", c.Kind, ErrInvalidKB)
}

// Evaluate runs every case. An in-scope case is correct when the confident
// answer is the expected entry; an out-of-scope case when no entry is given
// (a suggestion list counts as declining, since nothing is asserted).
func Evaluate(e *Engine, cases []EvalCase) EvalReport {
	r := EvalReport{Total: map[string]int{}, Correct: map[string]int{}}
	for _, c := range cases {
		res := e.Answer(c.Lang, c.Q)
		got := ""
		if res.Entry != nil {
			got = res.Entry.ID
		}
		r.Total[c.Kind]++
		if got == c.Expect {
			r.Correct[c.Kind]++
			continue
		}
		r.Misses = append(r.Misses, EvalMiss{Case: c, Got: got, Score: res.Score})
	}
	return r
}
