package api_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/invite"
	"github.com/loa-vn/loa/store"
)

type importResult struct {
	DryRun    bool `json:"dry_run"`
	Total     int  `json:"total"`
	Valid     int  `json:"valid"`
	Added     int  `json:"added"`
	Updated   int  `json:"updated"`
	Unchanged int  `json:"unchanged"`
	Matched   int  `json:"matched"`
	ImportID  int  `json:"import_id"`
	Bad       []struct {
		Line   int    `json:"line"`
		Column string `json:"column"`
		Reason string `json:"reason"`
	} `json:"bad_lines"`
}

const importPath = "/api/v1/agencies/so-a/members/import"

func TestMemberImportBadLines(t *testing.T) {
	e := newEnv(t)
	file := "\ufeffhọ tên;số điện thoại;chức vụ;phường/xã\n" + // BOM, Vietnamese header, semicolons
		"Nguyễn Văn A;0912 345 678;Chuyên viên;Phường Hoàn Kiếm\n" + // 2 ok
		";0912345679;;\n" + // 3 no name
		"Trần Thị B;024 3825 1234;;\n" + // 4 landline
		"Lê C;abc;;\n" + // 5 garbage
		"Phạm D;+84 912-345-678;;\n" + // 6 same phone as line 2
		"Hoàng E;84987654321;;phuong-khong-ton-tai\n" + // 7 unknown locality
		"Vũ F;(098) 765.4322;;phuong-ba-dinh\n" // 8 ok, locality by code
	var dry importResult
	e.must(e.csv("manager", importPath+"?dry_run=true", file, "text/csv"), 200).json(t, &dry)
	want := map[int]string{3: "name", 4: "phone", 5: "phone", 6: "phone", 7: "locality"}
	if dry.Total != 7 || dry.Valid != 2 || len(dry.Bad) != len(want) {
		t.Fatalf("dry run: %+v", dry)
	}
	for _, b := range dry.Bad {
		if want[b.Line] != b.Column || b.Reason == "" {
			t.Errorf("line %d: column %q reason %q", b.Line, b.Column, b.Reason)
		}
	}
	if !strings.Contains(dry.Bad[3].Reason, "line 2") {
		t.Errorf("duplicate reason %q", dry.Bad[3].Reason)
	}
	// the real import is all-or-nothing
	r := e.must(e.csv("manager", importPath, file, "text/csv"), 422)
	ae := r.apiErr(t)
	if ae.Code != "invalid_lines" || len(ae.Fields) != 5 || !ae.hasField("line.4.phone") {
		t.Fatalf("422: %s", r.Body)
	}
	var n int
	e.st.DB().GetContext(context.Background(), &n, `SELECT count(*) FROM pending_members`)
	if n != 0 {
		t.Fatalf("%d rows written by a refused import", n)
	}
	// header problems
	e.must(e.csv("manager", importPath, "foo,bar\nx,y\n", "text/csv"), 422)
	e.must(e.csv("manager", importPath, "name,phone\n", "text/csv"), 422)
	e.must(e.csv("manager", importPath, "name,phone\n\xff\xfe,0912345678\n", "text/csv"), 422)
}

func TestMemberImportIdempotentAndMatching(t *testing.T) {
	e := newEnv(t)
	file := "name,phone,position,locality\n" +
		"Nguyễn Văn A,0912345678,Chuyên viên,Hoàn Kiếm\n" +
		"Trần Thị B,0987654321,,\n" +
		"Lê Văn C,0355555555,,Hàng Bạc\n" // a former ward: resolved to its current unit
	var first, again, changed importResult
	e.must(e.csv("manager", importPath+"?filename=ds.csv", file, "text/csv"), 200).json(t, &first)
	if first.Added != 3 || first.Updated != 0 || first.ImportID == 0 {
		t.Fatalf("first import %+v", first)
	}
	e.must(e.csv("manager", importPath, file, "text/csv"), 200).json(t, &again)
	if again.Added != 0 || again.Updated != 0 || again.Unchanged != 3 || again.ImportID != 0 {
		t.Fatalf("re-import %+v", again)
	}
	var imports int
	e.st.DB().GetContext(context.Background(), &imports, `SELECT count(*) FROM member_imports`)
	if imports != 1 {
		t.Fatalf("%d member_imports rows after an identical re-import", imports)
	}
	edited := strings.Replace(file, "Chuyên viên", "Trưởng phòng", 1) + "Mới D,0977777777,,\n"
	e.must(e.csv("manager", importPath, edited, "text/csv"), 200).json(t, &changed)
	if changed.Added != 1 || changed.Updated != 1 || changed.Unchanged != 2 {
		t.Fatalf("changed import %+v", changed)
	}
	if e.auditCount("member.import") != 2 {
		t.Errorf("member.import audit entries: %d, want 2", e.auditCount("member.import"))
	}
	// phones are stored only as keyed hashes with a short hint
	var clear int
	e.st.DB().GetContext(context.Background(), &clear, `SELECT count(*) FROM pending_members WHERE phone_hint NOT SIMILAR TO '[0-9]{3}'`)
	if clear != 0 {
		t.Fatal("phone hints longer than 3 digits")
	}

	// a resident shares 0912 345 678 through the bot: they join so-a
	ctx := context.Background()
	sub, err := e.st.UpsertSubscriber(ctx, store.Contact{Channel: "telegram", ExternalID: "555", ChatID: 555, FirstName: "A", Locale: "vi"})
	if err != nil {
		t.Fatal(err)
	}
	joined, err := e.st.MatchPhone(ctx, testKey, sub.ID, "+84912345678")
	if err != nil || len(joined) != 1 || joined[0].NameVi != "Sở A" {
		t.Fatalf("match: %+v %v", joined, err)
	}
	var list struct {
		Total   int            `json:"total"`
		Members []store.Member `json:"members"`
	}
	e.must(e.call("manager", "GET", "/api/v1/agencies/so-a/members?status=joined", nil), 200).json(t, &list)
	if list.Total != 1 || list.Members[0].Name != "Nguyễn Văn A" || list.Members[0].Status != "joined" {
		t.Fatalf("joined list %+v", list)
	}
	e.must(e.call("manager", "GET", "/api/v1/agencies/so-a/members?status=pending", nil), 200).json(t, &list)
	if list.Total != 3 {
		t.Fatalf("pending %d, want 3", list.Total)
	}
	// removal
	e.must(e.call("manager", "DELETE", "/api/v1/agencies/so-a/members/"+list.Members[0].ID, nil), 204)
	e.must(e.call("manager", "DELETE", "/api/v1/agencies/so-a/members/"+list.Members[0].ID, nil), 404)
	e.must(e.call("manager", "DELETE", "/api/v1/agencies/so-a/members/s"+itoa(sub.ID), nil), 204)
	e.must(e.call("manager", "GET", "/api/v1/agencies/so-a/members", nil), 200).json(t, &list)
	if list.Total != 2 {
		t.Fatalf("after removals %d members, want 2", list.Total)
	}
	if e.auditCount("member.remove") != 2 || e.auditCount("member.phone_match") != 1 {
		t.Error("member.remove / member.phone_match not audited")
	}
}

