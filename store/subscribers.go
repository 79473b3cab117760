package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// Subscriber statuses.
const (
	StatusNew          = "new"
	StatusActive       = "active"
	StatusUnsubscribed = "unsubscribed"
	StatusBlocked      = "blocked"
)

// Subscriber is one resident on one channel.
type Subscriber struct {
	ID           int64         `db:"id"`
	Channel      string        `db:"channel"`
	ExternalID   string        `db:"external_id"`
	ChatID       sql.NullInt64 `db:"chat_id"`
	FirstName    string        `db:"first_name"`
	Locale       string        `db:"locale"`
	LocalityID   sql.NullInt64 `db:"locality_id"`
	Status       string        `db:"status"`
	ConsentAt    sql.NullTime  `db:"consent_at"`
	StatusReason string        `db:"status_reason"`
	CreatedAt    time.Time     `db:"created_at"`
	UpdatedAt    time.Time     `db:"updated_at"`
}

// Contact is what a channel knows about a resident when they write.
type Contact struct {
	Channel    string
	ExternalID string
	ChatID     int64 // 0: the channel's chats have no numeric id; it is reached by ExternalID
	FirstName  string
	Locale     string // used only when the row is created: a chosen locale sticks
}

const subscriberCols = `id, channel, external_id, chat_id, first_name, locale, locality_id, status,
	consent_at, status_reason, created_at, updated_at`

// UpsertSubscriber returns the resident's row, creating it on first contact
// and refreshing the chat id and name, which Telegram may change.
func (s *Store) UpsertSubscriber(ctx context.Context, c Contact) (Subscriber, error) {
	// Every message a resident sends comes through here: read first, so the
	// usual case (nothing changed) writes nothing. An upsert that rewrites an
	// identical row still costs a new row version, WAL and a dead tuple.
	name := truncateRunes(c.FirstName, 256)
	chatID := sql.NullInt64{Int64: c.ChatID, Valid: c.ChatID != 0}
	sub, err := s.SubscriberByExternal(ctx, c.Channel, c.ExternalID)
	if err == nil && sub.ChatID == chatID && sub.FirstName == name {
		return sub, nil
	}
	err = s.db.GetContext(ctx, &sub, `
		INSERT INTO subscribers (channel, external_id, chat_id, first_name, locale)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (channel, external_id) DO UPDATE
		SET chat_id = EXCLUDED.chat_id, first_name = EXCLUDED.first_name, updated_at = now()
		RETURNING `+subscriberCols, c.Channel, c.ExternalID, chatID, name, c.Locale)
	if err != nil {
		return sub, fmt.Errorf("upsert subscriber %s/%s: %w", c.Channel, c.ExternalID, translate(err))
	}
	return sub, nil
}

// truncateRunes keeps at most n characters, as the column's CHECK counts them.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// SubscriberByExternal finds a resident by channel and external id.
func (s *Store) SubscriberByExternal(ctx context.Context, channel, externalID string) (Subscriber, error) {
	var sub Subscriber
	err := s.db.GetContext(ctx, &sub, `SELECT `+subscriberCols+` FROM subscribers
		WHERE channel = $1 AND external_id = $2`, channel, externalID)
	if err != nil {
		return sub, fmt.Errorf("subscriber %s/%s: %w", channel, externalID, translate(err))
	}
	return sub, nil
}

// SetLocale records the language the resident chose.
func (s *Store) SetLocale(ctx context.Context, id int64, locale string) error {
	return s.updateSubscriber(ctx, id, `locale = $2`, locale)
}

// Subscribe makes the resident active for a locality, recording consent now.
func (s *Store) Subscribe(ctx context.Context, id, localityID int64) error {
	return s.updateSubscriber(ctx, id,
		`status = 'active', locality_id = $2, consent_at = now(), status_reason = ''`, localityID)
}

// Unsubscribe stops campaign messages; it reports whether the resident was active.
func (s *Store) Unsubscribe(ctx context.Context, id int64) (bool, error) {
	var was string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &was, `SELECT status FROM subscribers WHERE id = $1 FOR UPDATE`, id); err != nil {
			return fmt.Errorf("subscriber %d: %w", id, translate(err))
		}
		if was != StatusActive {
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE subscribers SET status = 'unsubscribed', status_reason = 'user',
			updated_at = now() WHERE id = $1`, id)
		return translate(err)
	})
	return was == StatusActive, err
}

// MarkBlocked records that the resident blocked the bot; sends stop at once.
// A resident the store has never seen is ignored: there is nothing to mark.
func (s *Store) MarkBlocked(ctx context.Context, channel, externalID, reason string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE subscribers SET status = 'blocked', status_reason = $3, updated_at = now()
		WHERE channel = $1 AND external_id = $2`, channel, externalID, reason)
	if err != nil {
		return fmt.Errorf("block subscriber %s/%s: %w", channel, externalID, translate(err))
	}
	return nil
}

