package faq

import "strings"

// Self-service requests: a resident asking in their own words for one of
// Loa's own functions ("cho mình hủy đăng ký nhận tin", "đổi sang tiếng
// Anh", "Loa lưu gì về tôi", "delete my data"). The knowledge base has no
// entry for them, and before this they got "no answer" or, worse, an
// entry about VNeID or the data-protection law. The conversation runs the
// command (or asks to confirm it) instead of searching.

// Commands a request can name: the residents' commands of bot/conv.
const (
	CommandSubscribe   = "subscribe"
	CommandUnsubscribe = "unsubscribe"
	CommandLang        = "lang"
	CommandMyData      = "mydata"
	CommandForget      = "forget"
	CommandHelp        = "help"
)

// SelfCommands lists the commands a request can name, for the eval's labels.
var SelfCommands = []string{CommandSubscribe, CommandUnsubscribe, CommandLang, CommandMyData, CommandForget, CommandHelp}

// selfRule is one command's phrases. A sure phrase names Loa's function on
// its own; a weak one ("hủy đăng ký", "xóa dữ liệu") only in a short
// message or one that calls the bot by name, since it also opens
// questions about other registrations and other data; a bare one ("đăng
// ký") only in a short message, since "Loa ơi, đăng ký nhận kết quả tại
// nhà thế nào" is a question about public services.
type selfRule struct {
	cmd  string
	sure phrases
	weak phrases
	bare phrases
}

