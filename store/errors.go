package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

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

// NotFoundError is ErrNotFound about one named record ("staff 42"), so the
// edge can say what does not exist without the database's words.
type NotFoundError struct {
	What string
	err  error
}

func (e *NotFoundError) Error() string { return e.What + " does not exist" }

// Unwrap makes errors.Is(err, ErrNotFound) hold, and keeps the cause for logs.
func (e *NotFoundError) Unwrap() []error {
	if e.err == nil {
		return []error{ErrNotFound}
	}
	return []error{ErrNotFound, e.err}
}

// noRows is a query that found nothing: "not found", with sql.ErrNoRows kept
// in the chain but not in the text, which people read.
type noRows struct{ err error }

func (e noRows) Error() string   { return ErrNotFound.Error() }
func (e noRows) Unwrap() []error { return []error{ErrNotFound, e.err} }

// translateAbout is translate for one named record: nothing found is a
// *NotFoundError saying which ("staff 42 does not exist").
func translateAbout(err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return &NotFoundError{What: what, err: err}
	}
	return fmt.Errorf("%s: %w", what, translate(err))
}

// FieldError is ErrInvalid about one field of the input, named as the API
// names it (parent, name_vi), so the edge can say which field is wrong.
type FieldError struct {
	Field, Reason string
	err           error // the database error behind it, if any
}

func (e *FieldError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("invalid %s: %s: %v", e.Field, e.Reason, e.err)
	}
	return "invalid " + e.Field + ": " + e.Reason
}

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *FieldError) Unwrap() []error {
	if e.err == nil {
		return []error{ErrInvalid}
	}
	return []error{ErrInvalid, e.err}
}

// InvalidField returns ErrInvalid about one field.
func InvalidField(field, reason string) error { return &FieldError{Field: field, Reason: reason} }

// constraintFields names the field behind constraints whose name does not
// say it (PostgreSQL names a column's check <table>_<column>_check).
var constraintFields = map[string][2]string{
	"agencies_check": {"parent", "an agency cannot be its own parent"},
}

// columnFields maps columns to the field names the API uses, where they differ.
var columnFields = map[string]string{"parent_id": "parent", "full_name": "name", "first_name": "name"}

// constraintField finds the field a constraint violation is about, once for
// every table: by the constraint's known name, its default name
// (<table>_<column>_check, _fkey), or the column PostgreSQL reports.
func constraintField(e *pq.Error) (*FieldError, bool) {
	if f, ok := constraintFields[e.Constraint]; ok {
		return &FieldError{Field: f[0], Reason: f[1], err: e}, true
	}
	col := e.Column
	if col == "" && e.Table != "" && e.Constraint != "" {
		for _, suffix := range []string{"_check", "_fkey"} {
			if c, ok := strings.CutSuffix(e.Constraint, suffix); ok {
				col, _ = strings.CutPrefix(c, e.Table+"_")
				if col == c {
					col = ""
				}
			}
		}
	}
	if col == "" {
		return nil, false
	}
	if f, ok := columnFields[col]; ok {
		col = f
	}
	reason := "breaks a rule of the system"
	switch e.Code {
	case "23503":
		reason = "names a record that does not exist"
	case "23502":
		reason = "is required"
	case "23514":
		reason = "is out of the allowed range or form"
	}
	return &FieldError{Field: col, Reason: reason, err: e}, true
}

// translate maps PostgreSQL's error classes onto the domain errors, keeping the
// original error in the chain for logs.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return noRows{err}
	}
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) {
		return err
	}
	switch pqErr.Code {
	case "23505": // unique_violation
		return fmt.Errorf("%w: %s: %w", ErrConflict, pqErr.Constraint, err)
	case "23503", "23502", "23514":
		if fe, ok := constraintField(pqErr); ok {
			return fe
		}
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	case "22001", "22P02", "22007", "22008", "22023", "23P01":
		// foreign key, not null, check, too long, bad text representation, bad datetime
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return err
}
