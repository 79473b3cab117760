// Package storetest gives each test its own PostgreSQL database, cloned from a
// template that was migrated (and, for NewSeeded, seeded) once per schema
// version, so tests can run in parallel across packages and leave nothing behind.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"testing"
	"time"

	_ "github.com/lib/pq" // registers the driver for the admin connection

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/seed"
)

// AdminDSN is the maintenance connection used to create and drop databases.
// LOA_TEST_DATABASE_URL overrides it; the database named in it is not touched.
func AdminDSN() string {
	if v := os.Getenv("LOA_TEST_DATABASE_URL"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// DSNFor returns the admin DSN pointed at another database.
func DSNFor(name string) string {
	u, err := url.Parse(AdminDSN())
	if err != nil {
		panic(fmt.Sprintf("LOA_TEST_DATABASE_URL: %v", err))
	}
	u.Path = "/" + name
	return u.String()
}

// New returns a store on a fresh, migrated, empty database.
func New(t testing.TB) *store.Store { return open(t, false) }

// NewSeeded returns a store on a fresh database holding Hanoi's reference data.
func NewSeeded(t testing.TB) *store.Store { return open(t, true) }

// NewDatabase creates a fresh database cloned from the template and returns its
// DSN; tests that run a whole `loa` process use it. Dropped at cleanup.
func NewDatabase(t testing.TB, seeded bool) string {
	t.Helper()
	ctx := context.Background()
	admin := adminDB(t)
	tpl, err := template(ctx, admin, seeded)
	if err != nil {
		t.Fatalf("storetest: template: %v", err)
	}
	name := "loa_t_" + randomHex(6)
	// CREATE DATABASE ... TEMPLATE fails while anyone else is connected to the
	// template: the builder holds the advisory lock, so retry briefly.
	for i := 0; ; i++ {
		_, err = admin.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, tpl))
		if err == nil || i == 50 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name)); err != nil {
			t.Errorf("storetest: drop %s: %v", name, err)
		}
		admin.Close()
	})
	return DSNFor(name)
}

func open(t testing.TB, seeded bool) *store.Store {
	t.Helper()
	dsn := NewDatabase(t, seeded)
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(func() { st.Close() }) // runs before the drop registered earlier
	return st
}

func adminDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", AdminDSN())
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	db.SetMaxOpenConns(2)
	if err := db.Ping(); err != nil {
		t.Fatalf("storetest: PostgreSQL is not reachable at %s: %v (run `make test`, which starts it)", AdminDSN(), err)
	}
	return db
}

// template returns the name of the template database for the current
// migrations, building it under an advisory lock the first time.
func template(ctx context.Context, admin *sql.DB, seeded bool) (string, error) {
	sum := schemaHash(seeded)
	name := "loa_tpl_" + hex.EncodeToString(sum[:6])
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	key := int64(binary.BigEndian.Uint64(sum[:8]))
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, key)
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	return name, build(ctx, conn, name, seeded)
}

// build makes the template under a temporary name and renames it when
// complete, so a crash never leaves a half-built template behind.
func build(ctx context.Context, conn *sql.Conn, name string, seeded bool) error {
	tmp := name + "_wip"
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, tmp)); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s`, tmp)); err != nil {
		return err
	}
	if err := prepare(ctx, DSNFor(tmp), seeded); err != nil {
		return err
	}
	_, err := conn.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %s RENAME TO %s`, tmp, name))
	return err
}

func prepare(ctx context.Context, dsn string, seeded bool) error {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := st.NewMigrator(store.Migrations())
	if err != nil {
		return err
	}
	if _, err := m.Up(ctx); err != nil {
		return err
	}
	if !seeded {
		return nil
	}
	ds, err := seed.Load(seed.Hanoi(), seed.HanoiCity)
	if err != nil {
		return err
	}
	_, err = st.Seed(ctx, ds)
	return err
}

// schemaHash identifies the migrations and seed data, so a changed schema
// gets a new template instead of a stale one.
func schemaHash(seeded bool) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "seeded=%v\n", seeded)
	for _, fsys := range []fs.FS{store.Migrations(), seed.Hanoi()} {
		var names []string
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				names = append(names, p)
			}
			return nil
		})
		sort.Strings(names)
		for _, n := range names {
			b, _ := fs.ReadFile(fsys, n)
			fmt.Fprintf(h, "%s %d\n", n, len(b))
			h.Write(b)
		}
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
