package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// TestCountEqualsFreeze: for every kind of filter and their combinations,
// and under an agency manager's scope, the count staff see before sending
// is exactly the rows the freeze writes, per channel too; and every batch
// holds one channel's recipients.
func TestCountEqualsFreeze(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.NewSeeded(t)
	db := st.DB()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var wards []int64
	if err := db.SelectContext(ctx, &wards, `SELECT id FROM localities WHERE kind <> 'city' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	// 3,000 Telegram and 700 second-channel residents over every ward
	// (some unsubscribed or blocked), with agency memberships at three
	// levels of one agency tree and in a second tree.
	if _, _, err := st.GenerateSubscribers(ctx, store.Generated{N: 3000, ChatIDBase: 1, EnglishPct: 10, Localities: wards, Prefix: "tg"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.GenerateSubscribers(ctx, store.Generated{N: 700, EnglishPct: 20, Localities: wards[3:], Prefix: "z", Channel: "zalo"}); err != nil {
		t.Fatal(err)
	}
	exec(`UPDATE subscribers SET status = CASE WHEN id % 17 = 0 THEN 'unsubscribed' ELSE 'blocked' END WHERE id % 17 = 0 OR id % 19 = 0`)
	for code, every := range map[string]int{"ubnd-tp-ha-noi": 13, "so-khcn-ha-noi": 11, "so-tttt-ha-noi-cu": 7, "cong-an-tp-ha-noi": 5} {
		exec(`INSERT INTO agency_members (agency_id, subscriber_id, via)
			SELECT g.id, s.id, 'staff' FROM agencies g, subscribers s WHERE g.code = $1 AND s.id % $2 = 0`, code, every)
	}
	var khcn int64
	if err := db.GetContext(ctx, &khcn, `SELECT id FROM agencies WHERE code = 'so-khcn-ha-noi'`); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name  string
		a     messages.Audience
		scope *int64 // the agency manager's agency
		none  bool   // reaches nobody
		all   bool   // reaches everyone
	}{
		{name: "everyone"},
		{name: "ward", a: messages.Audience{Localities: []string{"phuong-hoan-kiem"}}},
		{name: "two wards", a: messages.Audience{Localities: []string{"phuong-hoan-kiem", "phuong-ba-dinh"}}},
		{name: "city: the wards under it", a: messages.Audience{Localities: []string{"ha-noi"}}, all: true},
		{name: "former ward", a: messages.Audience{FormerDistricts: []string{"quan-ba-dinh-phuong-truc-bach"}}},
		{name: "former district", a: messages.Audience{FormerDistricts: []string{"quan-ba-dinh"}}},
		{name: "former district and a ward", a: messages.Audience{FormerDistricts: []string{"quan-ba-dinh"}, Localities: []string{"phuong-ba-dinh"}}},
		{name: "agency and its sub-agencies", a: messages.Audience{Agencies: []string{"ubnd-tp-ha-noi"}}},
		{name: "middle agency", a: messages.Audience{Agencies: []string{"so-khcn-ha-noi"}}},
		{name: "leaf agency", a: messages.Audience{Agencies: []string{"so-tttt-ha-noi-cu"}}},
		{name: "two agencies", a: messages.Audience{Agencies: []string{"so-tttt-ha-noi-cu", "cong-an-tp-ha-noi"}}},
		{name: "language", a: messages.Audience{Languages: []string{"en"}}},
		{name: "telegram", a: messages.Audience{Channels: []string{"telegram"}}},
		{name: "second channel", a: messages.Audience{Channels: []string{"zalo"}}},
		{name: "both channels", a: messages.Audience{Channels: []string{"telegram", "zalo"}}, all: true},
		{name: "channel, language and place", a: messages.Audience{Channels: []string{"zalo"}, Languages: []string{"en"},
			FormerDistricts: []string{"quan-ba-dinh", "quan-hoan-kiem"}}},
		{name: "agency and language", a: messages.Audience{Agencies: []string{"ubnd-tp-ha-noi"}, Languages: []string{"vi"}}},
		{name: "manager scope", scope: &khcn},
		{name: "manager scope and agency filter", scope: &khcn, a: messages.Audience{Agencies: []string{"so-tttt-ha-noi-cu"}}},
		{name: "manager scope and channel", scope: &khcn, a: messages.Audience{Channels: []string{"zalo"}}},
		{name: "unknown ward", a: messages.Audience{Localities: []string{"no-such-ward"}}, none: true},
		{name: "former units that do not meet", a: messages.Audience{FormerDistricts: []string{"huyen-ba-vi"}, Localities: []string{"phuong-hoan-kiem"}}, none: true},
	}
	var everyone int
	for i, tc := range cases {
		n, err := st.CountAudience(ctx, tc.a, tc.scope)
		if err != nil {
			t.Fatal(err)
		}
		by, err := st.CountAudienceByChannel(ctx, tc.a, tc.scope)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(24 * time.Hour)
		b, err := st.CreateDraft(ctx, store.CLIActor, store.DraftInput{Name: fmt.Sprint("c", i), Audience: tc.a, AgencyID: tc.scope,
			Content: messages.Content{Variants: map[string]messages.Variant{"vi": {Text: "Xin chào"}}}, Schedule: messages.Schedule{At: &at}})
		if err != nil {
			t.Fatal(err)
		}
		run, err := st.CreateRun(ctx, b.ID, time.Now(), store.CLIActor)
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.FreezeAudience(ctx, run, 7)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var rows struct {
			N       int `db:"n"`
			Batches int `db:"batches"`
			Max     int `db:"max"`
			Mixed   int `db:"mixed"`
		}
		if err := db.GetContext(ctx, &rows, `SELECT count(*) AS n, count(DISTINCT batch) AS batches, coalesce(max(batch), -1) AS max,
			(SELECT count(*) FROM (SELECT batch FROM deliveries WHERE run_id = $1 GROUP BY batch HAVING count(DISTINCT channel) > 1) m) AS mixed
			FROM deliveries WHERE run_id = $1`, run); err != nil {
			t.Fatal(err)
		}
		frozenBy := map[string]int{}
		var perChannel []struct {
			Channel string `db:"channel"`
			N       int    `db:"n"`
		}
		if err := db.SelectContext(ctx, &perChannel, `SELECT channel, count(*) AS n FROM deliveries WHERE run_id = $1 GROUP BY channel`, run); err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, c := range perChannel {
			frozenBy[c.Channel] = c.N
			if by[c.Channel] != c.N {
				t.Errorf("%s: %s counted %d, frozen %d", tc.name, c.Channel, by[c.Channel], c.N)
			}
			sum += c.N
		}
		switch {
		case n != rows.N || p.Total != rows.N || sum != n || len(by) != len(frozenBy):
			t.Errorf("%s: count %d (by channel %v), freeze wrote %d (%v), plan total %d", tc.name, n, by, rows.N, frozenBy, p.Total)
		case rows.Mixed != 0:
			t.Errorf("%s: %d batches mix channels", tc.name, rows.Mixed)
		case rows.Batches != p.Batches || rows.Max != p.Batches-1:
			t.Errorf("%s: %d batches up to %d, plan says %d", tc.name, rows.Batches, rows.Max, p.Batches)
		case tc.none != (n == 0):
			t.Errorf("%s: reaches %d", tc.name, n)
		}
		if i == 0 {
			everyone = n
		} else if tc.all != (n == everyone) {
			t.Errorf("%s: reaches %d of everyone's %d: the filter did too little or too much", tc.name, n, everyone)
		}
	}
	// The parent agency reaches its sub-agencies' members: a member of the
	// leaf agency only is in its freeze.
	var leafOnly int
	if err := db.GetContext(ctx, &leafOnly, `SELECT count(*) FROM deliveries d JOIN runs r ON r.id = d.run_id
		JOIN broadcasts b ON b.id = r.broadcast_id WHERE b.name = 'c7' AND d.subscriber_id % 7 = 0 AND d.subscriber_id % 13 <> 0`); err != nil {
		t.Fatal(err)
	}
	if leafOnly == 0 {
		t.Error("members of a sub-agency's list are not reached through the parent agency")
	}
}
