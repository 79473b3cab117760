package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

func spec(name string, aud messages.Audience) messages.CampaignSpec {
	return messages.CampaignSpec{Name: name, Audience: aud,
		Content:  messages.Content{Variants: map[string]messages.Variant{"vi": {Text: "Xin chào"}}},
		Schedule: messages.Schedule{Timezone: messages.DefaultTimezone}}
}

func TestFreezeAudienceFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.NewSeeded(t)
	db := st.DB()
	id := func(q string, args ...any) int64 {
		t.Helper()
		var v int64
		if err := db.Get(&v, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return v
	}
	l1 := id(`SELECT id FROM localities WHERE code = 'phuong-hoan-kiem'`)
	l2 := id(`SELECT id FROM localities WHERE code = 'phuong-cua-nam'`)
	l3 := id(`SELECT lf.locality_id FROM locality_former_units lf JOIN former_units f ON f.id = lf.former_unit_id
		WHERE f.code = 'huyen-ba-vi' LIMIT 1`)
	sub := func(ext, status, locale string, loc int64) int64 {
		return id(`INSERT INTO subscribers (channel, external_id, chat_id, locale, locality_id, status, consent_at)
			VALUES ('telegram', $1, $2, $3, $4, $5, now()) RETURNING id`, ext, 7000+len(ext)*100+int(ext[0]), locale, loc, status)
	}
	a := sub("a", "active", "vi", l1)
	b := sub("bb", "active", "en", l2)
	c := sub("ccc", "active", "vi", l3)
	sub("dddd", "unsubscribed", "vi", l1)
	sub("eeeee", "blocked", "vi", l1)
	sub("ffffff", "new", "vi", l1)
	z := id(`INSERT INTO subscribers (channel, external_id, locale, locality_id, status, consent_at)
		VALUES ('zalo', 'z1', 'vi', $1, 'active', now()) RETURNING id`, l1)
	id(`INSERT INTO agency_members (agency_id, subscriber_id, via) SELECT id, $1, 'staff' FROM agencies
		WHERE code = 'ubnd-tp-ha-noi' RETURNING agency_id`, c)

	cases := []struct {
		name string
		aud  messages.Audience
		want []int64
	}{
		{"everyone", messages.Audience{}, []int64{a, b, c, z}},
		{"ward", messages.Audience{Localities: []string{"phuong-hoan-kiem"}}, []int64{a, z}},
		{"city includes its wards", messages.Audience{Localities: []string{"ha-noi"}}, []int64{a, b, c, z}},
		{"former district", messages.Audience{FormerDistricts: []string{"huyen-ba-vi"}}, []int64{c}},
		{"agency", messages.Audience{Agencies: []string{"ubnd-tp-ha-noi"}}, []int64{c}},
		{"language", messages.Audience{Languages: []string{"en"}}, []int64{b}},
		{"lists combine with AND", messages.Audience{Localities: []string{"phuong-hoan-kiem", "phuong-cua-nam"},
			Languages: []string{"en"}}, []int64{b}},
		{"telegram channel", messages.Audience{Channels: []string{"telegram"}}, []int64{a, b, c}},
		{"zalo channel", messages.Audience{Channels: []string{"zalo"}}, []int64{z}},
		{"unknown code reaches no one", messages.Audience{Localities: []string{"no-such-ward"}}, nil},
	}
	for i, tc := range cases {
		bc, err := st.CreateBroadcast(ctx, store.NewBroadcast{Spec: spec("c"+tc.name, tc.aud), Approved: true}, store.CLIActor)
		if err != nil {
			t.Fatal(err)
		}
		run, err := st.CreateRun(ctx, bc.ID, time.Unix(int64(i), 0), store.CLIActor)
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.FreezeAudience(ctx, run, 2)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []int64
		if err := db.Select(&got, `SELECT subscriber_id FROM deliveries WHERE run_id = $1 ORDER BY 1`, run); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tc.want) || p.Total != len(tc.want) {
			t.Errorf("%s: froze %v (total %d), want %v", tc.name, got, p.Total, tc.want)
		}
		if len(tc.want) == 0 && p.Status != store.RunDone {
			t.Errorf("%s: empty audience left the run %s", tc.name, p.Status)
		}
	}
}

