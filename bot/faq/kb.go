// Package faq holds Loa's FAQ knowledge base and the engine that matches a
// resident's free-text question to an entry, plus its evaluation harness.
package faq

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Entry is one question/answer pair of the knowledge base.
type Entry struct {
	ID        string   `yaml:"id"`
	Topic     string   `yaml:"topic"`
	Answer    string   `yaml:"answer"`
	Source    string   `yaml:"source"`
	Questions []string `yaml:"questions"`
	Related   []string `yaml:"related"`
	// AsOf is the day the answer was last checked against its sources
	// (YYYY-MM-DD). The files must carry it; entries curated in the
	// database may not (see Stale).
	AsOf string `yaml:"as_of"`
}

// Topic is a menu heading, localised per language.
type Topic struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
}

// KB is the knowledge base of one language.
type KB struct {
	Lang    string  `yaml:"lang"`
	Entries []Entry `yaml:"entries"`
	Topics  []Topic `yaml:"topics"`
	// Examples are labelled questions in this language that the engine
	// learns its ranking from (clf.go): the development sets' in-scope
	// cases, loaded by LoadFS. An example whose entry is gone is skipped.
	Examples []Example `yaml:"-"`
	// Outside are the development sets' questions no entry answers (gap
	// and out-of-scope cases) in this language: the classifier learns
	// from them what the KB does not cover (noneShare). A gap topic that
	// gets its entry must have its cases relabelled with the entry's id,
	// or they go on teaching that no entry answers them.
	Outside []Example `yaml:"-"`
}

// Example is a resident's question and the entry that answers it.
type Example struct {
	Q, Entry string
	From     string // the file it was read from
}

// Languages are the knowledge-base languages, the first being the default.
var Languages = []string{"vi", "en"}

// ErrInvalidKB marks every validation failure so callers can errors.Is it.
var ErrInvalidKB = errors.New("invalid FAQ knowledge base")

// LoadFS reads faq/<lang>.yaml for every language from fsys (normally
// locales.FS) and validates each file and their agreement on ids.
func LoadFS(fsys fs.FS) (map[string]*KB, error) {
	kbs := make(map[string]*KB, len(Languages))
	for _, lang := range Languages {
		kb, err := loadKB(fsys, lang)
		if err != nil {
			return nil, err
		}
		kbs[lang] = kb
	}
	if err := checkSameIDs(kbs); err != nil {
		return nil, err
	}
	if err := loadExamples(fsys, kbs); err != nil {
		return nil, err
	}
	// The files must say when each answer was last checked; entries
	// curated in the database (bot/faqsync) may not, so Validate does not
	// ask for it.
	for _, lang := range Languages {
		for _, e := range kbs[lang].Entries {
			if _, ok := e.AsOfTime(); !ok {
				return nil, fmt.Errorf("faq: faq/%s.yaml: entry %q: as_of %q is not a YYYY-MM-DD date: %w", lang, e.ID, e.AsOf, ErrInvalidKB)
			}
		}
	}
	return kbs, nil
}

// loadExamples gives each KB the in-scope cases of the development sets
// (DevFiles) written in its language, and their gap and out-of-scope
// cases as the questions outside it (KB.Outside). No development case may
// repeat a held-out question (TestNoHeldOutQuestionIsAnExample): learned,
// it would make that held-out case a test of memory.
func loadExamples(fsys fs.FS, kbs map[string]*KB) error {
	for _, name := range DevFiles {
		cases, err := LoadEvalFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // a KB alone (a test's, an operator's) learns nothing
		}
		if err != nil {
			return err
		}
		for _, c := range cases {
			kb := kbs[c.Lang]
			if kb != nil && (c.Kind == KindOOS || isInScope(c.Kind) && c.Row() == KindGap) {
				kb.Outside = append(kb.Outside, Example{Q: c.Q, From: name})
				continue
			}
			if kb == nil || !isInScope(c.Kind) || c.Expect == "" || strings.Contains(c.Expect, ":") {
				continue
			}
			kb.Examples = append(kb.Examples, Example{Q: c.Q, Entry: c.Expect, From: name})
		}
	}
	return nil
}

func loadKB(fsys fs.FS, lang string) (*KB, error) {
	name := path.Join("faq", lang+".yaml")
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("faq: read %s: %w", name, err)
	}
	var kb KB
	if err := yaml.Unmarshal(data, &kb); err != nil {
		return nil, fmt.Errorf("faq: parse %s: %w", name, err)
	}
	if kb.Lang == "" {
		kb.Lang = lang
	}
	if kb.Lang != lang {
		return nil, fmt.Errorf("faq: %s: lang %q, want %q: %w", name, kb.Lang, lang, ErrInvalidKB)
	}
	if err := kb.Validate(); err != nil {
		return nil, fmt.Errorf("faq: %s: %w", name, err)
	}
	return &kb, nil
}

