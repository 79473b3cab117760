package staff_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/bot/staff"
	"github.com/loa-vn/loa/bot/telegram"
	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/locales"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

type harness struct {
	t   *testing.T
	ctx context.Context
	st  *store.Store
	wf  *broadcast.Workflow
	tg  *tgfake.Server
}

func newHarness(t *testing.T, twoPerson bool) *harness {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	st := storetest.NewSeeded(t)
	tg := tgfake.New()
	t.Cleanup(tg.Close)
	cat, err := l10n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	// the staff commands alone, behind the Telegram channel
	wf := broadcast.New(broadcast.Config{Store: st, TwoPersonRule: twoPerson})
	only := staffOnly(staff.Handler(staff.Deps{Store: st, Workflow: wf}))
	b, err := telegram.New(ctx, telegram.Config{Token: tg.Token(), APIURL: tg.URL()}, telegram.Deps{Conv: only, Text: cat})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- b.Poll(ctx, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("poll: %v", err)
		}
	})
	return &harness{t: t, ctx: ctx, st: st, wf: wf, tg: tg}
}

// staffOnly answers with the staff commands and ignores everything else.
type staffOnly conv.Handler

func (h staffOnly) Handle(ctx context.Context, m conv.Message, out conv.Chat) { h(ctx, m, out) }

// say sends text as u and returns the bot's next message to u.
func (h *harness) say(u tgfake.User, text string) tgfake.Sent {
	h.t.Helper()
	before := len(h.tg.SentTo(u.ID))
	h.tg.SendText(u, text)
	return h.next(u, before)
}

func (h *harness) next(u tgfake.User, before int) tgfake.Sent {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 5*time.Second)
	defer cancel()
	sent, err := h.tg.WaitSent(ctx, u.ID, before+1)
	if err != nil {
		h.t.Fatalf("no reply: %v", err)
	}
	return sent[before]
}

