// Package store is Loa's PostgreSQL system of record: embedded migrations,
// queries, and the one transaction shape every write uses.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Store wraps the connection pool. It is safe for concurrent use.
type Store struct {
	db  *sqlx.DB
	dsn string
	// Now is the clock; tests replace it.
	Now func() time.Time

	prepMu     sync.Mutex
	searchPrep *sqlx.Stmt
	hot        map[string]*sqlx.Stmt // prepared statements of the send path, by their SQL
}

// Open connects and checks the connection, so a wrong DATABASE_URL fails here
// with a message that names the server and database (never the password).
func Open(ctx context.Context, dsn string) (*Store, error) {
	where := Redact(dsn)
	conn, err := pq.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL %s is not valid: %w", where, err)
	}
	db := sqlx.NewDb(sql.OpenDB(conn), "postgres")
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, connectError(where, err)
	}
	return &Store{db: db, dsn: dsn, Now: time.Now}, nil
}

// connectError says what to do about the usual reasons a connection fails.
func connectError(where string, err error) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case "3D000":
			return fmt.Errorf("PostgreSQL at %s: the database does not exist (create it with createdb, or run `make run`): %w", where, err)
		case "28000", "28P01":
			return fmt.Errorf("PostgreSQL at %s refused the login: check the user and password in DATABASE_URL: %w", where, err)
		}
	}
	return fmt.Errorf("cannot reach PostgreSQL at %s (is it running? is DATABASE_URL right?): %w", where, err)
}

// Redact returns the DSN without its password, for messages and logs.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return "(unparsable DATABASE_URL)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.Redacted()
}

// DB exposes the pool to packages that run their own bulk work through the store's helpers.
func (s *Store) DB() *sqlx.DB { return s.db }

// DSN is the connection string the store was opened with (for LISTEN connections).
func (s *Store) DSN() string { return s.dsn }

// Close closes the pool.
func (s *Store) Close() error {
	if s.searchPrep != nil {
		s.searchPrep.Close()
	}
	s.prepMu.Lock()
	for _, st := range s.hot {
		st.Close()
	}
	s.hot = nil
	s.prepMu.Unlock()
	return s.db.Close()
}

// Ping checks that PostgreSQL answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// prepared returns q prepared (once per store, and by database/sql once per
// connection). The send path runs a few statements many thousand times: a
// prepared one is neither parsed nor planned again by PostgreSQL, and lib/pq
// sends it in one round trip instead of two.
func (s *Store) prepared(ctx context.Context, q string) (*sqlx.Stmt, error) {
	s.prepMu.Lock()
	defer s.prepMu.Unlock()
	if st, ok := s.hot[q]; ok {
		return st, nil
	}
	st, err := s.db.PreparexContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", translate(err))
	}
	if s.hot == nil {
		s.hot = map[string]*sqlx.Stmt{}
	}
	s.hot[q] = st
	return st, nil
}

// inTx is the one transaction shape: begin, defer Rollback, Commit.
// Rollback after Commit is a no-op, so every early return undoes the work.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", translate(err))
	}
	return nil
}
