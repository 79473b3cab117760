package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Agency names, for telling a resident which list they joined.
type AgencyName struct {
	ID     int64  `db:"id"`
	NameVi string `db:"name_vi"`
	NameEn string `db:"name_en"`
}

// JoinAgency puts the resident on an agency's member list (idempotent) and
// returns the agency, or ErrNotFound if it no longer exists.
func (s *Store) JoinAgency(ctx context.Context, agencyID, subscriberID int64, via string) (AgencyName, error) {
	var a AgencyName
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &a, `SELECT id, name_vi, name_en FROM agencies WHERE id = $1`, agencyID); err != nil {
			return fmt.Errorf("agency %d: %w", agencyID, translate(err))
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO agency_members (agency_id, subscriber_id, via)
			VALUES ($1, $2, $3) ON CONFLICT (agency_id, subscriber_id) DO NOTHING`, agencyID, subscriberID, via)
		if err != nil {
			return fmt.Errorf("join agency %d: %w", agencyID, translate(err))
		}
		return nil
	})
	return a, err
}