// selfRules are tried in order: erasing before seeing ("xóa thông tin về
// tôi" names both).
var selfRules = []selfRule{
	{CommandUnsubscribe, padded(
		"huy nhan tin", "ngung nhan tin", "thoi nhan tin", "khong nhan tin nua", "khong muon nhan tin",
		"khong muon nhan them tin", "khong muon nhan thong bao", "ngung nhan thong bao", "dung nhan thong bao",
		"huy nhan thong bao", "tat thong bao", "khong muon nhan tb", "ngung nhan tb", "khong nhan tb nua", "ngung gui tin", "thoi gui tin", "dung gui tin", "dung gui thong bao",
		"ngung gui thong bao", "khong gui tin nua", "huy dang ky nhan", "huy dang ki nhan", "huy theo doi",
		"bo theo doi", "huy dang ky loa", "huy dang ky tin", "unsubscribe", "unsub", "stop sending",
		"stop the messages", "stop messages", "stop receiving", "stop notifications", "no more messages",
		"dont send me", "opt out of these", "opt out of the news", "opt out of messages", "opt out of notifications",
		"opt out of updates", "opt out of loa", "don t send me", "do not send me", "stop texting me", "turn off notifications",
		"cancel my subscription", "cancel subscription", "stop the news", "stop news", "stop updates",
		"stop the updates", "dung nhan tin nua", "dung nhan tin tu loa",
		"bo dang ky", "bo dang ki", "mute notifications", "mute loa", "mute this", "mute the bot", "tat tin", "tat nhan tin",
		"dont want the ward notifications", "don t want the ward notifications", "notifications anymore",
		"notices anymore", "announcements anymore", "turn them off", "khong nhan thong bao nua",
		"ward news anymore", "news anymore", "dont want get ward", "don t want get ward"),
		padded("huy dang ky", "huy dang ki", "dung nhan tin", "opt out", "dung gui", "ngung gui", "thoi gui"), padded("ngung", "dung lai", "stop", "mute")},
	{CommandSubscribe, padded(
		"dang ky nhan tin", "dang ki nhan tin", "dang ky nhan thong bao", "dang ki nhan thong bao",
		"dang ky nhan ban tin", "dang ky theo doi", "dang ky nhan tin tuc", "muon nhan tin cua phuong",
		"muon nhan tin phuong", "nhan tin cua phuong", "nhan tin tuc cua phuong", "nhan thong bao cua phuong",
		"nhan thong bao cua xa", "nhan tin cua xa", "nhan tin tu loa", "nhan thong bao tu loa",
		"nhan tin moi cua phuong", "nhan tin cua to dan pho", "subscribe", "sign up for updates",
		"sign up for news", "sign me up", "news for my ward", "updates for my ward",
		"notifications for my ward", "news from my ward", "updates from my ward", "theo doi tin",
		// "sign (me) up" reads "register" by then (concepts.go)
		"register for updates", "register for news", "register for notifications", "register for the news",
		"register for ward", "register me for", "dang ky nhan tb", "muon nhan tb",
		// "đăg ký" typed with a letter short
		"dag ky nhan tin", "dag ky nhan thong bao", "dag ki nhan tin", "dang ky nhan tin tuc",
		"want news for", "want news from", "want updates for", "want updates from", "send me news", "send me updates",
		"news for my", "news of my", "announcements from my", "announcements for my", "ward announcements",
		"announcements from the ward", "notices from my ward", "register for notices", "sign up for notices",
		"nhan thong bao phuong", "nhan thong bao xa", "nhan tin phuong", "nhan tin xa", "dang ky phuong",
		"dang ki phuong", "dang ky xa", "dang ki xa", "receive announcement", "announcement from my ward",
		"ward messages", "ward news", "news from my ward", "get updates for", "doi phuong nhan tin",
		"chuyen phuong nhan tin", "doi phuong nhan thong bao", "nhan tin tu xa", "nhan tin tu phuong"),
		padded("dang ky loa", "dang ky voi loa", "dang ky tren loa", "get updates", "get news", "receive updates",
			"receive news", "receive notifications", "get notifications"),
		padded("muon dang ky", "muon dang ki", "dang ky", "dang ki", "nhan thong bao", "nhan tin")},
	{CommandLang, padded(
		"doi ngon ngu", "chuyen ngon ngu", "chon ngon ngu", "thay doi ngon ngu", "thay ngon ngu", "cai dat ngon ngu",
		"doi sang tieng anh", "chuyen sang tieng anh", "doi qua tieng anh", "chuyen qua tieng anh",
		"doi sang tieng viet", "chuyen sang tieng viet", "doi qua tieng viet", "chuyen qua tieng viet",
		"tra loi bang tieng anh", "tra loi tieng anh",
		"tra loi bang tieng viet", "tra loi tieng viet", "change language", "change the language",
		"change your language", "switch language", "switch the language", "switch to english",
		"switch to vietnamese", "set language", "set the language", "language settings", "in english please",
		"english please", "reply in english", "answer in english", "speak english", "talk in english",
		"use english", "change to english", "change to vietnamese", "vietnamese please", "reply in vietnamese",
		"answer in vietnamese", "speak vietnamese", "ngon ngu khac",
		"noi tieng viet di", "tra loi tieng viet di", "khong hieu tieng anh", "khong biet tieng anh",
		"reply me in english", "in english only", "english only", "reply me in vietnamese", "vietnamese only",
		"dont understand vietnamese", "don t understand vietnamese", "i can t read vietnamese", "i cant read vietnamese"),
		padded("ngon ngu", "language", "noi tieng anh", "dung tieng anh", "noi tieng viet", "sang tieng viet",
			"sang tieng anh", "qua tieng viet", "qua tieng anh", "bang tieng viet", "bang tieng anh"), nil},
	{CommandForget, padded(
		"xoa du lieu cua toi", "xoa du lieu cua minh", "xoa het du lieu", "xoa toan bo du lieu", "xoa thong tin cua toi",
		"xoa thong tin cua minh", "xoa het thong tin", "xoa toan bo thong tin", "xoa toi khoi", "xoa minh khoi",
		"xoa so dien thoai cua toi", "xoa so cua toi", "xoa sdt cua toi", "xoa du lieu ve toi",
		"xoa thong tin ve toi", "delete my data", "erase my data", "delete my info", "delete my information",
		"delete my personal data", "erase my personal data", "remove my data", "remove my info", "forget me",
		"forget about me", "wipe my data", "erase my info", "delete my number", "delete my phone number",
		"remove my number", "everything you have about me", "everything you know about me", "all you have about me",
		"xoa vinh vien du lieu", "xoa vinh vien thong tin", "khong luu gi ve toi", "dung luu gi ve toi", "dung luu thong tin",
		"xoa du lieu ca nhan cua toi", "xoa du lieu ca nhan cua minh", "delete everything about me", "erase everything about me",
		"delete everything you", "erase everything you", "delete what you", "erase what you",
		"xoa thong tin ca nhan cua minh", "xoa thong tin ca nhan cua toi", "khoi he thong cua loa"),
		padded("xoa du lieu", "xoa thong tin", "erase everything", "delete everything", "delete all my", "erase all my",
			"remove all my", "xoa het"), nil},
	{CommandMyData, padded(
		"xem du lieu cua toi", "xem du lieu cua minh", "du lieu cua toi loa", "du lieu loa luu", "loa luu gi",
		"loa luu nhung gi", "loa luu du lieu gi", "loa luu thong tin gi", "loa dang luu", "loa co luu",
		"ban luu gi ve toi", "ban luu nhung gi", "ban luu thong tin gi", "ban luu du lieu gi", "ban dang luu gi", "dang luu thong tin", "dang luu du lieu", "luu thong tin gi", "luu du lieu gi",
		"ban co luu thong tin", "ban co luu du lieu", "luu gi ve toi", "luu nhung gi ve toi", "luu gi ve minh",
		"biet gi ve toi", "biet nhung gi ve toi", "xem thong tin cua toi", "what data do you", "what do you know about me",
		"what do you store", "what do you keep", "what do you have on me", "data you have on me",
		"data you keep", "data you store", "data you hold", "information you have on me", "info you have on me",
		"what information do you", "what info do you", "about me do you", "show my data", "see my data",
		"view my data",
		"luu nhung thong tin gi", "luu nhung du lieu gi", "luu nhung thong tin nao", "luu nhung du lieu nao",
		"giu nhung du lieu nao", "giu nhung thong tin nao", "giu du lieu gi", "giu thong tin gi", "ma bot dang luu",
		"ma loa dang luu", "bot dang luu", "saved about me", "keep about me", "store about me", "stored about me",
		"have you saved", "do you store my", "do you keep my", "do you save my", "du lieu ban dang luu",
		"thong tin ban dang luu", "dang giu nhung thong tin", "dang giu thong tin", "dang giu du lieu"),
		padded("du lieu cua toi", "thong tin cua toi", "du lieu cua minh", "thong tin cua minh", "thong tin ve toi",
			"du lieu ve toi", "my data", "my info", "my information", "my personal data", "my stored data",
			"data about me"), nil},
	{CommandHelp, padded(
		"menu", "danh sach lenh", "cac lenh", "lenh nao", "nhung lenh", "xem lenh", "huong dan su dung loa",
		"huong dan su dung bot", "huong dan dung loa", "cach dung loa", "cach su dung loa", "cach dung bot",
		"cach su dung bot", "dung loa nhu the nao", "dung loa the nao", "su dung loa the nao",
		"su dung loa nhu the nao", "list of commands", "commands", "command list", "show menu", "main menu",
		"how to use this bot", "how do i use this bot", "how do i use you", "how to use you", "how to use loa",
		"how do i use loa", "how do i use this chat", "user guide", "huong dan cach dung",
		"nhung chuc nang nao", "co chuc nang gi", "co nhung chuc nang gi", "chuc nang cua loa", "chuc nang cua bot",
		"co lenh gi", "lenh gi", "bat dau tu dau"),
		nil, padded("huong dan su dung", "huong dan dung", "cach dung", "cach su dung", "help me use")},
}

