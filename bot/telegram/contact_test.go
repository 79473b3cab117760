package telegram

import (
	"context"
	"testing"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/staff"
	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/store"
)

// withStaff wires contact matching and the staff commands as `loa` does.
func withStaff(h *harness, cd *conv.Deps, d *Deps) {
	cd.Contacts = func(ctx context.Context, subscriberID int64, lang, phone string) string {
		joined, err := staff.MatchContact(ctx, h.st, testKey, subscriberID, phone)
		return staff.ContactReply(lang, joined, err)
	}
	cd.Before = append(cd.Before, staff.Handler(staff.Deps{Store: h.st, TwoPersonRule: true}))
}

func TestSharePhoneJoinsAgencyList(t *testing.T) {
	h := newHarness(t, conv.Config{}, withStaff)
	ag, err := h.st.AgencyByCode(h.ctx, "so-khcn-ha-noi")
	if err != nil {
		t.Fatal(err)
	}
	rows := []store.MemberRow{{Name: "Nguyễn Văn An", Phone: "0912 345 678", Position: "Chuyên viên"}}
	if _, err := h.st.ImportMembers(h.ctx, store.CLIActor, ag.ID, testKey, store.ImportSource{SHA256: make([]byte, 32)}, rows, nil); err != nil {
		t.Fatal(err)
	}
	if n := h.count(`SELECT count(*) FROM pending_members WHERE agency_id = $1`, ag.ID); n != 1 {
		t.Fatalf("import wrote %d pending members, want 1", n)
	}
	u := tgfake.User{ID: 501, FirstName: "An", LanguageCode: "vi"}
	ask := h.send(u, "/phone")
	if ask.Markup == nil || len(ask.Markup.Keyboard) != 1 || len(ask.Markup.Keyboard[0]) != 1 || !ask.Markup.Keyboard[0][0].RequestContact {
		t.Fatalf("/phone offers %+v, want one share-my-number button", ask.Markup)
	}
	reply := h.expect(u, 1, func() { h.fake.SendContact(u, "+84912345678") })[0]
	contains(t, reply.Text, "Sở Khoa học và Công nghệ")
	sub := h.subscriber(u)
	if n := h.count(`SELECT count(*) FROM agency_members WHERE agency_id = $1 AND subscriber_id = $2`, ag.ID, sub.ID); n != 1 {
		t.Fatalf("agency_members rows = %d, want 1", n)
	}
	if n := h.count(`SELECT count(*) FROM pending_members WHERE matched_subscriber_id = $1`, sub.ID); n != 1 {
		t.Fatalf("pending member not matched")
	}
	if n := h.count(`SELECT count(*) FROM pending_members WHERE full_name LIKE '%0912%' OR phone_hint = '0912345678'`); n != 0 {
		t.Fatal("a phone number is stored in clear")
	}
}

func TestSomeoneElsesContactIsRefused(t *testing.T) {
	h := newHarness(t, conv.Config{}, withStaff)
	u := tgfake.User{ID: 502, FirstName: "Bình", LanguageCode: "vi"}
	h.send(u, "/start")
	// a contact card forwarded from the address book carries another user id
	raw := `{"update_id": 0, "message": {"message_id": 9, "date": 1, "chat": {"id": 502, "type": "private"},
		"from": {"id": 502, "is_bot": false, "first_name": "Bình"},
		"contact": {"phone_number": "+84912345678", "first_name": "Other", "user_id": 999}}}`
	reply := h.expect(u, 1, func() {
		if _, err := h.fake.InjectRaw([]byte(raw)); err != nil {
			t.Fatal(err)
		}
	})[0]
	contains(t, reply.Text, "/phone")
	if n := h.count(`SELECT count(*) FROM agency_members`); n != 0 {
		t.Fatalf("someone else's number joined %d list(s)", n)
	}
}

func TestStaffCommandsRefuseResidents(t *testing.T) {
	h := newHarness(t, conv.Config{}, withStaff)
	u := tgfake.User{ID: 503, FirstName: "Chi", LanguageCode: "vi"}
	reply := h.send(u, "/pending")
	if reply.Text == "" || h.count(`SELECT count(*) FROM staff WHERE telegram_user_id = 503`) != 0 {
		t.Fatalf("unexpected: %q", reply.Text)
	}
	for _, c := range h.fake.Commands("vi") {
		if c.Command == "pending" || c.Command == "link" {
			t.Errorf("staff command /%s is in the residents' menu", c.Command)
		}
	}
}
