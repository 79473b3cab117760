package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

func newResident(t *testing.T, st *store.Store, ext string) store.Subscriber {
	t.Helper()
	sub, err := st.UpsertSubscriber(context.Background(), store.Contact{Channel: "telegram", ExternalID: ext,
		ChatID: 42, FirstName: "Lan", Locale: "vi"})
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func TestSubscriberLifecycle(t *testing.T) {
	ctx := context.Background()
	st := storetest.NewSeeded(t)
	sub := newResident(t, st, "42")
	if sub.Status != store.StatusNew || sub.Locale != "vi" {
		t.Fatalf("new row: %+v", sub)
	}
	again, err := st.UpsertSubscriber(ctx, store.Contact{Channel: "telegram", ExternalID: "42", ChatID: 43, FirstName: "Lan", Locale: "en"})
	if err != nil || again.ID != sub.ID || again.ChatID.Int64 != 43 || again.Locale != "vi" {
		t.Fatalf("upsert again: %+v %v (a chosen locale must stick)", again, err)
	}
	loc, err := st.LocalityByCode(ctx, "phuong-hoan-kiem")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Subscribe(ctx, sub.ID, loc.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := st.SubscriberByExternal(ctx, "telegram", "42")
	if got.Status != store.StatusActive || got.LocalityID.Int64 != loc.ID || !got.ConsentAt.Valid {
		t.Fatalf("after subscribe: %+v", got)
	}
	if was, err := st.Unsubscribe(ctx, sub.ID); err != nil || !was {
		t.Fatalf("unsubscribe: %v %v", was, err)
	}
	if was, _ := st.Unsubscribe(ctx, sub.ID); was {
		t.Fatal("second unsubscribe reported active")
	}
	if err := st.MarkBlocked(ctx, "telegram", "42", "blocked by user"); err != nil {
		t.Fatal(err)
	}
	got, _ = st.SubscriberByExternal(ctx, "telegram", "42")
	if got.Status != store.StatusBlocked {
		t.Fatalf("blocked: %+v", got)
	}
	if err := st.MarkUnblocked(ctx, "telegram", "42"); err != nil {
		t.Fatal(err)
	}
	got, _ = st.SubscriberByExternal(ctx, "telegram", "42")
	if got.Status != store.StatusUnsubscribed {
		t.Fatalf("unblocked after consent: %+v", got)
	}
	if err := st.SetLocale(ctx, sub.ID, "xx"); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("bad locale: %v", err)
	}
	if err := st.SetLocale(ctx, 999999, "en"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing subscriber: %v", err)
	}
}

func TestMyDataAndForget(t *testing.T) {
	ctx := context.Background()
	st := storetest.NewSeeded(t)
	sub := newResident(t, st, "77")
	other := newResident(t, st, "78")
	db := st.DB()
	var agencyID int64
	if err := db.GetContext(ctx, &agencyID, `SELECT id FROM agencies ORDER BY id LIMIT 1`); err != nil {
		t.Fatalf("seeded agency: %v", err)
	}
	if _, err := st.JoinAgency(ctx, agencyID, sub.ID, "invite"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.JoinAgency(ctx, agencyID, sub.ID, "invite"); err != nil {
		t.Fatalf("join twice: %v", err)
	}
	if _, err := st.JoinAgency(ctx, 1<<40, sub.ID, "invite"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing agency: %v", err)
	}
	for _, id := range []int64{sub.ID, other.ID} {
		if _, err := st.LogQuestion(ctx, store.Question{SubscriberID: id, Locale: "vi", Question: "cds la gi",
			Normalized: "cds la gi", EntryKey: "cds-la-gi", Score: 0.9, Outcome: store.OutcomeAnswered}); err != nil {
			t.Fatal(err)
		}
	}
	execSQL(t, st, `INSERT INTO broadcasts (name, content) VALUES ('t', '{"variants":{"vi":{}}}')`)
	execSQL(t, st, `INSERT INTO runs (broadcast_id, occurrence, content, audience)
		SELECT id, now(), content, audience FROM broadcasts`)
	execSQL(t, st, `INSERT INTO deliveries (run_id, subscriber_id, batch) SELECT id, $1, 0 FROM runs`, sub.ID)
	execSQL(t, st, `INSERT INTO deliveries (run_id, subscriber_id, batch) SELECT id, $1, 0 FROM runs`, other.ID)
	execSQL(t, st, `INSERT INTO pending_members (agency_id, phone_hash, full_name, matched_subscriber_id, matched_at)
		VALUES ($1, decode(repeat('ab', 32), 'hex'), 'Lan', $2, now())`, agencyID, sub.ID)

	d, err := st.MyData(ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Memberships) != 1 || d.QuestionsAll != 1 || len(d.Questions) != 1 || d.Deliveries != 1 {
		t.Fatalf("mydata: %+v", d)
	}
	if err := st.Forget(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	for table, q := range map[string]string{
		"subscribers":     `SELECT count(*) FROM subscribers WHERE id = $1`,
		"question_log":    `SELECT count(*) FROM question_log WHERE subscriber_id = $1`,
		"deliveries":      `SELECT count(*) FROM deliveries WHERE subscriber_id = $1`,
		"agency_members":  `SELECT count(*) FROM agency_members WHERE subscriber_id = $1`,
		"pending_members": `SELECT count(*) FROM pending_members WHERE matched_subscriber_id = $1`,
	} {
		var n int
		if err := db.GetContext(ctx, &n, q, sub.ID); err != nil || n != 0 {
			t.Errorf("%s after forget: %d rows, %v", table, n, err)
		}
	}
	if d, err := st.MyData(ctx, other.ID); err != nil || d.QuestionsAll != 1 || d.Deliveries != 1 {
		t.Errorf("forget touched another resident: %+v %v", d, err)
	}
	if err := st.Forget(ctx, sub.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("forget twice: %v", err)
	}
}

func TestQuestionFeedbackAndPurge(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	sub := newResident(t, st, "9")
	id, err := st.LogQuestion(ctx, store.Question{SubscriberID: sub.ID, Locale: "vi", Question: "<b>hi</b>",
		Normalized: "b hi b", Outcome: store.OutcomeFallback})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.QuestionFeedback(ctx, id, sub.ID, 1); err != nil {
		t.Fatal(err)
	}
	if err := st.QuestionFeedback(ctx, id, sub.ID+1, -1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("someone else's question: %v", err)
	}
	if err := st.QuestionFeedback(ctx, id, sub.ID, 5); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("bad vote: %v", err)
	}
	execSQL(t, st, `UPDATE question_log SET at = now() - interval '10 days' WHERE id = $1`, id)
	if _, err := st.LogQuestion(ctx, store.Question{Locale: "en", Question: "fresh", Normalized: "fresh",
		Outcome: store.OutcomeFallback}); err != nil {
		t.Fatal(err)
	}
	n, err := st.PurgeQuestions(ctx, 7*24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}
}

func execSQL(t *testing.T, st *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := st.DB().ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// Every message upserts its sender; an unchanged resident must cost a read,
// not a new row version.
func TestUpsertSubscriberWritesOnlyChanges(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := context.Background()
	c := store.Contact{Channel: "telegram", ExternalID: "77", ChatID: 77, FirstName: "Hoa", Locale: "vi"}
	version := func() string {
		var x string
		if err := st.DB().GetContext(ctx, &x, `SELECT xmin::text FROM subscribers WHERE external_id = '77'`); err != nil {
			t.Fatal(err)
		}
		return x
	}
	if _, err := st.UpsertSubscriber(ctx, c); err != nil {
		t.Fatal(err)
	}
	first := version()
	if _, err := st.UpsertSubscriber(ctx, c); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != first {
		t.Fatalf("an unchanged contact rewrote the row (xmin %s -> %s)", first, v)
	}
	c.FirstName = "Hòa"
	sub, err := st.UpsertSubscriber(ctx, c)
	if err != nil || sub.FirstName != "Hòa" || version() == first {
		t.Fatalf("a changed name was not stored: %+v %v", sub, err)
	}
}
