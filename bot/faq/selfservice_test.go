package faq

import "testing"

func TestRequestsForLoasOwnFunctionsAreCommands(t *testing.T) {
	e, _ := testEngine(t)
	for q, want := range map[string]string{
		"hủy đăng ký":                               CommandUnsubscribe,
		"Loa ơi, ngừng gửi tin cho bác nhé":         CommandUnsubscribe,
		"please stop sending me messages":           CommandUnsubscribe,
		"cho mình đăng ký nhận tin của phường với":  CommandSubscribe,
		"sign me up for updates from my ward":       CommandSubscribe,
		"đổi sang tiếng Anh được không":             CommandLang,
		"switch to vietnamese please":               CommandLang,
		"Loa lưu những gì về tôi?":                  CommandMyData,
		"what do you know about me":                 CommandMyData,
		"xóa hết dữ liệu của tôi đi":                CommandForget,
		"Tôi muốn Loa xóa toàn bộ thông tin về tôi": CommandForget,
		"menu":                                        CommandHelp,
		"how do I use this bot?":                      CommandHelp,
		"dang ky nhan tin xa Soc Son":                 CommandSubscribe,
		"ko muon nhan thong bao nua dau":              CommandUnsubscribe,
		"xoa so dien thoai cua toi khoi loa":          CommandForget,
		"cho tôi xem dữ liệu của tôi":                 CommandMyData,
		"how can I opt out of these notifications":    CommandUnsubscribe,
		"bạn đang lưu thông tin gì của mình vậy":      CommandMyData,
		"erase everything you have about me, thanks":  CommandForget,
		"có những lệnh nào":                           CommandHelp,
		"chuyển qua tiếng Việt đi bạn":                CommandLang,
		"Tôi muốn nhận thông báo của phường qua Loa":  CommandSubscribe,
		"mình muốn đăng ký":                           CommandSubscribe,
		"stop":                                        CommandUnsubscribe,
		"change the language of this bot, please":     CommandLang,
		"show me the list of commands":                CommandHelp,
		"thôi đừng gửi tin nữa":                       CommandUnsubscribe,
		"ngừng nhận tin phường":                       CommandUnsubscribe,
		"forget me":                                   CommandForget,
		"Dạ bác muốn đăng ký nhận bản tin của phường": CommandSubscribe,
		// words that name someone else only inside a request to Loa
		"tôi cần yêu cầu hỗ trợ hủy đăng ký nhận tin":  CommandUnsubscribe,
		"đồng ý, ngừng nhận tin":                       CommandUnsubscribe,
		"Loa ơi xóa dữ liệu của tôi, tôi đồng ý":       CommandForget,
		"unsubscribe me, I am a shop owner":            CommandUnsubscribe,
		"please delete my data, I withdraw my consent": CommandForget,
	} {
		r := e.Answer("vi", q)
		if r.Action != ActionCommand || r.Command != want {
			t.Errorf("%q: got %s, want command:%s", q, Got(r), want)
		}
	}
}

// Registrations, data and messages that are not Loa's: the same words, a
// different subject.
func TestLookalikesOfRequestsAreNotCommands(t *testing.T) {
	e, _ := testEngine(t)
	for _, q := range []string{
		"Tôi có quyền yêu cầu xóa dữ liệu cá nhân của mình không?",
		"which rights do i have over my personal data",
		"đăng ký tài khoản định danh mức 1 thế nào",
		"dang ky vneid muc 2",
		"Loa ơi cho hỏi đăng ký nhận kết quả thủ tục tại nhà ở Hà Nội thế nào",
		"làm sao để không nhận cuộc gọi rác nữa",
		"chặn tin nhắn quảng cáo thế nào",
		"hủy đăng ký thường trú ở đâu",
		"cách xóa tài khoản Facebook vĩnh viễn",
		"Can I withdraw my consent and ask them to delete my data?",
		"cửa hàng giữ số điện thoại của tôi, tôi muốn họ xóa dữ liệu của tôi",
		"how do I delete my Gmail account",
		"đăng ký học lái xe ở đâu",
		"đừng nhắn tin cho số lạ",
		"VNeID có bản tiếng Anh không",
		"dữ liệu của tôi trên VNeID có bị lộ không",
		"đăng ký tổ công nghệ số",
		"Can you tell me in English how to get level 2?",
		"Loa ơi cho hỏi xóa dữ liệu cá nhân trên VNeID thế nào",
		// a place question first: "stop" is short and bare here
		"phuong nghia do cu stop roi a",
		// found by review: other registrations, the portal's languages,
		// a system down, another platform's data
		"đăng ký thẻ BHYT", "đăng ký khám bệnh online", "đăng ký khai tử", "đăng ký chữ ký số",
		"Can I ask for my personal data to be deleted?", "Who do I tell if my personal data leaked?",
		"dữ liệu về tôi được lưu ở đâu", "Is there an English-language version of the public service portal?",
		"Cán bộ phường có nói tiếng Anh không", "how do I get updates on my application status",
		"Hệ thống ngừng hoạt động à", "can I opt out of sharing my biometrics", "cách dùng mã QR thanh toán",
		"delete all my photos from iCloud",
	} {
		if r := e.Answer("vi", q); r.Action == ActionCommand {
			t.Errorf("%q: taken for command:%s", q, r.Command)
		}
	}
}

