package console

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/loa-vn/loa/store"
)

// BenchmarkMemberPages renders a manager's member list of 100,000 members
// (70,000 imported, 20,000 of whom joined by phone, and 30,000 who joined
// by invite), first page, a deep page, a name search and the pending
// filter; the audit log over 500,000 rows, unfiltered, by who, by action
// and by broadcast; and the FAQ inbox over 200,000 unanswered questions in
// 5,000 groups; all on the 1,000,000-subscriber database of scaleDB.
//
//	go test -run '^$' -bench 'MemberPages' -benchtime 50x ./web/console/
func BenchmarkMemberPages(b *testing.B) {
	st, srv := testConsole(b)
	_, secret := addStaff(b, st, "Quản trị", store.RoleAdmin, "", "admin", "mật khẩu thật dài", true)
	addStaff(b, st, "Biên tập", store.RoleEditor, "", "editor", "mật khẩu biên tập", false)
	scaleDB(b, st, 1000)
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO pending_members (agency_id, phone_hash, phone_hint, full_name, position, matched_subscriber_id, matched_at)
		 SELECT (SELECT id FROM agencies WHERE code = 'so-khcn-ha-noi'), sha256(('p' || g)::bytea), lpad((g % 1000)::text, 3, '0'),
		        'Thành viên ' || lpad(g::text, 6, '0'), 'Chuyên viên',
		        CASE WHEN g <= 20000 THEN (SELECT min(id) FROM subscribers) + g END, CASE WHEN g <= 20000 THEN now() END
		 FROM generate_series(1, 70000) g`,
		`INSERT INTO agency_members (agency_id, subscriber_id, via)
		 SELECT (SELECT id FROM agencies WHERE code = 'so-khcn-ha-noi'), (SELECT min(id) FROM subscribers) + g, 'phone'
		 FROM generate_series(1, 20000) g`,
		`INSERT INTO agency_members (agency_id, subscriber_id, via)
		 SELECT (SELECT id FROM agencies WHERE code = 'so-khcn-ha-noi'), (SELECT min(id) FROM subscribers) + g, 'invite'
		 FROM generate_series(100001, 130000) g`,
		`INSERT INTO audit_log (at, staff_id, actor_kind, action, object_type, object_id, after)
		 SELECT now() - make_interval(secs => 500000 - g), CASE WHEN g % 3 = 0 THEN NULL ELSE (SELECT min(id) FROM staff) + g % 50 END,
		        CASE WHEN g % 3 = 0 THEN 'cli' ELSE 'staff' END,
		        (ARRAY['broadcast.create', 'broadcast.update', 'broadcast.approve', 'faq.update', 'member.import', 'staff.console_sign_in'])[1 + g % 6],
		        CASE WHEN g % 6 < 3 THEN 'broadcast' ELSE 'staff' END, (g % 1000)::text, '{"n": 1}'
		 FROM generate_series(1, 500000) g`,
		`INSERT INTO question_log (at, locale, question, normalized, score, outcome)
		 SELECT now() - make_interval(mins => g % 40000), 'vi', 'Câu hỏi số ' || (g % 5000) || ' gọi 0912 345 678',
		        'cau hoi so ' || (g % 5000), 0.1, 'fallback'
		 FROM generate_series(1, 200000) g`,
		`VACUUM (ANALYZE) question_log`, // autovacuum does this to an append-mostly table
		`ANALYZE`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			b.Fatalf("seed: %v\n%s", err, q)
		}
	}
	admin := signIn(b, srv.URL, "admin", "mật khẩu thật dài", secret)
	_, first := get(b, admin, srv.URL+"/console/members/so-khcn-ha-noi")
	deep := regexp.MustCompile(`after=([A-Za-z0-9_-]+)`).FindStringSubmatch(first)
	if deep == nil {
		b.Fatal("no next page")
	}
	editor := signIn(b, srv.URL, "editor", "mật khẩu biên tập", "")
	for _, bc := range []struct {
		name string
		c    *http.Client
		path string
	}{
		{"members/first", admin, "/console/members/so-khcn-ha-noi"},
		{"members/second", admin, "/console/members/so-khcn-ha-noi?after=" + deep[1]},
		{"members/search", admin, "/console/members/so-khcn-ha-noi?q=01234"},
		{"members/pending", admin, "/console/members/so-khcn-ha-noi?status=pending"},
		{"audit/all", admin, "/console/audit"},
		{"audit/deep", admin, "/console/audit?before=1000"},
		{"audit/who", admin, "/console/audit?who=admin"},
		{"audit/action", admin, "/console/audit?action=member.import"},
		{"audit/broadcast", admin, "/console/audit?broadcast=7"},
		{"faq/inbox", editor, "/console/faq/inbox"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				resp, _ := get(b, bc.c, srv.URL+bc.path)
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", bc.path, resp.StatusCode)
				}
			}
		})
	}
}
