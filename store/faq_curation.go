package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/loa-vn/loa/bot/faq"
)

// FAQ entry statuses.
const (
	FAQActive  = "active"
	FAQRetired = "retired"
)

// FAQEntry is one curated answer in one locale.
type FAQEntry struct {
	ID        int64          `db:"id" json:"id"`
	Key       string         `db:"key" json:"key"`
	Locale    string         `db:"locale" json:"locale"`
	Topic     string         `db:"topic" json:"topic"`
	Questions pq.StringArray `db:"questions" json:"questions"`
	Answer    string         `db:"answer" json:"answer"`
	Source    string         `db:"source" json:"source"`
	Related   pq.StringArray `db:"related" json:"related"`
	Status    string         `db:"status" json:"status"`
	UpdatedBy *int64         `db:"updated_by" json:"updated_by,omitempty"`
	CreatedAt time.Time      `db:"created_at" json:"created_at"`
	UpdatedAt time.Time      `db:"updated_at" json:"updated_at"`
}

const faqCols = `id, key, locale, topic, questions, answer, source, related, status, updated_by, created_at, updated_at`

// FAQInput is what staff write.
type FAQInput struct {
	Key       string
	Locale    string
	Topic     string
	Questions []string
	Answer    string
	Source    string
	Related   []string
}

func (in FAQInput) clean() FAQInput {
	in.Answer = strings.TrimSpace(in.Answer)
	in.Source = strings.TrimSpace(in.Source)
	qs := make([]string, 0, len(in.Questions))
	for _, q := range in.Questions {
		if q = strings.TrimSpace(q); q != "" {
			qs = append(qs, q)
		}
	}
	in.Questions = qs
	if in.Related == nil {
		in.Related = []string{}
	}
	return in
}

// FAQFilter narrows a listing.
type FAQFilter struct {
	Locale string
	Status string
	Topic  string
}

// ListFAQ returns entries by key and locale.
func (s *Store) ListFAQ(ctx context.Context, f FAQFilter) ([]FAQEntry, error) {
	out := []FAQEntry{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+faqCols+` FROM faq_entries
		WHERE ($1 = '' OR locale = $1) AND ($2 = '' OR status = $2) AND ($3 = '' OR topic = $3)
		ORDER BY key, locale`, f.Locale, f.Status, f.Topic)
	if err != nil {
		return nil, fmt.Errorf("list faq: %w", translate(err))
	}
	return out, nil
}

// FAQByKey returns one entry.
func (s *Store) FAQByKey(ctx context.Context, key, locale string) (FAQEntry, error) {
	return faqByKey(ctx, s.db, key, locale)
}

func faqByKey(ctx context.Context, q sqlx.QueryerContext, key, locale string) (FAQEntry, error) {
	var e FAQEntry
	err := sqlx.GetContext(ctx, q, &e, `SELECT `+faqCols+` FROM faq_entries WHERE key = $1 AND locale = $2`, key, locale)
	if err != nil {
		return e, fmt.Errorf("faq %s/%s: %w", key, locale, translate(err))
	}
	return e, nil
}

