package conv_test

import (
	"testing"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/store"
)

// Requests in words: a resident who asks for one of Loa's functions without
// knowing its command gets the function, not an FAQ search.

func TestAskingToStopTheNewsInWordsConfirmsThenUnsubscribes(t *testing.T) {
	h := newHarness(t, conv.Config{})
	subscribeTo(h, "Cầu Giấy")
	confirm := h.text(lan, "Loa ơi, tôi không muốn nhận tin nữa")
	contains(t, confirm.Text, "ngừng nhận tin")
	if got := h.subscriber(richChannel, lan.id); got.Status != store.StatusActive {
		t.Fatalf("stopped before the resident confirmed: %+v", got)
	}
	contains(t, h.choose(lan, choiceData(t, confirm, "Không")).Text, "vẫn nhận tin")
	if got := h.subscriber(richChannel, lan.id); got.Status != store.StatusActive {
		t.Fatalf("\"no\" stopped the news: %+v", got)
	}
	contains(t, h.choose(lan, choiceData(t, confirm, "Ngừng")).Text, "Bạn đã ngừng nhận tin")
	if got := h.subscriber(richChannel, lan.id); got.Status != "unsubscribed" {
		t.Fatalf("status after confirming: %q", got.Status)
	}
}

func TestAskingToStopTheNewsWhenNotSubscribedSaysSo(t *testing.T) {
	h := newHarness(t, conv.Config{})
	contains(t, h.text(lan, "hủy đăng ký giúp tôi").Text, "chưa đăng ký nhận tin")
}

func TestAskingToSubscribeNamingTheWardSubscribesToIt(t *testing.T) {
	h := newHarness(t, conv.Config{})
	contains(t, h.text(lan, "cho mình đăng ký nhận tin phường Cầu Giấy với").Text, "Đã xong", "Phường Cầu Giấy")
	if got := h.subscriber(richChannel, lan.id); got.Status != store.StatusActive || !got.LocalityID.Valid {
		t.Fatalf("not subscribed: %+v", got)
	}
}

func TestAskingToSubscribeWithoutAWardAsksForIt(t *testing.T) {
	h := newHarness(t, conv.Config{})
	h.text(lan, "tôi muốn nhận thông báo của phường qua Loa")
	contains(t, h.text(lan, "cau giay").Text, "Đã xong", "Phường Cầu Giấy")
}

func TestAskingToEraseDataInEnglishAsksToConfirmInEnglish(t *testing.T) {
	h := newHarness(t, conv.Config{})
	h.text(lan, "VNeID là gì?")
	confirm := h.text(lan, "please delete my data")
	contains(t, confirm.Text, "erase")
	contains(t, h.choose(lan, choiceData(t, confirm, "Erase")).Text, "erased")
	if n := h.count(`SELECT count(*) FROM subscribers WHERE external_id = $1`, lan.id); n != 0 {
		t.Errorf("subscriber row survives the request")
	}
}

func TestAskingWhatLoaKeepsShowsMyData(t *testing.T) {
	h := newHarness(t, conv.Config{})
	contains(t, h.text(lan, "Loa lưu những gì về tôi?").Text, "Dữ liệu Loa lưu về bạn")
}

func TestAQuestionAboutTheDataLawIsNotARequest(t *testing.T) {
	h := newHarness(t, conv.Config{})
	got := h.text(lan, "Tôi có quyền yêu cầu xóa dữ liệu cá nhân của mình không?")
	contains(t, got.Text, "Nguồn")
	if n := h.count(`SELECT count(*) FROM subscribers WHERE external_id = $1`, lan.id); n != 1 {
		t.Errorf("a question about the law erased the resident")
	}
}

func TestAnOldStopButtonDoesNotStopALaterSubscription(t *testing.T) {
	h := newHarness(t, conv.Config{})
	subscribeTo(h, "Cầu Giấy")
	// (the first consent a minute earlier, as a later subscription's is)
	h.exec(`UPDATE subscribers SET consent_at = consent_at - interval '1 minute' WHERE external_id = $1`, lan.id)
	confirm := h.text(lan, "tôi không muốn nhận tin nữa")
	old := choiceData(t, confirm, "Ngừng")
	h.cmd(lan, "/unsubscribe")
	subscribeTo(h, "Hàng Bạc")
	h.choose(lan, old)
	if got := h.subscriber(richChannel, lan.id); got.Status != store.StatusActive {
		t.Fatalf("an old button stopped the new subscription: %+v", got)
	}
}

func TestABadStopButtonIsStale(t *testing.T) {
	h := newHarness(t, conv.Config{})
	subscribeTo(h, "Cầu Giấy")
	for _, data := range []string{"cmd:unsubscribe:fr:1", "cmd:x", "cmd:unsubscribe", "cmd:unsubscribe:vi:nope"} {
		h.choose(lan, data)
		if got := h.subscriber(richChannel, lan.id); got.Status != store.StatusActive {
			t.Fatalf("%q stopped the news", data)
		}
	}
}

func TestARequestWhileLoaWaitsForAWardIsNotSearchedAsAWard(t *testing.T) {
	h := newHarness(t, conv.Config{})
	h.cmd(lan, "/subscribe")
	contains(t, h.text(lan, "thôi, hủy đăng ký").Text, "chưa đăng ký nhận tin")
	// the wait is over: a question is answered, not searched as a ward
	contains(t, h.text(lan, "VNeID là gì?").Text, "Nguồn")
}

func TestAForgetButtonFromBeforeTheLanguageWasCarriedStillWorks(t *testing.T) {
	h := newHarness(t, conv.Config{})
	h.text(lan, "VNeID là gì?")
	contains(t, h.choose(lan, "forget:yes").Text, "Đã xóa toàn bộ")
}

// subscribeTo subscribes lan to ward the way a resident does.
func subscribeTo(h *harness, ward string) {
	h.cmd(lan, "/subscribe")
	h.text(lan, ward)
}

func TestAskingToSubscribeQuotesTheWardAsTheResidentWroteIt(t *testing.T) {
	h := newHarness(t, conv.Config{})
	reply := h.text(lan, "đăng ký nhận tin phường Thanh Xuân")
	contains(t, reply.Text, "“Thanh Xuân”")
}