// linked creates a staff member and links u through /link.
func (h *harness) linked(u tgfake.User, ns store.NewStaff) store.Staff {
	h.t.Helper()
	s, _, err := h.st.CreateStaff(h.ctx, store.CLIActor, ns)
	if err != nil {
		h.t.Fatal(err)
	}
	code, _, err := h.st.CreateLinkCode(h.ctx, store.CLIActor, s.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	if got := h.say(u, "/link "+code); !strings.Contains(got.Plain, ns.Name) {
		h.t.Fatalf("link reply %q", got.Plain)
	}
	return s
}

func (h *harness) submitted(author store.Staff, name string) store.BroadcastDraft {
	h.t.Helper()
	loc, _ := h.st.LocalityByCode(h.ctx, "phuong-hoan-kiem")
	if _, _, err := h.st.GenerateSubscribers(h.ctx, store.Generated{N: 2, ChatIDBase: 9000, Localities: []int64{loc.ID}, Prefix: name}); err != nil {
		h.t.Fatal(err)
	}
	at := time.Now().Add(48 * time.Hour)
	who := broadcast.StaffActor(author, "")
	b, err := h.wf.Create(h.ctx, who, broadcast.Draft{Name: name,
		Content:  messages.Content{Variants: map[string]messages.Variant{"vi": {Text: "Xin chào <b>" + name + "</b>"}}},
		Audience: messages.Audience{Localities: []string{"phuong-hoan-kiem"}}, Schedule: messages.Schedule{At: &at}})
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.wf.Submit(h.ctx, who, b.ID); err != nil {
		h.t.Fatal(err)
	}
	return b
}

var (
	resident = tgfake.User{ID: 100, FirstName: "Dân", LanguageCode: "vi"}
	editorU  = tgfake.User{ID: 201, FirstName: "Editor", LanguageCode: "en"}
	approveU = tgfake.User{ID: 202, FirstName: "Approver", LanguageCode: "en"}
)

func TestUnlinkedAreRefused(t *testing.T) {
	h := newHarness(t, true)
	for _, cmd := range []string{"/pending", "/broadcasts", "/cancel 1", "/report 1"} {
		if got := h.say(resident, cmd); !strings.Contains(got.Plain, "/link") || len(got.Buttons()) != 0 {
			t.Errorf("%s to a resident: %q", cmd, got.Plain)
		}
	}
	if got := h.say(resident, "/link nope"); !strings.Contains(got.Plain, "hết hạn") {
		t.Errorf("bad code: %q", got.Plain)
	}
}

func TestPendingApproveWithTwoPersonRule(t *testing.T) {
	h := newHarness(t, true)
	ed := h.linked(editorU, store.NewStaff{Name: "Ed Itor", Role: store.RoleEditor})
	// an admin both writes and approves: the two-person rule stops them approving their own
	ap := h.linked(approveU, store.NewStaff{Name: "Ada Min", Role: store.RoleAdmin})
	own := h.submitted(ap, "tu-duyet")
	b := h.submitted(ed, "ngay-cds")

	// an editor sees the list without buttons
	before := len(h.tg.SentTo(editorU.ID))
	h.tg.SendText(editorU, "/pending")
	if got := h.next(editorU, before); len(got.Buttons()) != 0 {
		t.Fatalf("editor got buttons: %+v", got.Buttons())
	}
	// the approver gets one message per submitted broadcast, with buttons
	before = len(h.tg.SentTo(approveU.ID))
	h.tg.SendText(approveU, "/pending")
	ctx, cancel := context.WithTimeout(h.ctx, 5*time.Second)
	defer cancel()
	msgs, err := h.tg.WaitSent(ctx, approveU.ID, before+2)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]tgfake.Sent{}
	for _, m := range msgs[before:] {
		for _, bt := range m.Buttons() {
			if id, ok := strings.CutPrefix(bt.CallbackData, "staff:approve:"); ok {
				var n int64
				json.Unmarshal([]byte(id), &n)
				byID[n] = m
			}
		}
	}
	// approving one's own is refused by the two-person rule
	before = len(h.tg.SentTo(approveU.ID))
	h.tg.PressButton(approveU, byID[own.ID].MessageID, "staff:approve:"+itoa(own.ID))
	if got := h.next(approveU, before); !strings.Contains(got.Plain, "two-person") {
		t.Fatalf("own approval: %q", got.Plain)
	}
	before = len(h.tg.SentTo(approveU.ID))
	h.tg.PressButton(approveU, byID[b.ID].MessageID, "staff:approve:"+itoa(b.ID))
	if got := h.next(approveU, before); !strings.Contains(got.Plain, "approved") {
		t.Fatalf("approval: %q", got.Plain)
	}
	got, _ := h.st.DraftByID(h.ctx, b.ID)
	if got.Status != store.BroadcastApproved || *got.ApprovedBy != ap.ID {
		t.Fatalf("after approve: %+v", got)
	}
	// a forged button press from an editor is refused
	before = len(h.tg.SentTo(editorU.ID))
	h.tg.PressButton(editorU, byID[own.ID].MessageID, "staff:approve:"+itoa(own.ID))
	if got := h.next(editorU, before); !strings.Contains(got.Plain, "may not") {
		t.Fatalf("editor approval: %q", got.Plain)
	}
	// /broadcasts, /cancel, /report
	if got := h.say(approveU, "/broadcasts"); !strings.Contains(got.Plain, "ngay-cds") {
		t.Fatalf("/broadcasts: %q", got.Plain)
	}
	if got := h.say(approveU, "/report "+itoa(b.ID)); !strings.Contains(got.Plain, "not been sent") {
		t.Fatalf("/report: %q", got.Plain)
	}
	if got := h.say(editorU, "/cancel "+itoa(b.ID)); !strings.Contains(got.Plain, "may not") {
		t.Fatalf("editor /cancel: %q", got.Plain)
	}
	if got := h.say(approveU, "/cancel "+itoa(b.ID)); !strings.Contains(got.Plain, "cancelled") {
		t.Fatalf("/cancel: %q", got.Plain)
	}
	// a second cancel, and approving what is no longer submitted, say why not
	if got := h.say(approveU, "/cancel "+itoa(b.ID)); got.Plain != "Broadcast #"+itoa(b.ID)+" is already cancelled." {
		t.Fatalf("second /cancel: %q", got.Plain)
	}
	before = len(h.tg.SentTo(approveU.ID))
	h.tg.PressButton(approveU, byID[b.ID].MessageID, "staff:approve:"+itoa(b.ID))
	if got := h.next(approveU, before); got.Plain != "Only a submitted broadcast can be approved: #"+itoa(b.ID)+" is cancelled." {
		t.Fatalf("approve a cancelled broadcast: %q", got.Plain)
	}
	if n := countAudit(h, "broadcast.approve") + countAudit(h, "broadcast.cancel"); n != 2 {
		t.Fatalf("audit entries %d", n)
	}
}