// CreateFAQ adds an entry; an existing key+locale is ErrConflict.
func (s *Store) CreateFAQ(ctx context.Context, actor Actor, in FAQInput) (FAQEntry, error) {
	in = in.clean()
	var e FAQEntry
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &e, `INSERT INTO faq_entries (key, locale, topic, questions, answer, source, related, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+faqCols,
			in.Key, in.Locale, in.Topic, pq.Array(in.Questions), in.Answer, in.Source, pq.Array(in.Related), nullID(actor.StaffID))
		if err != nil {
			return fmt.Errorf("create faq %s/%s: %w", in.Key, in.Locale, translate(err))
		}
		return audit(ctx, tx, actor, "faq.create", "faq_entry", e.Key+"/"+e.Locale, nil, e)
	})
	return e, err
}

// UpdateFAQ replaces an entry's content (key and locale are its identity).
func (s *Store) UpdateFAQ(ctx context.Context, actor Actor, key, locale string, in FAQInput) (FAQEntry, error) {
	in = in.clean()
	var after FAQEntry
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		before, err := faqByKey(ctx, tx, key, locale)
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &after, `UPDATE faq_entries SET topic = $3, questions = $4, answer = $5, source = $6,
			related = $7, updated_by = $8, updated_at = clock_timestamp() WHERE key = $1 AND locale = $2 RETURNING `+faqCols,
			key, locale, in.Topic, pq.Array(in.Questions), in.Answer, in.Source, pq.Array(in.Related), nullID(actor.StaffID))
		if err != nil {
			return fmt.Errorf("update faq %s/%s: %w", key, locale, translate(err))
		}
		return audit(ctx, tx, actor, "faq.update", "faq_entry", key+"/"+locale, before, after)
	})
	return after, err
}

// SetFAQStatus retires an entry (the bot stops using it) or restores it.
func (s *Store) SetFAQStatus(ctx context.Context, actor Actor, key, locale, status string) (FAQEntry, error) {
	var after FAQEntry
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		before, err := faqByKey(ctx, tx, key, locale)
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &after, `UPDATE faq_entries SET status = $3, updated_by = $4, updated_at = clock_timestamp()
			WHERE key = $1 AND locale = $2 RETURNING `+faqCols, key, locale, status, nullID(actor.StaffID))
		if err != nil {
			return fmt.Errorf("faq status %s/%s: %w", key, locale, translate(err))
		}
		action := "faq.retire"
		if status == FAQActive {
			action = "faq.restore"
		}
		return audit(ctx, tx, actor, action, "faq_entry", key+"/"+locale, before, after)
	})
	return after, err
}

// FAQVersion identifies the table's content cheaply: it changes whenever an
// entry is added, edited or retired (rows are never deleted).
type FAQVersion struct {
	MaxUpdated *time.Time `db:"max_updated"`
	Count      int        `db:"n"`
}

// FAQVersion reads the version.
func (s *Store) FAQVersion(ctx context.Context) (FAQVersion, error) {
	var v FAQVersion
	if err := s.db.GetContext(ctx, &v, `SELECT max(updated_at) AS max_updated, count(*) AS n FROM faq_entries`); err != nil {
		return v, fmt.Errorf("faq version: %w", translate(err))
	}
	return v, nil
}

// SeedFAQ inserts entries that do not exist yet, in one statement, and
// returns how many it added. Existing rows are left alone: staff edits win
// over the files.
func (s *Store) SeedFAQ(ctx context.Context, entries []FAQInput) (int, error) {
	n := len(entries)
	keys, locs, topics, answers, sources := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	// arrays of arrays must be rectangular in PostgreSQL, so questions and
	// related travel as JSON arrays and are unpacked in SQL.
	qs, rel := make([]string, n), make([]string, n)
	for i, e := range entries {
		e = e.clean()
		keys[i], locs[i], topics[i], answers[i], sources[i] = e.Key, e.Locale, e.Topic, e.Answer, e.Source
		qs[i], rel[i] = jsonArray(e.Questions), jsonArray(e.Related)
	}
	var added int
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &added, `WITH ins AS (
				INSERT INTO faq_entries (key, locale, topic, questions, answer, source, related)
				SELECT k, l, t, ARRAY(SELECT jsonb_array_elements_text(q::jsonb)), a, s,
					ARRAY(SELECT jsonb_array_elements_text(r::jsonb))
				FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
					AS x(k, l, t, q, a, s, r)
				ON CONFLICT (key, locale) DO NOTHING RETURNING 1)
			SELECT count(*) FROM ins`,
			pq.Array(keys), pq.Array(locs), pq.Array(topics), pq.Array(qs), pq.Array(answers), pq.Array(sources), pq.Array(rel))
		if err != nil {
			return fmt.Errorf("seed faq: %w", translate(err))
		}
		if added == 0 {
			return nil
		}
		return audit(ctx, tx, Actor{Kind: ActorSystem}, "faq.seed", "faq_entry", "", nil, map[string]int{"added": added})
	})
	return added, err
}

// Unanswered questions -------------------------------------------------------------

// UnansweredGroup is one normalised question the bot could not answer
// outright, with how often and when it was last asked.
type UnansweredGroup struct {
	Normalized string    `db:"normalized" json:"normalized"`
	Locale     string    `db:"locale" json:"locale"`
	Count      int       `db:"count" json:"count"`
	LastSeen   time.Time `db:"last_seen" json:"last_seen"`
	Example    string    `db:"example" json:"example"`
	Fallbacks  int       `db:"fallbacks" json:"fallbacks"`
}

// UnansweredFilter narrows the report.
type UnansweredFilter struct {
	Since  time.Time
	Locale string
	Limit  int
}

// UnansweredQuestions groups questions whose outcome was not "answered" by
// normalised text, most asked first.
func (s *Store) UnansweredQuestions(ctx context.Context, f UnansweredFilter) ([]UnansweredGroup, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	out := []UnansweredGroup{}
	// one pass to count (the language is the more frequent of vi and en, as
	// mode() would pick, without its sort), then the latest wording of only
	// the groups shown
	err := s.db.SelectContext(ctx, &out, `WITH g AS (
			SELECT normalized, count(*) AS count, max(at) AS last_seen,
				count(*) FILTER (WHERE outcome = 'fallback') AS fallbacks,
				count(*) FILTER (WHERE locale = 'en') AS en
			FROM question_log
			WHERE outcome <> 'answered' AND at >= $1 AND ($2 = '' OR locale = $2)
			GROUP BY normalized ORDER BY count(*) DESC, max(at) DESC LIMIT $3)
		SELECT g.normalized, CASE WHEN 2 * g.en >= g.count THEN 'en' ELSE 'vi' END AS locale,
			g.count, g.last_seen, g.fallbacks,
			(SELECT q.question FROM question_log q
				WHERE q.normalized = g.normalized AND q.outcome <> 'answered' AND q.at >= $1 AND ($2 = '' OR q.locale = $2)
				ORDER BY q.at DESC LIMIT 1) AS example
		FROM g ORDER BY g.count DESC, g.last_seen DESC`, f.Since, f.Locale, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("unanswered questions: %w", translate(err))
	}
	// Rows logged before LogQuestion masked numbers are masked on the way
	// out, so the report never shows them.
	for i := range out {
		out[i].Normalized, out[i].Example = faq.MaskNumbers(out[i].Normalized), faq.MaskNumbers(out[i].Example)
	}
	return out, nil
}

// UnansweredExamples returns the distinct question texts of one group, so an
// entry created from it starts with the residents' own wordings.
func (s *Store) UnansweredExamples(ctx context.Context, normalized string, limit int) ([]string, error) {
	out := []string{}
	err := s.db.SelectContext(ctx, &out, `SELECT question FROM question_log
		WHERE outcome <> 'answered' AND normalized = $1
		GROUP BY question ORDER BY count(*) DESC, question LIMIT $2`, normalized, limit)
	if err != nil {
		return nil, fmt.Errorf("unanswered examples: %w", translate(err))
	}
	for i := range out {
		out[i] = faq.MaskNumbers(out[i])
	}
	return out, nil
}

func jsonArray(list []string) string {
	if list == nil {
		list = []string{}
	}
	b, _ := json.Marshal(list) // []string always marshals
	return string(b)
}
