package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/lib/pq"
)

// Domain errors. Callers test them with errors.Is and translate them once at
// the edge: to a locale key in the bot, to a status code in the HTTP API.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	ErrInvalid  = errors.New("invalid")
	// ErrSchemaOld means the database is behind this binary: run `loa migrate`.
	ErrSchemaOld = errors.New("database schema is older than this binary")
)

// translate maps PostgreSQL's error classes onto the domain errors, keeping the
// original error in the chain for logs.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) {
		return err
	}
	switch pqErr.Code {
	case "23505": // unique_violation
		return fmt.Errorf("%w: %s: %w", ErrConflict, pqErr.Constraint, err)
	case "23503", "23502", "23514", "22001", "22P02", "22007", "22008", "22023", "23P01":
		// foreign key, not null, check, too long, bad text representation, bad datetime
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return err
}
