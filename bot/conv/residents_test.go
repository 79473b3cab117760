package conv_test

import (
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/invite"
	"github.com/loa-vn/loa/store"
)

// The residents' conversations, specified on the neutral model: what a
// resident says, what Loa answers, what the store then holds. Telegram's
// own behaviour (keyboards, callbacks, the webhook) is in bot/telegram.

func TestSubscribeUnknownPlace(t *testing.T) {
	h := newHarness(t, conv.Config{})
	h.cmd(lan, "/subscribe")
	contains(t, h.text(lan, "zzqxw vvv").Text, "chưa tìm thấy", "zzqxw vvv")
	// still waiting for a place
	contains(t, h.text(lan, "cau giay").Text, "Đã xong", "Phường Cầu Giấy")
}

func TestMyDataThenForget(t *testing.T) {
	h := newHarness(t, conv.Config{})
	h.cmd(lan, "/subscribe")
	h.text(lan, "Cầu Giấy")
	h.text(lan, "VNeID là gì?")
	sub := h.subscriber(richChannel, lan.id)
	if _, err := h.st.JoinAgency(h.ctx, h.firstAgency(), sub.ID, "staff"); err != nil {
		t.Fatal(err)
	}
	h.exec(`INSERT INTO broadcasts (name, content) VALUES ('t', '{"variants":{"vi":{}}}')`)
	h.exec(`INSERT INTO runs (broadcast_id, occurrence, content, audience) SELECT id, now(), content, audience FROM broadcasts`)
	h.exec(`INSERT INTO deliveries (run_id, subscriber_id, batch, status) SELECT id, $1, 0, 'sent' FROM runs`, sub.ID)

	data := h.cmd(lan, "/mydata")
	contains(t, data.Text, "Dữ liệu Loa lưu về bạn", "Phường Cầu Giấy", "đang nhận tin", "VNeID là gì?",
		"Số tin chiến dịch đã gửi cho bạn: 1", "Số câu hỏi đã lưu: 1")

	confirm := h.cmd(lan, "/forget")
	h.choose(lan, choiceData(t, confirm, "Không"))
	if h.count(`SELECT count(*) FROM subscribers WHERE id = $1`, sub.ID) != 1 {
		t.Fatal("forget:no erased the resident")
	}
	contains(t, h.choose(lan, choiceData(t, confirm, "Xóa")).Text, "Đã xóa toàn bộ")
	for _, table := range []string{"question_log", "deliveries", "agency_members"} {
		if n := h.count(`SELECT count(*) FROM `+table+` WHERE subscriber_id = $1`, sub.ID); n != 0 {
			t.Errorf("%s keeps %d row(s) after /forget", table, n)
		}
	}
	if n := h.count(`SELECT count(*) FROM subscribers WHERE external_id = $1`, lan.id); n != 0 {
		t.Errorf("subscriber row survives /forget")
	}
}

func TestInviteLinks(t *testing.T) {
	h := newHarness(t, conv.Config{})
	agencyID := h.firstAgency()
	p := h.invite(agencyID, 0, time.Now().Add(time.Hour))
	msgs := h.handle(lan.msg(conv.KindCommand, "/start "+p))
	if len(msgs) != 2 {
		t.Fatalf("replies %+v", msgs)
	}
	contains(t, msgs[1].Text, "danh sách thành viên")
	sub := h.subscriber(richChannel, lan.id)
	if h.count(`SELECT count(*) FROM agency_members WHERE agency_id = $1 AND subscriber_id = $2 AND via = 'invite'`, agencyID, sub.ID) != 1 {
		t.Fatal("not enrolled")
	}
	expired := h.invite(agencyID, 0, time.Now().Add(-time.Minute))
	contains(t, h.handle(john.msg(conv.KindCommand, "/start "+expired))[1].Text, "expired")
	contains(t, h.handle(john.msg(conv.KindCommand, "/start bogus-payload_123"))[1].Text, "not valid")

	loc, _ := h.st.LocalityByCode(h.ctx, "phuong-hoan-kiem")
	lp := h.invite(0, loc.ID, time.Now().Add(time.Hour))
	offer := h.handle(john.msg(conv.KindCommand, "/start "+lp))[1]
	contains(t, h.choose(john, offer.Choices[0][0].Data).Text, "Phường Hoàn Kiếm")
	if got := h.subscriber(richChannel, john.id); got.Status != store.StatusActive || got.LocalityID.Int64 != loc.ID {
		t.Fatalf("locality invite: %+v", got)
	}
}

func TestRevokedInviteIsRefused(t *testing.T) {
	h := newHarness(t, conv.Config{})
	p := h.invite(h.firstAgency(), 0, time.Now().Add(time.Hour))
	signed, err := invite.Verify(testKey, p, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.RevokeInvite(h.ctx, store.CLIActor, signed.ID); err != nil {
		t.Fatal(err)
	}
	contains(t, h.handle(lan.msg(conv.KindCommand, "/start "+p))[1].Text, "hết hạn")
	if n := h.count(`SELECT count(*) FROM agency_members`); n != 0 {
		t.Fatalf("a revoked invite enrolled %d resident(s)", n)
	}
}

// TestFloodSlowDownOnce: past the burst a resident is told once to slow
// down, then ignored until the bucket refills (not within this test).
func TestFloodSlowDownOnce(t *testing.T) {
	h := newHarness(t, conv.Config{FloodBurst: 3, FloodEvery: time.Hour})
	var all []conv.Reply
	for i := 0; i < 8; i++ {
		all = append(all, h.handle(lan.msg(conv.KindCommand, "/help"))...)
	}
	slow := 0
	for _, r := range all {
		if strings.Contains(r.Text, "nhanh quá") {
			slow++
		}
	}
	if slow != 1 || len(all) != 4 {
		t.Fatalf("slow-down messages %d, total %d", slow, len(all))
	}
	// a chosen option over the limit gets the notice, not a message
	m := john.msg(conv.KindChoice, "")
	m.Choice = "topics"
	var notices []string
	for i := 0; i < 5; i++ {
		for _, r := range h.handle(m) {
			if r.Notice != "" {
				notices = append(notices, r.Notice)
			}
		}
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "faster than") {
		t.Fatalf("notices %q", notices)
	}
}

// TestBlockAndUnblock: the neutral block events mark the resident.
func TestBlockAndUnblock(t *testing.T) {
	h := newHarness(t, conv.Config{})
	h.cmd(lan, "/start")
	if rs := h.handle(lan.msg(conv.KindBlocked, "")); len(rs) != 0 {
		t.Fatalf("a block was answered: %+v", rs)
	}
	if got := h.subscriber(richChannel, lan.id); got.Status != store.StatusBlocked {
		t.Fatalf("after block: %s", got.Status)
	}
	h.handle(lan.msg(conv.KindUnblocked, ""))
	if got := h.subscriber(richChannel, lan.id); got.Status != store.StatusNew {
		t.Fatalf("after unblock: %s", got.Status)
	}
}