// MarkUnblocked undoes MarkBlocked. Blocking withdrew consent, so a resident
// who had subscribed comes back unsubscribed (they subscribe again with one
// command) and one who never had comes back new.
func (s *Store) MarkUnblocked(ctx context.Context, channel, externalID string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE subscribers SET
		status = CASE WHEN consent_at IS NULL THEN 'new' ELSE 'unsubscribed' END,
		status_reason = 'unblocked', updated_at = now()
		WHERE channel = $1 AND external_id = $2 AND status = 'blocked'`, channel, externalID)
	if err != nil {
		return fmt.Errorf("unblock subscriber %s/%s: %w", channel, externalID, translate(err))
	}
	return nil
}

func (s *Store) updateSubscriber(ctx context.Context, id int64, set string, arg any) error {
	res, err := s.db.ExecContext(ctx, `UPDATE subscribers SET `+set+`, updated_at = now() WHERE id = $1`, id, arg)
	if err != nil {
		return fmt.Errorf("update subscriber %d: %w", id, translate(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("subscriber %d: %w", id, ErrNotFound)
	}
	return nil
}

// MyData is everything Loa stores about one resident (/mydata).
type MyData struct {
	Subscriber   Subscriber
	LocalityName string
	Memberships  []Membership
	Questions    []LoggedQuestion // most recent first, at most MyDataQuestions
	QuestionsAll int
	Deliveries   int
}

// Membership is the resident's place on an agency's member list.
type Membership struct {
	AgencyNameVi string    `db:"name_vi"`
	AgencyNameEn string    `db:"name_en"`
	Via          string    `db:"via"`
	JoinedAt     time.Time `db:"joined_at"`
}

// LoggedQuestion is one row of the question log, as the resident sees it.
type LoggedQuestion struct {
	At       time.Time `db:"at"`
	Question string    `db:"question"`
}

// MyDataQuestions caps the questions listed in /mydata (the count is complete).
const MyDataQuestions = 10

// MyData gathers the resident's data in one snapshot.
func (s *Store) MyData(ctx context.Context, id int64) (MyData, error) {
	var d MyData
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &d.Subscriber, `SELECT `+subscriberCols+` FROM subscribers WHERE id = $1`, id); err != nil {
			return fmt.Errorf("subscriber %d: %w", id, translate(err))
		}
		return myDataRest(ctx, tx, id, &d)
	})
	return d, err
}

func myDataRest(ctx context.Context, tx *sqlx.Tx, id int64, d *MyData) error {
	if d.Subscriber.LocalityID.Valid {
		if err := tx.GetContext(ctx, &d.LocalityName, `SELECT name_vi FROM localities WHERE id = $1`,
			d.Subscriber.LocalityID.Int64); err != nil {
			return fmt.Errorf("locality of %d: %w", id, translate(err))
		}
	}
	if err := tx.SelectContext(ctx, &d.Memberships, `SELECT a.name_vi, a.name_en, m.via, m.joined_at
		FROM agency_members m JOIN agencies a ON a.id = m.agency_id
		WHERE m.subscriber_id = $1 ORDER BY m.joined_at`, id); err != nil {
		return fmt.Errorf("memberships of %d: %w", id, translate(err))
	}
	if err := tx.SelectContext(ctx, &d.Questions, `SELECT at, question FROM question_log
		WHERE subscriber_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, id, MyDataQuestions); err != nil {
		return fmt.Errorf("questions of %d: %w", id, translate(err))
	}
	err := tx.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM question_log WHERE subscriber_id = $1),
		(SELECT count(*) FROM deliveries WHERE subscriber_id = $1)`, id).Scan(&d.QuestionsAll, &d.Deliveries)
	if err != nil {
		return fmt.Errorf("counts of %d: %w", id, translate(err))
	}
	return nil
}

// Forget erases the resident and everything about them in one transaction.
// question_log and agency_members cascade, pending_members.matched_subscriber_id
// is set null by its foreign key; deliveries have no foreign key (it would slow
// audience freezing), so they go explicitly, first.
func (s *Store) Forget(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM deliveries WHERE subscriber_id = $1`, id); err != nil {
			return fmt.Errorf("forget deliveries of %d: %w", id, translate(err))
		}
		// unmatching clears matched_at too, or the pending row's CHECK would hold a stale time
		if _, err := tx.ExecContext(ctx, `UPDATE pending_members SET matched_subscriber_id = NULL, matched_at = NULL
			WHERE matched_subscriber_id = $1`, id); err != nil {
			return fmt.Errorf("forget matches of %d: %w", id, translate(err))
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM subscribers WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("forget subscriber %d: %w", id, translate(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("subscriber %d: %w", id, ErrNotFound)
		}
		return nil
	})
}