// selfAddress: the message calls the bot by name, so a weak phrase counts
// ("bạn" and "you" do not: residents address anyone so).
var selfAddress = padded("loa", "bot", "chatbot", "kenh nay", "this bot", "the bot", "this chat")

// selfNot: words of another registration, another platform's data, or a
// question about the law: a request naming one of them is not for Loa's
// own functions ("hủy đăng ký thường trú", "xóa dữ liệu trên Facebook",
// "tôi có quyền yêu cầu xóa dữ liệu không", "chặn tin nhắn rác"), or
// asking someone else to erase what they hold ("ask them to delete my
// data", "tôi muốn họ xóa dữ liệu của tôi").
var selfNot = padded(
	"vneid", "dinh danh", "can cuoc", "cccd", "de an 06", "dich vu cong", "dvc", "dichvucong", "ihanoi", "otp",
	"lua dao", "scam", "rac", "spam", "quang cao", "156", "5656", "ngan hang", "bank", "banking", "facebook",
	"tiktok", "email", "gmail", "mang xa hoi", "social media", "ung dung", "app", "thuong tru", "tam tru", "cu tru",
	"ket hon", "khai sinh", "kinh doanh", "doanh nghiep", "thue", "sim", "so la", "nguoi la", "tong dai",
	"quyen", "luat", "nghi dinh", "quy dinh", "right", "rights", "law", "legal", "gdpr", "bao ve", "protect",
	"protection", "xe", "ho khau",
	"website", "trang web", "cong ty", "company", "nha mang", "viettel", "vinaphone", "mobifone",
	"hoc", "lap trinh", "programming", "excel", "word", "may tinh", "dien thoai cu", "old phone", "computer",
	"cuoc goi", "calls", "robocall", "ads", "tai khoan", "account", "muc 1", "muc 2", "muc1", "muc2", "level",
	"to cong nghe", "cds", "bi lo", "ro ri", "leak", "hack", "icloud", "google", "photos", "portal",
	"can bo", "officer", "officers", "staff", "application", "ho so", "biometric", "biometrics",
	"sinh trac", "ask them", "ask the shop", "ask the store", "them to delete", "them delete", "ho xoa",
	// someone else's data, another device's settings
	"nhung nguoi da dang ky", "nguoi khac", "other people", "other users", "ngon ngu dien thoai", "ngon ngu may",
	"samsung", "iphone", "android", "windows", "gia vang", "gia xang")

