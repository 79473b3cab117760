package console

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/loa-vn/loa/store"
)

// The target: every console page renders server-side in under
// 100 ms with 1,000,000 subscribers and 1,000 broadcasts in the database.
// scaleDB fills a test database to that size once per benchmark; pages that
// read subscribers or broadcasts (next steps) get benchmarks beside
// BenchmarkStaffPage on the same data.
//
//	go test -run '^$' -bench . -benchtime 200x ./web/console/
func scaleDB(b *testing.B, st *store.Store, staff int) {
	b.Helper()
	ctx := context.Background()
	db := st.DB()
	steps := []string{
		`INSERT INTO subscribers (channel, external_id, chat_id, first_name, locale, locality_id, status, consent_at)
		 SELECT 'telegram', 'b' || g, g, 'Cư dân ' || g, CASE WHEN g % 5 = 0 THEN 'en' ELSE 'vi' END,
		        (SELECT id FROM localities WHERE kind <> 'city' ORDER BY id OFFSET (g % 126) LIMIT 1), 'active', now()
		 FROM generate_series(1, 1000000) g`,
		`INSERT INTO broadcasts (name, content)
		 SELECT 'Chiến dịch ' || g, '{"variants": {"vi": {"text": "Xin chào {name}"}}}'::jsonb FROM generate_series(1, 1000) g`,
		`INSERT INTO staff (name, role) SELECT 'Nhân viên ' || g, 'viewer' FROM generate_series(1, ` + strconv.Itoa(staff) + `) g`,
		`INSERT INTO console_credentials (staff_id, login) SELECT id, 'nv' || id FROM staff WHERE name LIKE 'Nhân viên %'`,
		`ANALYZE`,
	}
	for _, q := range steps {
		if _, err := db.ExecContext(ctx, q); err != nil {
			b.Fatalf("scale: %v\n%s", err, q)
		}
	}
}

// BenchmarkStaffPage renders the admin's staff list, first and deep pages
// (keyset: the same cost at any depth), over HTTP with a real session.
func BenchmarkStaffPage(b *testing.B) {
	st, srv := testConsole(b)
	_, secret := addStaff(b, st, "Quản trị", store.RoleAdmin, "", "admin", "mật khẩu thật dài", true)
	const staff = 10000
	scaleDB(b, st, staff)
	c := signIn(b, srv.URL, "admin", "mật khẩu thật dài", secret)
	for _, bc := range []struct{ name, path string }{
		{"first", "/console/staff"},
		{"deep", "/console/staff?after=" + strconv.Itoa(staff-100)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				resp, _ := get(b, c, srv.URL+bc.path)
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", bc.path, resp.StatusCode)
				}
			}
		})
	}
}
