package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/loa-vn/loa/bot/faq"
)

// Question outcomes.
const (
	OutcomeAnswered  = "answered"
	OutcomeSuggested = "suggested"
	OutcomeFallback  = "fallback"
)

// Question is one question a resident asked and what the FAQ made of it.
type Question struct {
	SubscriberID int64 // 0: asked outside a chat (not linked to anyone)
	Locale       string
	Question     string
	Normalized   string
	EntryKey     string // empty on a fallback
	Score        float64
	Outcome      string
}

// LogQuestion records a question synchronously and returns its id, which the
// 👍/👎 buttons carry. One small insert per question costs less than a lost
// row would: a buffered logger could drop questions on a crash. Digit runs
// that may be a phone, ID or bank account number are masked first
// (faq.MaskNumbers), in the question and in its normalised form: the log
// is read by staff and kept for days, the numbers are not needed.
func (s *Store) LogQuestion(ctx context.Context, q Question) (int64, error) {
	q.Question, q.Normalized = faq.MaskNumbers(q.Question), faq.MaskNumbers(q.Normalized)
	var id int64
	err := s.db.GetContext(ctx, &id, `INSERT INTO question_log
		(subscriber_id, locale, question, normalized, entry_key, score, outcome)
		VALUES ($1, $2, left($3, 4096), $4, $5, greatest($6::real, 0), $7) RETURNING id`,
		nullID(q.SubscriberID), q.Locale, q.Question, q.Normalized, nullString(q.EntryKey), q.Score, q.Outcome)
	if err != nil {
		return 0, fmt.Errorf("log question: %w", translate(err))
	}
	return id, nil
}

// QuestionFeedback records 👍 (1) or 👎 (-1) on a logged question. The row
// must belong to the subscriber, so forged callback data cannot touch
// anyone else's question; ErrNotFound otherwise.
func (s *Store) QuestionFeedback(ctx context.Context, logID, subscriberID int64, vote int) error {
	if vote != 1 && vote != -1 {
		return fmt.Errorf("feedback %d: %w", vote, ErrInvalid)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE question_log SET feedback = $3
		WHERE id = $1 AND subscriber_id = $2`, logID, subscriberID, vote)
	if err != nil {
		return fmt.Errorf("feedback on question %d: %w", logID, translate(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("question %d of subscriber %d: %w", logID, subscriberID, ErrNotFound)
	}
	return nil
}

// PurgeQuestions deletes questions older than the retention period.
func (s *Store) PurgeQuestions(ctx context.Context, keep time.Duration) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM question_log WHERE at < $1`, s.Now().Add(-keep))
	if err != nil {
		return 0, fmt.Errorf("purge questions: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