// commandWords are the commands' own names, alone in a message: "/forget"
// typed where the bot's menu does not catch it (folding drops the slash),
// or the word on its own.
var commandWords = map[string]string{
	"subscribe": CommandSubscribe, "unsubscribe": CommandUnsubscribe, "lang": CommandLang, "language": CommandLang,
	"mydata": CommandMyData, "forget": CommandForget, "help": CommandHelp, "menu": CommandHelp, "start": CommandHelp,
}

// selfWeakWords is how short (in words) a message must be for a weak
// phrase to count without addressing the bot: "hủy đăng ký", "cho mình
// đăng ký với", "xoá dữ liệu giúp tôi".
const selfWeakWords = 6

// selfCommand names the Loa function a message asks for, or "", and
// whether a sure phrase named it. padded is the normalised folded message
// as pad returns it (the teencode already read: "ko muon nhan tb nua");
// raw, the plain folded one, only says how long it is. The engine takes a
// sure phrase before small talk unless the message has a word of a place
// question, else after the place questions; a weak or bare one only
// without such a word: "phường Phúc Xá cũ ngừng hoạt động chưa" is not a
// request to stop the news.
func selfCommand(padded, raw string) (cmd string, sure bool) {
	if c, ok := commandWords[strings.TrimSpace(raw)]; ok {
		return c, true
	}
	if hasAny(padded, selfNot) {
		return "", false
	}
	for _, r := range selfRules {
		if hasAny(padded, r.sure) {
			return r.cmd, true
		}
	}
	short := strings.Count(raw, " ") < selfWeakWords
	addressed := hasAny(padded, selfAddress)
	for _, r := range selfRules {
		if (short || addressed) && hasAny(padded, r.weak) {
			return r.cmd, false
		}
	}
	for _, r := range selfRules {
		if short && hasBare(padded, r.bare) {
			return r.cmd, false
		}
	}
	return "", false
}

// bareFiller are the words a bare phrase may come with: "cho mình đăng
// ký với", "tôi muốn đăng ký ạ", "stop please". Any other word makes it
// something else: "đăng ký thẻ BHYT", "hệ thống ngừng hoạt động à".
var bareFiller = set("toi", "minh", "em", "anh", "chi", "bac", "cho", "muon", "voi", "nhe", "nha", "a", "ak", "oi",
	"loa", "bot", "ban", "xin", "duoc", "khong", "ko", "k", "giup", "di", "luon", "can", "lam", "the", "nao",
	"sao", "i", "want", "to", "please", "pls", "me", "now", "it", "all", "thoi", "nua", "day", "vay", "ha", "ad")

// hasBare reports whether padded holds one of ps and otherwise only
// bareFiller words.
func hasBare(padded string, ps phrases) bool {
	for _, p := range ps {
		i := strings.Index(padded, p)
		if i < 0 {
			continue
		}
		rest := padded[:i+1] + padded[i+len(p)-1:]
		if onlyFillers(rest) {
			return true
		}
	}
	return false
}

func onlyFillers(s string) bool {
	for _, w := range strings.Fields(s) {
		if !bareFiller[w] {
			return false
		}
	}
	return true
}

// commandResult is res as a request for cmd; a subscription naming its
// ward ("đăng ký nhận tin phường Cầu Giấy") carries the place, so that the
// conversation can look it up at once instead of asking for it.
func commandResult(res Result, cmd, folded string) Result {
	res.Action, res.Decline, res.Command = ActionCommand, "", cmd
	if cmd != CommandSubscribe {
		return res
	}
	if found, text, _ := placeTables().hanoiPlace(strings.Fields(folded)); text != "" {
		res.Locality = &LocalityQuery{Text: text, Places: found}
	}
	return res
}