func TestASubscriptionRequestCarriesTheWardItNames(t *testing.T) {
	e, _ := testEngine(t)
	r := e.Answer("vi", "đăng ký nhận tin phường Cầu Giấy")
	if r.Action != ActionCommand || r.Locality == nil || r.Locality.Text != "cau giay" {
		t.Fatalf("got %s with %+v", Got(r), r.Locality)
	}
	if r := e.Answer("vi", "đăng ký nhận tin"); r.Locality != nil {
		t.Errorf("a request naming no ward carries %+v", r.Locality)
	}
}

// Every phrasing of every entry is a question the knowledge base answers:
// none may be taken for a request.
func TestNoPhrasingOfTheKnowledgeBaseIsARequest(t *testing.T) {
	e, kbs := testEngine(t)
	for lang, kb := range kbs {
		for _, en := range kb.Entries {
			for _, q := range en.Questions {
				if r := e.Answer(lang, q); r.Action == ActionCommand {
					t.Errorf("%s %s: %q taken for command:%s", lang, en.ID, q, r.Command)
				}
			}
		}
	}
}

// A command's own name alone ("/forget" where the menu does not catch it:
// folding drops the slash) and the ways of asking that dev20 showed:
// cancelling a subscription in words, muting, asking what Loa keeps.
func TestACommandsNameAndCommonWordingsAreCommands(t *testing.T) {
	e, _ := testEngine(t)
	for q, want := range map[string]string{
		"/forget":                CommandForget,
		"/mydata":                CommandMyData,
		"lang":                   CommandLang,
		"bỏ đăng ký nhận tin":    CommandUnsubscribe,
		"mute notifications pls": CommandUnsubscribe,
		"Loa giữ những dữ liệu nào của tôi":           CommandMyData,
		"What have you saved about me?":               CommandMyData,
		"xoá vĩnh viễn dữ liệu của mình nhé":          CommandForget,
		"có những chức năng nào":                      CommandHelp,
		"nói tiếng Việt đi, tôi không hiểu tiếng Anh": CommandLang,
	} {
		if r := e.Answer("vi", q); r.Action != ActionCommand || r.Command != want {
			t.Errorf("%q: got %s, want command:%s", q, Got(r), want)
		}
	}
}

// A price, the weather or another province named before a Hanoi place is
// declined: the place does not make it a question about where it went.
func TestAPriceOrAProvinceNamedWithAPlaceIsDeclined(t *testing.T) {
	e, _ := testEngine(t)
	for q, want := range map[string]string{
		"Giá chung cư ở phường Cầu Giấy bao nhiêu một mét vuông?": DeclinePrices,
		"Đăng ký nhận tin giá vàng mỗi sáng cho tôi":              DeclinePrices,
		"Tỉnh Vĩnh Phúc sáp nhập với tỉnh nào thế?":               DeclineProvince,
	} {
		if r := e.Answer("vi", q); r.Action != ActionDecline || r.Decline != want {
			t.Errorf("%q: got %s (%s), want the %s decline", q, Got(r), r.Decline, want)
		}
	}
	// the ward of that name is still found
	if r := e.Answer("vi", "Phường Vĩnh Phúc cũ giờ thuộc phường nào?"); r.Action != ActionLocality {
		t.Errorf("the Hanoi ward: got %s", Got(r))
	}
}