func TestFreezeIsOnceAndBatchesAreDense(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	if _, _, err := st.GenerateSubscribers(ctx, store.Generated{N: 1005, ChatIDBase: 1}); err != nil {
		t.Fatal(err)
	}
	bc, err := st.CreateBroadcast(ctx, store.NewBroadcast{Spec: spec("x", messages.Audience{}), Approved: true}, store.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.CreateRun(ctx, bc.ID, time.Now(), store.CLIActor)
	p, err := st.FreezeAudience(ctx, run, 100)
	if err != nil || !p.Fresh || p.Total != 1005 || p.Batches != 11 || p.Status != store.RunSending {
		t.Fatalf("first freeze %+v %v", p, err)
	}
	again, err := st.FreezeAudience(ctx, run, 100)
	if err != nil || again.Fresh || again.Total != 1005 {
		t.Fatalf("second freeze %+v %v", again, err)
	}
	var sizes []int
	if err := st.DB().Select(&sizes, `SELECT count(*) FROM deliveries WHERE run_id = $1 GROUP BY batch ORDER BY batch`, run); err != nil {
		t.Fatal(err)
	}
	if len(sizes) != 11 || sizes[0] != 100 || sizes[10] != 5 {
		t.Errorf("batch sizes %v", sizes)
	}
}

func TestClaimRecordProgressAndReport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	first, _, err := st.GenerateSubscribers(ctx, store.Generated{N: 10, ChatIDBase: 1})
	if err != nil {
		t.Fatal(err)
	}
	bc, _ := st.CreateBroadcast(ctx, store.NewBroadcast{Spec: spec("x", messages.Audience{}), Approved: true}, store.CLIActor)
	run, _ := st.CreateRun(ctx, bc.ID, time.Now(), store.CLIActor)
	if _, err := st.FreezeAudience(ctx, run, 10); err != nil {
		t.Fatal(err)
	}
	lease := time.Now().Add(time.Minute)
	k1, err := st.ClaimDeliveries(ctx, run, 0, 4, lease, store.Journal{Token: 1})
	c1 := k1.Rows
	if err != nil || len(c1) != 4 || c1[0].SubscriberID != first || c1[0].To == "" || k1.ID == 0 {
		t.Fatalf("claim %+v %v", k1, err)
	}
	k2, _ := st.ClaimDeliveries(ctx, run, 0, 100, lease, store.Journal{Token: 2, Epoch: "e"})
	c2 := k2.Rows
	if len(c2) != 6 || k2.ID == k1.ID {
		t.Fatalf("second claim got %d rows, want the other 6", len(c2))
	}
	if k3, err := st.ClaimDeliveries(ctx, run, 0, 100, lease, store.Journal{Token: 3}); err != nil || k3.ID != 0 || len(k3.Rows) != 0 {
		t.Fatalf("claim of nothing: %+v %v", k3, err)
	}
	rs := []store.Result{{SubscriberID: c1[0].SubscriberID, Status: "sent"},
		{SubscriberID: c1[1].SubscriberID, Status: "blocked", Reason: "blocked by the user"},
		{SubscriberID: c1[2].SubscriberID, Status: "pending", Unclaim: true},
		{SubscriberID: c1[3].SubscriberID, Status: "failed", Reason: "Bad Request: message is too long"}}
	rec, err := st.RecordResults(ctx, run, k1.ID, rs, true)
	if err != nil {
		t.Fatal(err)
	}
	if rec.ByStatus["sent"] != 1 || rec.ByStatus["blocked"] != 1 || rec.ByStatus["failed"] != 1 || rec.Returned != 1 {
		t.Errorf("recorded %+v", rec)
	}
	// a record under another claim's id changes nothing
	if rec, err := st.RecordResults(ctx, run, k1.ID, []store.Result{{SubscriberID: c2[0].SubscriberID, Status: "sent"}}, false); err != nil || len(rec.ByStatus) != 0 {
		t.Errorf("record of rows another claim holds: %+v %v", rec, err)
	}
	var subStatus string
	st.DB().Get(&subStatus, `SELECT status FROM subscribers WHERE id = $1`, c1[1].SubscriberID)
	if subStatus != "blocked" {
		t.Errorf("blocked subscriber is %s", subStatus)
	}
	if _, done, _ := st.FinishRunIfComplete(ctx, run); done {
		t.Error("run finished with rows open")
	}
	// the second claim's sender journaled three rows, then died
	var fenced []store.Journal
	fence := func(_ context.Context, js []store.Journal) ([]int64, error) {
		fenced = append(fenced, js...)
		return []int64{c2[2].SubscriberID}, nil
	}
	if x, err := st.ExpireClaims(ctx, time.Now(), fence); err != nil || len(x) != 0 || len(fenced) != 0 {
		t.Errorf("expired %+v (%v) while leased", x, err)
	}
	if n, err := st.ReconcileStale(ctx, run, 0); err != nil || n != 0 {
		t.Errorf("reconciled %d (%v) rows under a lease", n, err)
	}
	x, err := st.ExpireClaims(ctx, lease.Add(time.Second), fence)
	if err != nil || len(x) != 1 || x[0] != (store.Expired{RunID: run, Unknown: 3, Pending: 3}) {
		t.Errorf("expired %+v (%v), want 3 unknown and 3 pending", x, err)
	}
	if len(fenced) != 1 || fenced[0] != (store.Journal{Token: 2, Epoch: "e"}) {
		t.Errorf("fenced journals %v, want the second claim's", fenced)
	}
	if x, err := st.ExpireClaims(ctx, lease.Add(time.Second), fence); err != nil || len(x) != 0 || len(fenced) != 1 {
		t.Errorf("expired again: %+v %v, fenced %v", x, err, fenced)
	}
	// a late record of a journaled row knows better; an untried row is
	// pending for good. The late row is Late, not a second outcome: the
	// sweeper counted it (unknown) already.
	if rec, err := st.RecordResults(ctx, run, k2.ID, []store.Result{{SubscriberID: c2[0].SubscriberID, Status: "sent"},
		{SubscriberID: c2[4].SubscriberID, Status: "sent"}}, true); err != nil || rec.Late != 1 || len(rec.ByStatus) != 0 {
		t.Errorf("late record %+v %v", rec, err)
	}
	p, err := st.RunProgress(ctx, run)
	if err != nil || p.ByStatus["unknown"] != 2 || p.ByStatus["pending"] != 4 || p.Done() != 6 {
		t.Errorf("progress %+v %v", p.ByStatus, err)
	}
	var csv strings.Builder
	if err := st.WriteReportCSV(ctx, run, &csv); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
	if len(lines) != 11 || !strings.HasPrefix(lines[0], "subscriber_id,locality,locale,status,reason") ||
		!strings.Contains(csv.String(), ",blocked,blocked by the user,") {
		t.Errorf("report:\n%s", csv.String())
	}
	var audits int
	st.DB().Get(&audits, `SELECT count(*) FROM audit_log WHERE actor_kind = 'cli'`)
	if audits != 2 {
		t.Errorf("%d cli audit rows, want 2 (create broadcast, start run)", audits)
	}
}