func countAudit(h *harness, action string) int {
	list, err := h.st.ListAudit(h.ctx, store.AuditFilter{Action: action})
	if err != nil {
		h.t.Fatal(err)
	}
	return len(list)
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestContactMatching(t *testing.T) {
	ctx := context.Background()
	st := storetest.NewSeeded(t)
	key := []byte("k-for-tests-0123456789-0123456789")
	a, err := st.CreateAgency(ctx, store.CLIActor, store.AgencyInput{Code: "so-x", NameVi: "Sở X", NameEn: "Department X"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportMembers(ctx, store.CLIActor, a.ID, key, store.ImportSource{SHA256: make([]byte, 32)},
		[]store.MemberRow{{Name: "Lan", Phone: "+84912345678"}}, nil); err != nil {
		t.Fatal(err)
	}
	sub, _ := st.UpsertSubscriber(ctx, store.Contact{Channel: "telegram", ExternalID: "77", ChatID: 77, Locale: "vi"})
	joined, err := staff.MatchContact(ctx, st, key, sub.ID, "0912.345.678")
	if err != nil || len(joined) != 1 || joined[0].Name("en") != "Department X" {
		t.Fatalf("match: %+v %v", joined, err)
	}
	if msg := staff.ContactReply("vi", joined, nil); !strings.Contains(msg, "Sở X") {
		t.Fatalf("reply %q", msg)
	}
	again, err := staff.MatchContact(ctx, st, key, sub.ID, "+84912345678")
	if err != nil || len(again) != 0 {
		t.Fatalf("second match: %+v %v", again, err)
	}
	_, err = staff.MatchContact(ctx, st, key, sub.ID, "024 3825 1234")
	if msg := staff.ContactReply("en", nil, err); !strings.Contains(msg, "not a Vietnamese mobile") {
		t.Fatalf("landline reply %q (%v)", msg, err)
	}
}

// /report sends the counts and, as a document, the CSV with one line per recipient.
func TestReportSendsTheCSV(t *testing.T) {
	h := newHarness(t, true)
	ed := h.linked(editorU, store.NewStaff{Name: "Ed Itor", Role: store.RoleEditor})
	ap := h.linked(approveU, store.NewStaff{Name: "Ann Prover", Role: store.RoleApprover})
	b := h.submitted(ed, "bao-cao")
	if _, err := h.wf.Approve(h.ctx, broadcast.StaffActor(ap, ""), b.ID); err != nil {
		t.Fatal(err)
	}
	sched, err := h.wf.Schedule(h.ctx, broadcast.StaffActor(ap, ""), b.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := h.st.StartDueRuns(h.ctx, sched.NextRunAt.Add(time.Second), func(store.Broadcast, time.Time) *time.Time { return nil })
	if err != nil || len(ids) != 1 {
		t.Fatalf("start: %v %v", ids, err)
	}
	if _, err := h.st.FreezeAudience(h.ctx, ids[0], 500); err != nil {
		t.Fatal(err)
	}
	before := len(h.tg.SentTo(approveU.ID))
	h.tg.SendText(approveU, "/report "+itoa(b.ID))
	ctx, cancel := context.WithTimeout(h.ctx, 5*time.Second)
	defer cancel()
	sent, err := h.tg.WaitSent(ctx, approveU.ID, before+2)
	if err != nil {
		t.Fatal(err)
	}
	doc := sent[before+1]
	if doc.Method != "sendDocument" || !strings.HasSuffix(doc.Document, ".csv") {
		t.Fatalf("second reply %s %q, want the CSV document", doc.Method, doc.Document)
	}
	lines := strings.Split(strings.TrimSpace(string(doc.DocumentData)), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "pending") { // header + the two recipients
		t.Fatalf("report CSV:\n%s", doc.DocumentData)
	}
}

type recorder struct{ texts []string }

func (r *recorder) Caps() conv.Caps { return conv.Caps{} }
func (r *recorder) Send(_ context.Context, rep conv.Reply) error {
	r.texts = append(r.texts, rep.Text)
	return nil
}

// TestNeutralMessages: the staff commands read neutral messages, leave the
// residents' ones alone, and answer someone on another channel as unlinked.
func TestNeutralMessages(t *testing.T) {
	st := storetest.NewSeeded(t)
	h := staff.Handler(staff.Deps{Store: st})
	ctx := context.Background()
	msg := func(channel, text string, group bool) conv.Message {
		return conv.Message{Channel: channel, UserID: "u-1", ChatID: "u-1", LangCode: "en", Text: text, Group: group}
	}
	for _, text := range []string{"pending", "what is VNeID?", "/help", "/lang"} {
		if rec := (&recorder{}); h(ctx, msg("zalo", text, false), rec) {
			t.Errorf("%q taken by the staff commands: %q", text, rec.texts)
		}
	}
	cases := map[string]conv.Message{"/link": msg("zalo", "/link abc", false),
		"/link@": msg("zalo", "/link@loa_bot", false), "/pending": msg("zalo", "/pending", false), "group": msg("telegram", "/pending", true)}
	wants := map[string]string{"/link": "expired", "/link@": "/link", "/pending": "/link", "group": "private"}
	for name, m := range cases {
		rec := &recorder{}
		if !h(ctx, m, rec) || len(rec.texts) != 1 || !strings.Contains(rec.texts[0], wants[name]) {
			t.Errorf("%s: %q, want %q", name, rec.texts, wants[name])
		}
	}
}
