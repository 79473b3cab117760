package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// IdemResponse is the stored first answer to a request with an
// Idempotency-Key.
type IdemResponse struct {
	Status int
	Body   json.RawMessage
}

// ErrIdempotencyMismatch: the key was used before with a different body.
var ErrIdempotencyMismatch = fmt.Errorf("%w: Idempotency-Key reused with a different request", ErrInvalid)

// Idempotent runs fn at most once per (staff, key). The first call runs fn
// and stores its answer in the same transaction as fn's changes, so a crash
// never leaves a change without its answer. A later call with the same key
// and the same request hash gets the stored answer (replayed = true); a
// different hash is ErrIdempotencyMismatch. Concurrent first calls serialise
// on the key's row: the loser waits, then replays.
func (s *Store) Idempotent(ctx context.Context, staffID int64, key string, reqHash []byte,
	fn func(tx *sqlx.Tx) (IdemResponse, error)) (resp IdemResponse, replayed bool, err error) {
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		// Serialise on the key: two retries racing must not both run fn.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || $2, 0))`,
			fmt.Sprint(staffID), key); err != nil {
			return fmt.Errorf("idempotency lock: %w", translate(err))
		}
		var row struct {
			Hash     []byte `db:"request_hash"`
			Status   int    `db:"status"`
			Response []byte `db:"response"`
		}
		err := tx.GetContext(ctx, &row, `SELECT request_hash, status, response FROM idempotency_keys
			WHERE staff_id = $1 AND key = $2`, staffID, key)
		if err == nil {
			if !bytes.Equal(row.Hash, reqHash) {
				return ErrIdempotencyMismatch
			}
			resp, replayed = IdemResponse{Status: row.Status, Body: row.Response}, true
			return nil
		}
		if err = translate(err); !isNotFound(err) {
			return fmt.Errorf("idempotency key: %w", err)
		}
		if resp, err = fn(tx); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO idempotency_keys (staff_id, key, request_hash, status, response)
			VALUES ($1, $2, $3, $4, $5)`, staffID, key, reqHash, resp.Status, string(resp.Body))
		if err != nil {
			return fmt.Errorf("idempotency store: %w", translate(err))
		}
		return nil
	})
	return resp, replayed, err
}

// PurgeIdempotencyKeys forgets keys older than a day: retries come within minutes.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < now() - interval '1 day'`)
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func isNotFound(err error) bool { return err != nil && errors.Is(err, ErrNotFound) }