// TestMemberImport100k imports 100,000 generated lines (the timing is
// reported; the benchmark is BenchmarkMemberImport100k).
func TestMemberImport100k(t *testing.T) {
	if testing.Short() {
		t.Skip("100k import in -short mode")
	}
	e := newEnv(t)
	file := memberFile(100000, 0)
	start := time.Now()
	var res importResult
	e.must(e.csv("manager", importPath, file, "text/csv"), 200).json(t, &res)
	took := time.Since(start)
	if res.Added != 100000 || res.Total != 100000 {
		t.Fatalf("import %+v", res)
	}
	t.Logf("100,000-row import: %v (HTTP round trip incl. parsing and COPY)", took)
	start = time.Now()
	e.must(e.csv("manager", importPath, file, "text/csv"), 200).json(t, &res)
	if res.Unchanged != 100000 {
		t.Fatalf("re-import %+v", res)
	}
	t.Logf("100,000-row identical re-import: %v", time.Since(start))
}

func memberFile(n, seed int) string {
	var b bytes.Buffer
	b.WriteString("name,phone,position,locality\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "Người %d,09%08d,Chuyên viên,phuong-hoan-kiem\n", i+seed, i+seed)
	}
	return b.String()
}

func BenchmarkMemberImport100k(b *testing.B) {
	e := newEnvB(b)
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		file := memberFile(100000, i*100000)
		b.StartTimer()
		r := e.csv("manager", importPath, file, "text/csv")
		b.StopTimer()
		if r.Status != 200 {
			b.Fatalf("status %d: %.300s", r.Status, r.Body)
		}
	}
}

func TestInvites(t *testing.T) {
	e := newEnv(t)
	var inv struct {
		ID        int64     `json:"id"`
		URL       string    `json:"url"`
		QRURL     string    `json:"qr_url"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	e.must(e.call("manager", "POST", "/api/v1/agencies/so-a-phong/invites", map[string]int{"expires_in_days": 7}), 201).json(t, &inv)
	payload, ok := strings.CutPrefix(inv.URL, "https://t.me/loa_test_bot?start=")
	if !ok || len(payload) > 64 {
		t.Fatalf("url %q", inv.URL)
	}
	got, err := invite.Verify(testKey, payload, time.Now())
	a, _ := e.st.AgencyByCode(context.Background(), "so-a-phong")
	if err != nil || got.ID != inv.ID {
		t.Fatalf("verify: %+v %v", got, err)
	}
	if row, err := e.st.InviteByID(context.Background(), got.ID); err != nil || row.AgencyID == nil || *row.AgencyID != a.ID {
		t.Fatalf("invite row: %+v %v", row, err)
	}
	if d := time.Until(inv.ExpiresAt); d < 6*24*time.Hour || d > 8*24*time.Hour {
		t.Fatalf("expires %v", inv.ExpiresAt)
	}
	qr := e.must(e.call("manager", "GET", inv.QRURL, nil), 200)
	if qr.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(qr.Body, []byte("\x89PNG")) {
		t.Fatalf("qr: %s", qr.Header.Get("Content-Type"))
	}
	revoke := "/api/v1/agencies/so-a-phong/invites/" + strconv.FormatInt(inv.ID, 10)
	e.must(e.call("viewer", "DELETE", revoke, nil), 403)
	e.must(e.call("manager", "DELETE", revoke, nil), 200)
	e.must(e.call("manager", "GET", inv.QRURL, nil), 410)
	if row, _ := e.st.InviteByID(context.Background(), inv.ID); row.RevokedAt == nil {
		t.Fatal("revoke did not mark the invite")
	}
	e.must(e.call("manager_b", "GET", inv.QRURL, nil), 403)
	e.must(e.call("manager", "GET", strings.Replace(inv.QRURL, "so-a-phong", "so-a", 1), nil), 404)
	e.must(e.call("manager", "POST", "/api/v1/agencies/so-a/invites", map[string]int{"expires_in_days": 1000}), 422)
	var loc struct {
		QRURL string `json:"qr_url"`
	}
	e.must(e.call("editor", "POST", "/api/v1/localities/phuong-hoan-kiem/invites", nil), 201).json(t, &loc)
	e.must(e.call("editor", "GET", loc.QRURL, nil), 200)
	if e.auditCount("invite.create") != 2 {
		t.Error("invites not audited")
	}
}
