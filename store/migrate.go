package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationsFS embed.FS

// Migrations returns the embedded migration files.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationsFS, "migrations")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return sub
}

// Migrator applies the schema. Each migration file runs in its own transaction,
// so a failing one leaves the database at the previous version, and a session
// lock keeps two processes from migrating at once.
type Migrator struct{ p *goose.Provider }

// NewMigrator prepares the migrator for files in fsys (normally Migrations()).
func (s *Store) NewMigrator(fsys fs.FS) (*Migrator, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.db.DB, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return &Migrator{p: p}, nil
}

// MigrationResult is one line of what a migrate command did.
type MigrationResult struct {
	Version int64
	Source  string
	Applied bool
}

// Up applies every pending migration and returns what it applied.
func (m *Migrator) Up(ctx context.Context) ([]string, error) {
	res, err := m.p.Up(ctx)
	lines := make([]string, 0, len(res))
	for _, r := range res {
		lines = append(lines, r.String())
	}
	if err != nil {
		return lines, fmt.Errorf("migrate up: %w", err)
	}
	return lines, nil
}

// DownOne rolls back the latest migration.
func (m *Migrator) DownOne(ctx context.Context) (string, error) {
	r, err := m.p.Down(ctx)
	if err != nil {
		return "", fmt.Errorf("migrate down: %w", err)
	}
	return r.String(), nil
}

// Status lists every migration with whether it is applied.
func (m *Migrator) Status(ctx context.Context) ([]MigrationResult, error) {
	st, err := m.p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate status: %w", err)
	}
	out := make([]MigrationResult, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationResult{Version: s.Source.Version, Source: s.Source.Path,
			Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

// Versions returns the database's schema version and the binary's.
func (m *Migrator) Versions(ctx context.Context) (current, target int64, err error) {
	current, target, err = m.p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	return current, target, nil
}

// CheckSchema refuses to go on when the database is behind the binary, so no
// process runs queries against tables it does not know.
func (s *Store) CheckSchema(ctx context.Context) error {
	m, err := s.NewMigrator(Migrations())
	if err != nil {
		return err
	}
	return m.Check(ctx)
}

// Check returns ErrSchemaOld, with what to do, when migrations are pending.
func (m *Migrator) Check(ctx context.Context) error {
	cur, target, err := m.Versions(ctx)
	if err != nil {
		return err
	}
	if cur < target {
		return fmt.Errorf("%w: the database is at version %d, this binary needs %d: run `loa migrate`",
			ErrSchemaOld, cur, target)
	}
	return nil
}
