package api_test

import (
	"encoding/csv"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// Issue 9, item 20: member lists can be searched (name, last phone digits or
// a whole number, status), paged by keyset (after=next, no offset) and
// exported as CSV.
func TestMemberSearchPagingAndExport(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString("name,phone,position\n")
	for i := 0; i < 25; i++ {
		fmt.Fprintf(&b, "Người %02d,09%08d,Chuyên viên\n", i, i)
	}
	b.WriteString("Trần Thị Hoa,0987654321,\"=HYPERLINK(\"\"x\"\")\"\n")
	e.must(e.csv("manager", importPath, b.String(), "text/csv"), 200)
	base := "/api/v1/agencies/so-a/members"
	type page struct {
		Total   int `json:"total"`
		Members []struct {
			ID, Name string
		} `json:"members"`
		Next string `json:"next"`
	}
	// keyset pages cover every member once, with the true total on each
	var p page
	seen := map[string]bool{}
	next, pages := "", 0
	for {
		var pg page
		e.must(e.call("manager", "GET", base+"?limit=10&after="+url.QueryEscape(next), nil), 200).json(t, &pg)
		pages++
		if pg.Total != 26 {
			t.Fatalf("page %d: total %d", pages, pg.Total)
		}
		for _, m := range pg.Members {
			if seen[m.ID] {
				t.Fatalf("%s on two pages", m.ID)
			}
			seen[m.ID] = true
		}
		if pg.Next == "" {
			break
		}
		next = pg.Next
	}
	if len(seen) != 26 || pages != 3 {
		t.Fatalf("%d pages covered %d members", pages, len(seen))
	}
	e.must(e.call("manager", "GET", base+"?offset=10", nil), 400)
	e.must(e.call("manager", "GET", base+"?after=bogus", nil), 400)
	// search
	e.must(e.call("manager", "GET", base+"?q="+url.QueryEscape("hoa"), nil), 200).json(t, &p)
	if p.Total != 1 || p.Members[0].Name != "Trần Thị Hoa" {
		t.Fatalf("name search %+v", p)
	}
	e.must(e.call("manager", "GET", base+"?phone=321", nil), 200).json(t, &p)
	if p.Total != 1 || p.Members[0].Name != "Trần Thị Hoa" {
		t.Fatalf("last digits %+v", p)
	}
	e.must(e.call("manager", "GET", base+"?phone="+url.QueryEscape("+84 987 654 321"), nil), 200).json(t, &p)
	if p.Total != 1 {
		t.Fatalf("whole number %+v", p)
	}
	e.must(e.call("manager", "GET", base+"?phone=12345", nil), 400)
	e.must(e.call("manager", "GET", base+"?status=joined", nil), 200).json(t, &p)
	if p.Total != 0 {
		t.Fatalf("joined %+v", p)
	}
	// export
	r := e.must(e.call("admin", "GET", base+"/export.csv?q=ng", nil), 200)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("content type %q", r.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	if err != nil || len(recs) != 26 || recs[0][2] != "name" {
		t.Fatalf("export: %d records, %v", len(recs), err)
	}
	r = e.must(e.call("manager", "GET", base+"/export.csv?q=hoa", nil), 200)
	if !strings.Contains(string(r.Body), `'=HYPERLINK`) {
		t.Errorf("formula not neutralised: %s", r.Body)
	}
	e.must(e.call("manager_b", "GET", base+"/export.csv", nil), 403)
}