// Validate checks one knowledge base on its own: ids unique and slug-like,
// topics known, answer, source and questions present, related ids existing.
func (kb *KB) Validate() error {
	if len(kb.Entries) == 0 {
		return fmt.Errorf("no entries: %w", ErrInvalidKB)
	}
	topics, err := topicSet(kb.Topics)
	if err != nil {
		return err
	}
	ids := make(map[string]bool, len(kb.Entries))
	for i := range kb.Entries {
		e := &kb.Entries[i]
		if err := checkEntry(e, topics); err != nil {
			return fmt.Errorf("entry #%d %q: %w", i+1, e.ID, err)
		}
		if ids[e.ID] {
			return fmt.Errorf("duplicate id %q: %w", e.ID, ErrInvalidKB)
		}
		ids[e.ID] = true
	}
	for _, e := range kb.Entries {
		for _, r := range e.Related {
			if !ids[r] || r == e.ID {
				return fmt.Errorf("entry %q: unknown related id %q: %w", e.ID, r, ErrInvalidKB)
			}
		}
	}
	return nil
}

func topicSet(ts []Topic) (map[string]bool, error) {
	if len(ts) == 0 {
		return nil, fmt.Errorf("no topics: %w", ErrInvalidKB)
	}
	set := make(map[string]bool, len(ts))
	for _, t := range ts {
		if !isSlug(t.ID) || strings.TrimSpace(t.Title) == "" {
			return nil, fmt.Errorf("topic %q: bad id or empty title: %w", t.ID, ErrInvalidKB)
		}
		if set[t.ID] {
			return nil, fmt.Errorf("duplicate topic %q: %w", t.ID, ErrInvalidKB)
		}
		set[t.ID] = true
	}
	return set, nil
}

func checkEntry(e *Entry, topics map[string]bool) error {
	switch {
	case !isSlug(e.ID):
		return fmt.Errorf("id must be an ascii slug: %w", ErrInvalidKB)
	case !topics[e.Topic]:
		return fmt.Errorf("unknown topic %q: %w", e.Topic, ErrInvalidKB)
	case strings.TrimSpace(e.Answer) == "":
		return fmt.Errorf("missing answer: %w", ErrInvalidKB)
	case strings.TrimSpace(e.Source) == "":
		return fmt.Errorf("missing source: %w", ErrInvalidKB)
	case len(e.Questions) == 0:
		return fmt.Errorf("no questions: %w", ErrInvalidKB)
	}
	for _, q := range e.Questions {
		if strings.TrimSpace(q) == "" {
			return fmt.Errorf("empty question: %w", ErrInvalidKB)
		}
	}
	return nil
}

func isSlug(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// checkSameIDs makes sure every language answers the same set of entries and
// offers the same topics, so switching language never loses an answer.
func checkSameIDs(kbs map[string]*KB) error {
	base := kbs[Languages[0]]
	for _, lang := range Languages[1:] {
		if d := diffIDs(entryIDs(base), entryIDs(kbs[lang])); d != "" {
			return fmt.Errorf("faq: entry ids differ between %s and %s: %s: %w", base.Lang, lang, d, ErrInvalidKB)
		}
		if d := diffIDs(topicIDs(base), topicIDs(kbs[lang])); d != "" {
			return fmt.Errorf("faq: topic ids differ between %s and %s: %s: %w", base.Lang, lang, d, ErrInvalidKB)
		}
	}
	return nil
}

func entryIDs(kb *KB) map[string]bool {
	m := make(map[string]bool, len(kb.Entries))
	for _, e := range kb.Entries {
		m[e.ID] = true
	}
	return m
}

func topicIDs(kb *KB) map[string]bool {
	m := make(map[string]bool, len(kb.Topics))
	for _, t := range kb.Topics {
		m[t.ID] = true
	}
	return m
}

// diffIDs describes ids only in a and only in b, sorted, or "" if equal.
func diffIDs(a, b map[string]bool) string {
	var onlyA, onlyB []string
	for id := range a {
		if !b[id] {
			onlyA = append(onlyA, id)
		}
	}
	for id := range b {
		if !a[id] {
			onlyB = append(onlyB, id)
		}
	}
	if len(onlyA) == 0 && len(onlyB) == 0 {
		return ""
	}
	sort.Strings(onlyA)
	sort.Strings(onlyB)
	return fmt.Sprintf("only in first %v, only in second %v", onlyA, onlyB)
}
