package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// TestSchemaRejectsInvalidRows writes rows that break the data model's rules
// and expects PostgreSQL to refuse each one.
func TestSchemaRejectsInvalidRows(t *testing.T) {
	t.Parallel()
	st := storetest.NewSeeded(t)
	db := st.DB()
	ctx := context.Background()
	mustExec(t, db, `INSERT INTO subscribers (channel, external_id, chat_id, status, consent_at)
		VALUES ('telegram', '100', 100, 'active', now())`)
	mustExec(t, db, `INSERT INTO staff (name, role) VALUES ('Lan', 'editor')`)
	bad := map[string]string{
		"duplicate subscriber":        `INSERT INTO subscribers (channel, external_id, chat_id) VALUES ('telegram', '100', 100)`,
		"malformed channel":           `INSERT INTO subscribers (channel, external_id, chat_id) VALUES ('Tele gram', '1', 1)`,
		"unknown status":              `INSERT INTO subscribers (channel, external_id, chat_id, status) VALUES ('telegram', '2', 2, 'gone')`,
		"active without consent":      `INSERT INTO subscribers (channel, external_id, chat_id, status) VALUES ('telegram', '3', 3, 'active')`,
		"unknown locale":              `INSERT INTO subscribers (channel, external_id, chat_id, locale) VALUES ('telegram', '4', 4, 'fr')`,
		"telegram without chat":       `INSERT INTO subscribers (channel, external_id) VALUES ('telegram', '5')`,
		"unknown locality":            `INSERT INTO subscribers (channel, external_id, chat_id, locality_id) VALUES ('telegram', '6', 6, 999999)`,
		"phone hash wrong size":       `INSERT INTO pending_members (agency_id, phone_hash, full_name) SELECT id, '\x01', 'A' FROM agencies LIMIT 1`,
		"agency manager w/o agency":   `INSERT INTO staff (name, role) VALUES ('B', 'agency_manager')`,
		"editor scoped to agency":     `INSERT INTO staff (name, role, agency_id) SELECT 'C', 'editor', id FROM agencies LIMIT 1`,
		"unknown role":                `INSERT INTO staff (name, role) VALUES ('D', 'god')`,
		"broadcast without vi":        `INSERT INTO broadcasts (name, content) VALUES ('x', '{"variants":{"en":{"text":"hi"}}}')`,
		"once and yearly":             `INSERT INTO broadcasts (name, content, send_at, repeat_month, repeat_day, repeat_hour, repeat_min) VALUES ('x', '{"variants":{"vi":{}}}', now(), 10, 10, 8, 0)`,
		"half a recurrence":           `INSERT INTO broadcasts (name, content, repeat_month) VALUES ('x', '{"variants":{"vi":{}}}', 10)`,
		"month 13":                    `INSERT INTO broadcasts (name, content, repeat_month, repeat_day, repeat_hour, repeat_min) VALUES ('x', '{"variants":{"vi":{}}}', 13, 1, 8, 0)`,
		"approved without approver":   `INSERT INTO broadcasts (name, content, status) VALUES ('x', '{"variants":{"vi":{}}}', 'approved')`,
		"draft that is due":           `INSERT INTO broadcasts (name, content, next_run_at) VALUES ('x', '{"variants":{"vi":{}}}', now())`,
		"delivery of unknown run":     `INSERT INTO deliveries (run_id, subscriber_id, batch) VALUES (999999, 1, 0)`,
		"bad audit action":            `INSERT INTO audit_log (actor_kind, action, object_type) VALUES ('cli', 'DROP TABLE', 'x')`,
		"staff audit without staff":   `INSERT INTO audit_log (actor_kind, action, object_type) VALUES ('staff', 'broadcast.create', 'broadcast')`,
		"faq without source":          `INSERT INTO faq_entries (key, locale, topic, questions, answer, source) VALUES ('a', 'vi', 't', '{q}', 'a', ' ')`,
		"question log bad outcome":    `INSERT INTO question_log (locale, question, normalized, score, outcome) VALUES ('vi', 'q', 'q', 0, 'maybe')`,
		"agency that is its own root": `UPDATE agencies SET parent_id = id WHERE code = 'so-khcn-ha-noi'`,
		"agency cycle":                `UPDATE agencies SET parent_id = (SELECT id FROM agencies WHERE code = 'so-tttt-ha-noi-cu') WHERE code = 'so-khcn-ha-noi'`,
		"locality code with spaces":   `INSERT INTO localities (code, parent_id, kind, name_vi, name_ascii, search_name) SELECT 'Bad Code', id, 'ward', 'X', 'X', 'x' FROM localities WHERE kind = 'city'`,
		"ward without city":           `INSERT INTO localities (code, kind, name_vi, name_ascii, search_name) VALUES ('orphan', 'ward', 'X', 'X', 'x')`,
	}
	for name, q := range bad {
		if _, err := db.ExecContext(ctx, q); err == nil {
			t.Errorf("%s: accepted, want an error", name)
		} else if _, ok := err.(*pq.Error); !ok {
			t.Errorf("%s: %v is not a PostgreSQL error", name, err)
		}
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	db := st.DB()
	mustExec(t, db, `INSERT INTO audit_log (actor_kind, action, object_type) VALUES ('cli', 'seed.run', 'localities')`)
	for _, q := range []string{`UPDATE audit_log SET action = 'x.y'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := db.ExecContext(context.Background(), q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want append-only refusal", q, err)
		}
	}
}

func TestMigrateTwiceThenStatus(t *testing.T) {
	t.Parallel()
	st := storetest.New(t) // already migrated from the template
	ctx := context.Background()
	m, err := st.NewMigrator(store.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	applied, err := m.Up(ctx)
	if err != nil || len(applied) != 0 {
		t.Fatalf("second up applied %v (%v), want nothing", applied, err)
	}
	status, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range status {
		if !s.Applied {
			t.Errorf("%s not applied", s.Source)
		}
	}
	if err := st.CheckSchema(ctx); err != nil {
		t.Fatalf("CheckSchema on a current schema: %v", err)
	}
}

func TestFailedMigrationLeavesDatabaseAsItWas(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := context.Background()
	fsys := fstest.MapFS{
		"00001_a.sql": {Data: []byte("-- +goose Up\nCREATE TABLE a (id int);\n")},
		"00002_b.sql": {Data: []byte("-- +goose Up\nCREATE TABLE b (id int);\nINSERT INTO b VALUES ('not a number');\n")},
	}
	// A schema of its own keeps this goose version table apart from Loa's.
	mustExec(t, st.DB(), `CREATE SCHEMA scratch`)
	scratch, err := store.Open(ctx, storetest.DSNFor(dbName(t, st))+"&search_path=scratch")
	if err != nil {
		t.Fatal(err)
	}
	defer scratch.Close()
	m, err := scratch.NewMigrator(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err == nil {
		t.Fatal("a failing migration reported success")
	}
	cur, _, err := m.Versions(ctx)
	if err != nil || cur != 1 {
		t.Fatalf("version after failure = %d (%v), want 1", cur, err)
	}
	var n int
	scratch.DB().QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'scratch' AND table_name = 'b'`).Scan(&n)
	if n != 0 {
		t.Fatal("table b of the failed migration exists")
	}
	if err := m.Check(ctx); !errors.Is(err, store.ErrSchemaOld) || !strings.Contains(err.Error(), "loa migrate") {
		t.Fatalf("CheckSchema on an old schema: %v", err)
	}
}

func TestOpenExplainsBadDatabaseURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := map[string]string{
		"postgres://postgres:secret@127.0.0.1:1/loa?sslmode=disable":                     "cannot reach PostgreSQL",
		"postgres://postgres@127.0.0.1:5432/loa_missing_db_xyz?sslmode=disable":          "does not exist",
		"postgres://postgres:hunter2@127.0.0.1:5432/x?sslmode=disable&connect_timeout=x": "",
	}
	for dsn, want := range cases {
		_, err := store.Open(ctx, dsn)
		if err == nil {
			t.Errorf("%s: no error", dsn)
			continue
		}
		if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: %v (want %q, no password)", dsn, err, want)
		}
	}
}

func dbName(t *testing.T, st *store.Store) string {
	var name string
	if err := st.DB().QueryRow(`SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

func mustExec(t *testing.T, db *sqlx.DB, q string) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
