// Package faqsync keeps the bot's FAQ engine in step with faq_entries, the
// table staff curate through the API: the files in locales/faq seed it once,
// and every running bot rebuilds its engine within seconds of an edit,
// without a restart.
package faqsync

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/store"
)

// SeedFromFiles inserts the file entries the table does not have yet and
// returns how many. It is idempotent and never overwrites staff edits.
func SeedFromFiles(ctx context.Context, st *store.Store, kbs map[string]*faq.KB) (int, error) {
	var in []store.FAQInput
	for lang, kb := range kbs {
		for _, e := range kb.Entries {
			in = append(in, store.FAQInput{Key: e.ID, Locale: lang, Topic: e.Topic, Questions: e.Questions,
				Answer: e.Answer, Source: e.Source, Related: e.Related})
		}
	}
	n, err := st.SeedFAQ(ctx, in)
	if err != nil {
		return 0, fmt.Errorf("faqsync: seed: %w", err)
	}
	return n, nil
}

// PollEvery is how often a Source checks the table for changes.
const PollEvery = 2 * time.Second

// Source holds the current engine. Current is lock-free, so answering a
// question never waits for a rebuild.
type Source struct {
	st    *store.Store
	files map[string]*faq.KB
	log   *slog.Logger
	cur   atomic.Pointer[faq.Engine]
	ver   store.FAQVersion
}

// NewSource builds the first engine: from the table, or from the files when
// the table is empty or cannot be read (the bot still answers).
func NewSource(ctx context.Context, st *store.Store, files map[string]*faq.KB, log *slog.Logger) *Source {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Source{st: st, files: files, log: log}
	s.cur.Store(faq.NewEngine(files))
	if _, err := s.Refresh(ctx); err != nil {
		log.Warn("faqsync: using the FAQ files until the database answers", "err", err)
	}
	return s
}

// Current is the engine to answer with now.
func (s *Source) Current() *faq.Engine { return s.cur.Load() }

// Run polls until ctx ends.
func (s *Source) Run(ctx context.Context) {
	t := time.NewTicker(PollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Refresh(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("faqsync: refresh", "err", err)
			}
		}
	}
}

// Refresh rebuilds the engine if the table changed since the last build
// (max(updated_at) and count(*) move on every insert, edit and retirement)
// and reports whether it did.
func (s *Source) Refresh(ctx context.Context) (bool, error) {
	v, err := s.st.FAQVersion(ctx)
	if err != nil {
		return false, err
	}
	if v.Count == s.ver.Count && sameTime(v.MaxUpdated, s.ver.MaxUpdated) {
		return false, nil
	}
	rows, err := s.st.ListFAQ(ctx, store.FAQFilter{Status: store.FAQActive})
	if err != nil {
		return false, err
	}
	kbs := Build(rows, s.files)
	for lang, kb := range kbs {
		if err := kb.Validate(); err != nil {
			// keep answering with the previous engine rather than a broken one
			return false, fmt.Errorf("faqsync: %s knowledge base from the database: %w", lang, err)
		}
	}
	s.cur.Store(faq.NewEngine(kbs))
	s.ver = v
	s.log.Info("faqsync: FAQ engine rebuilt", "entries", len(rows))
	return true, nil
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// Build turns active rows into knowledge bases. A language with no active
// row keeps its files. Topics come from the files; a topic staff invented
// gets its id as title. Related keys that are not active are dropped.
func Build(rows []store.FAQEntry, files map[string]*faq.KB) map[string]*faq.KB {
	by := map[string][]store.FAQEntry{}
	for _, r := range rows {
		by[r.Locale] = append(by[r.Locale], r)
	}
	out := map[string]*faq.KB{}
	for _, lang := range faq.Languages {
		if len(by[lang]) == 0 {
			if files[lang] != nil {
				out[lang] = files[lang]
			}
			continue
		}
		out[lang] = buildKB(lang, by[lang], files[lang])
	}
	return out
}

func buildKB(lang string, rows []store.FAQEntry, file *faq.KB) *faq.KB {
	kb := &faq.KB{Lang: lang}
	known := map[string]bool{}
	if file != nil {
		// the labelled questions the engine learns its ranking from, and
		// those it learns no entry answers, stay with the curated entries:
		// an example whose key is gone is skipped
		kb.Examples, kb.Outside = file.Examples, file.Outside
		kb.Topics = append(kb.Topics, file.Topics...)
		for _, t := range file.Topics {
			known[t.ID] = true
		}
	}
	active := map[string]bool{}
	for _, r := range rows {
		active[r.Key] = true
	}
	fileEntries := map[string]*faq.Entry{}
	if file != nil {
		for i := range file.Entries {
			fileEntries[file.Entries[i].ID] = &file.Entries[i]
		}
	}
	for _, r := range rows {
		if !known[r.Topic] {
			kb.Topics = append(kb.Topics, faq.Topic{ID: r.Topic, Title: r.Topic})
			known[r.Topic] = true
		}
		var rel []string
		for _, k := range r.Related {
			if active[k] && k != r.Key {
				rel = append(rel, k)
			}
		}
		kb.Entries = append(kb.Entries, faq.Entry{ID: r.Key, Topic: r.Topic, Answer: r.Answer, Source: r.Source,
			Questions: append([]string(nil), r.Questions...), Related: rel, AsOf: asOf(r, fileEntries[r.Key])})
	}
	return kb
}

// asOf is the review date of a row: the file's as_of while the row still
// holds the file's answer and source; the day of the last edit once staff
// changed it (they checked it then); "" (unknown, listed first by
// faq.Stale) for a row that differs from the files without a staff edit,
// such as one seeded from an older release of them.
func asOf(r store.FAQEntry, file *faq.Entry) string {
	if file != nil && strings.TrimSpace(file.Answer) == r.Answer && strings.TrimSpace(file.Source) == r.Source {
		return file.AsOf
	}
	if r.UpdatedBy != nil || r.UpdatedAt.After(r.CreatedAt) {
		return r.UpdatedAt.Format(faq.AsOfLayout)
	}
	return ""
}
