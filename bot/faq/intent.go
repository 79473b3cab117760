package faq

import "strings"

// Action is what the engine does first with a question. The conversation
// layer renders it; eval.go scores it.
type Action string

const (
	ActionAnswer    Action = "answer"    // Result.Entry answers the question
	ActionChoices   Action = "choices"   // Result.Suggestions: "did you mean…", best first
	ActionDecline   Action = "decline"   // outside Loa's remit; Result.Decline says why
	ActionSmalltalk Action = "smalltalk" // Result.Smalltalk: greeting, thanks, about the bot
	ActionLocality  Action = "locality"  // Result.Locality: an old unit → new ward question
	ActionCommand   Action = "command"   // Result.Command: a request for one of Loa's own functions
)

// Decline reasons. Each has a text key (see Result.TextKey).
const (
	DeclineNoMatch  = "no-match"       // nothing in the KB is close enough
	DeclineProvince = "other-province" // about another province or city (Result.Province)
	DeclineWeather  = "weather"
	DeclineSports   = "sports"
	DeclinePrices   = "prices"
	DeclineLegal    = "legal"     // a personal legal dispute
	DeclinePolitics = "politics"  // opinions and politics
	DeclineRoleplay = "injection" // role-play, "ignore your instructions"
	// DeclineService: a procedure of another authority that Loa has no
	// entry for (passports, visas, driving tests, foreigners' papers).
	DeclineService = "other-service"
	// DeclineGeneral: general knowledge, homework, recipes, health, code:
	// what a search engine or a doctor answers, not the city's FAQ.
	DeclineGeneral = "general"
)

// Smalltalk kinds.
const (
	SmalltalkGreeting = "greeting"
	SmalltalkThanks   = "thanks"
	SmalltalkAbout    = "about" // who Loa is and what it can do
)

// LocalityQuery is a question about where a pre-2025 unit of Hà Nội went,
// e.g. "Phường Kim Liên cũ giờ là phường nào?" or "quận Cầu Giấy bây giờ
// chia thành những phường nào?". The engine only recognises it; the
// conversation answers from the locality tables (Resolution 1656/NQ-UBTVQH15)
// and offers to subscribe to the ward.
type LocalityQuery struct {
	// Text is the place as the engine read it, folded ("kim lien",
	// "cau giay"); "" when the question names no place it could isolate
	// ("địa chỉ cũ của tôi giờ là phường nào?": ask the resident).
	Text string
	// Shown is Text as the resident wrote it ("Cầu Giấy" for "cau giay"),
	// for replies that quote the place back; Text when it cannot be found.
	Shown string
	// Places are the Hanoi units of that name, from store/seed; several
	// when a name repeats across old districts, none when Text is unknown.
	Places []Place
	// Split is true for "what did district X become" questions, which
	// want every new unit that took part of it.
	Split bool
}

// pad returns " folded " for whole-word Contains checks.
func pad(folded string) string { return " " + folded + " " }

// phrases are folded phrases stored as " phrase ", so that matching a
// padded question allocates nothing.
type phrases []string

func padded(ps ...string) phrases {
	out := make(phrases, len(ps))
	for i, p := range ps {
		out[i] = " " + p + " "
	}
	return out
}

func hasAny(padded string, ps phrases) bool {
	for _, p := range ps {
		if strings.Contains(padded, p) {
			return true
		}
	}
	return false
}

// endsWithWord reports whether s ends with one of words (as a whole word).
func endsWithWord(s string, words []string) bool {
	for _, w := range words {
		if strings.HasSuffix(s, " "+w) {
			return true
		}
	}
	return false
}

// Role-play and instruction-override attempts: never an FAQ question.
var injectionPhrases = padded(
	"ignore all", "ignore previous", "ignore your", "ignore the above", "ignore the instructions",
	"disregard", "system prompt", "jailbreak", "pretend you", "pretend to be a", "act as a", "act as an",
	"you are now", "roleplay", "role play", "from now on you", "developer mode", "dan mode",
	"bo qua moi", "bo qua cac", "bo qua tat ca", "bo qua huong dan", "bo qua chi dan", "quen het",
	"quen di cac", "dong vai", "gia vo ban", "hay gia vo", "tu gio ban la", "tu bay gio ban",
	"ban hay tro thanh", "ban bay gio la", "lenh he thong", "prompt", "viet tho", "lam tho", "bai tho", "write a poem", "write me a", "write me an", "write an essay", "essay", "bai luan", "viet bai van",
	"viet cho toi mot bai", "viet giup toi", "poem", "song lyrics", "joke",
	"tell me a joke", "ke chuyen cuoi", "hat mot bai", "chui",
	"gia lam nhan vien", "gia lam can bo", "hay gia lam", "you are dan", "do anything now", "how do i hack",
	"how to hack", "cach hack", "hack someone", "hack tai khoan cua", "hack vneid cua",
	// another person's data: Loa gives out no one's address, number or password
	"so dien thoai cua ong", "so dien thoai cua ba", "dia chi nha cua ong", "dia chi nha cua ba",
	"dia chi nha va so dien thoai", "mat khau vneid cua", "mat khau cua vo", "mat khau cua chong",
	"tai khoan cua nguoi khac", "thong tin cua nguoi khac", "someone else s password", "someone else s account",
	"someone s phone number", "someone s address",
)

var weatherPhrases = padded(
	"thoi tiet", "nhiet do", "du bao", "co mua khong", "troi mua", "bao lu",
	// "cơn bão" folds like "còn bao (lâu, nhiêu)": only a storm's contexts
	"con bao so", "con bao nay", "con bao sap", "con bao dang", "con bao lon", "con bao vao", "sieu bao", "ret dam",
	"nang nong", "do am", "khong khi lanh", "weather", "forecast", "temperature", "raining", "rain today",
	"will it rain", "typhoon", "aqi", "o nhiem khong khi",
	// "bao nhiêu độ" is a temperature; "độ tuổi" (age) is not, so the
	// phrase is anchored on what comes around it.
	"nay bao nhieu do", "noi bao nhieu do", "hn bao nhieu do", "troi bao nhieu do", "bao nhieu do c", "bao nhieu do vay", "bao nhieu do the", "bao nhieu do a",
	"may do c", "mua khong", "nong khong", "lanh khong", "gonna rain", "going to rain", "rain tomorrow",
	"is it raining", "how hot", "how cold",
)

// Procedures of other authorities that residents ask a city bot about.
// Driving licences in VNeID are an entry: only tests, conversions and
// foreigners' papers are out of remit.
var servicePhrases = padded(
	"ho chieu", "passport", "visa", "thi thuc", "thi bang lai", "hoc bang lai", "thi sat hach", "sat hach",
	"doi bang lai", "hang a1", "hang a2", "hang b1", "hang b2", "hang c1", "thi lai xe", "cap doi bang lai", "driving test", "convert my driving", "convert their driving",
	"convert a driving", "foreign driving", "international driving", "register a motorbike",
	"register my motorbike", "motorbike registration", "work permit", "giay phep lao dong",
	"temporary residence card", "residence card", "the tam tru",
	// civil-status and other procedures the KB has no entry for
	"khai sinh", "giay khai sinh", "dang ky ket hon", "giay dang ky ket hon", "khai tu", "ly lich tu phap",
	"giay phep xay dung", "giay phep lai xe quoc te", "bang lai quoc te", "doi giay phep lai xe", "birth certificate", "birth registration", "register a birth", "marriage certificate",
	"register our marriage", "marriage registration", "criminal record", "building permit",
	// vehicle registration and plates (the traffic police's)
	"dang ky xe", "dang ky oto", "dang ky o to", "bien so xe", "bam bien", "boc bien", "sang ten xe",
	"vehicle registration", "number plate", "license plate", "licence plate",
	// digital signatures, driving lessons and paying traffic fines: the
	// providers', the schools' and the traffic police's ("Cách đăng ký
	// chữ ký số" found the VNeID level-1 sign-up, "nộp phạt vi phạm giao
	// thông online" the online filing entry)
	"chu ky so", "ky so", "digital signature", "hoc lai xe", "dang ky hoc lai", "driving lesson",
	"driving school", "nop phat", "dong phat", "nop tien phat", "pay a fine", "pay my fine", "pay the fine",
	"pay a traffic fine", "pay my traffic fine",
	// public holidays: "Lịch nghỉ Tết năm nay là ngày nào?" found this
	// year's DT Day theme
	"nghi tet", "lich nghi", "nghi le", "public holiday", "tet holiday", "days off for tet",
	// a telecom's plans, a bank's own services
	"goi data", "cuoc 4g", "cuoc 5g", "so du tai khoan", "check my balance",
	"get a vietnamese driving", "get a driving licence", "get a driving license",
)

// elsewherePhrases name matters no entry covers whose words meet the
// scam entries': a social account taken over ("Facebook bị hack, lấy lại
// thế nào" found the entry on recovering scammed money) and a theft to
// report ("mất trộm xe máy, trình báo" found the one on having been
// scammed). The platform or the police handle them. A subject of Loa's
// own named too ("VNeID bị hack", "bị lừa đảo rồi mất trộm…") is still
// searched: see remitDecline.
var elsewherePhrases = padded(
	"bi hack", "hack mat", "hack roi", "hacked", "got hacked", "been hacked", "hacker chiem",
	"bi chiem tai khoan", "chiem mat", "chiem quyen tai khoan", "chiem nick",
	"bi chiem nick", "mat nick", "bi mat nick", "lay lai nick", "khoi phuc nick",
	"lay lai facebook", "lay lai zalo", "lay lai tai khoan facebook", "lay lai tai khoan zalo",
	"khoi phuc tai khoan facebook", "khoi phuc tai khoan zalo", "took over my account",
	"taken over my account", "recover my account", "recover my facebook", "recover my instagram",
	"mat trom", "bi trom", "trom cap", "trom mat", "bi cuop", "cuop giat", "moc tui", "bi moc tui",
	"stolen", "got robbed", "was robbed", "pickpocket",
)

// scamAskPhrases are what makes a taken-over account or a stranger's
// message a scam: money or a code asked for ("Facebook của bạn tôi bị
// hack, kẻ gian nhắn tin hỏi vay tiền" is the entry on checking a
// friend's request, not the platform's recovery), or a threat or prize
// tied to a transfer.
var scamAskPhrases = padded("vay tien", "muon tien", "hoi vay", "muon vay", "vay gap", "xin tien",
	"chuyen tien", "chuyen khoan", "ke lua", "borrow money",
	"borrow some money", "lend them money", "lend him money", "lend her money", "asking for money",
	"asking me for money", "asked me for money", "send money", "transfer money", "asking to borrow")

// A scam told as a story names no scam: "có người gọi xưng là công an
// phường, bảo cập nhật địa chỉ, rồi gửi link bảo cài ứng dụng"; "người ta
// bảo đọc mã vừa nhắn về để mở khóa VNeID". Its VNeID words found the
// VNeID entries (dev18). A stranger reaching the resident (contactPhrases)
// who asks for one of the signs of scamSignPhrases puts the scam entries
// first (Engine.ask). The words are the normalised ones: the concept table
// has already read "mã số" as "mã otp" and "xưng là công an" as "xưng
// công an".
var contactPhrases = padded("co nguoi goi", "nguoi goi", "co nguoi nhan tin", "co nguoi nhan", "co nguoi gui",
	"co nguoi bao", "co nguoi moi", "co nguoi xung", "nguoi la", "so la", "xung cong an", "nhan duoc tin nhan",
	"someone called", "got a call", "a call from", "got a message", "texted me", "messaged me", "a stranger",
	"someone offered", "hang xom bao",
	// calls and messages that say who sent them: "điện lực gọi dọa cắt
	// điện", "tin nhắn báo trúng thưởng", "an SMS from Vietnam Immigration"
	"goi dien bao", "goi bao", "goi doa", "tin nhan bao", "nhan tin bao", "tin nhan brandname", "nhan duoc sms",
	"tu xung", "xung la", "shipper goi", "got a text", "got an sms", "an sms from", "a text from", "an email from",
	"received an email", "called saying", "called me", "calls from", "keeps sending", "added me")

var scamSignPhrases = padded("doc ma otp", "xin ma otp", "gui ma otp", "cung cap ma otp", "ma otp vua",
	"gui link", "kem link", "gui mot duong link", "duong link", "bam vao link", "bam link", "nhan vao link",
	"cai ung dung vao", "cai app vao", "tai ung dung theo link", "mat phi", "read the code", "send the code",
	"give the code", "click the link", "click a link", "install an app", "install the app", "for a fee",
	"pay a fee",
	// money asked for up front, a prize, a threat
	"qua link", "chuyen khoan phi", "chuyen phi", "dong phi", "phi nhan", "trung thuong", "doa cat", "cat dien",
	"bi khoa sim", "sim sap bi khoa", "khoa sim", "rua tien", "through a link", "via a link", "a deposit",
	"transfer a deposit", "pay through", "won a prize", "cut tonight", "money laundering", "investment tips")

// otherAppPhrases name platforms whose accounts are not Loa's (VNeID's
// are): social networks, e-mail, e-wallets. Banks are left out: a bank
// account locked for want of biometrics is Loa's (see paperPhrases).
var otherAppPhrases = padded("mang xa hoi", "social network", "facebook", "gmail", "email", "e mail",
	"vi dien tu", "vi momo", "momo", "zalopay", "zalo pay", "shopee", "telegram", "messenger", "youtube",
	"e wallet", "ewallet", "e-wallet", "viber", "nick",
	// other accounts still: a phone maker's, a bank's ("iCloud bị khóa thì
	// mở sao", "my bank account got locked" found the VNeID unlock entry;
	// a bank's biometric check is Loa's, see paperPhrases)
	"icloud", "apple id", "google account", "instagram", "tiktok", "bank account", "tai khoan ngan hang",
	// a bank's own app and login (its biometric check is Loa's: paperPhrases)
	"internet banking", "mobile banking", "app ngan hang", "bidv", "vietcombank", "techcombank", "agribank",
	"vietinbank", "mb bank", "mbbank", "tpbank", "vpbank", "sacombank")

// accountTroublePhrases are an account's troubles, which the VNeID
// account entry answers for VNeID.
var accountTroublePhrases = padded("bi khoa", "mo khoa", "khoa tai khoan", "quen mat khau", "doi mat khau",
	"lay lai mat khau", "mat mat khau", "khong dang nhap duoc", "dang nhap khong duoc", "khong vao duoc",
	"lay lai tai khoan", "khoi phuc", "locked", "unlock", "forgot my password", "forgot the password",
	"forgot password", "reset my password", "cant log in", "can t log in", "cannot log in", "cant login",
	"recover", "get it back", "lay lai",
	// closing one: "cách xóa tài khoản Facebook vĩnh viễn" (session 11)
	"xoa tai khoan", "xoa vinh vien", "delete my", "delete account", "deactivate", "close my account")

// everydayPhrases are household services no entry covers, whose words
// meet an entry's ("Thẻ BHYT hết hạn, gia hạn trên mạng" found the entry
// on putting the card into VNeID, "mạng internet chậm, báo cho ai" the one
// on reporting a scam, "hộ nghèo được hỗ trợ điện thoại" the community
// teams'): tax, health-insurance renewal, school places, internet, power
// and water cuts, support for poor households. Paying them by bank is
// Loa's (see paperPhrases), and so is a scam that names them ("dọa cắt
// điện nếu không chuyển tiền").
var everydayPhrases = padded(
	"quyet toan thue", "ma so thue", "thue thu nhap", "nop thue", "khai thue", "hoan thue",
	"gia han bao hiem", "gia han the bao hiem", "bao hiem y te het han", "het han bao hiem", "bao hiem xa hoi",
	"bhyt het han", "het han bhyt", "bao hiem het han", "gia han", // no entry renews anything
	"tuyen sinh", "vao lop 1", "vao lop 6", "vao lop 10", "nhap hoc", "diem thi",
	"mang cham", "internet cham", "mat mang", "rot mang", "wifi cham", "mang yeu",
	"internet nha", "wifi nha", "mang nha", "chap chon",
	"cat dien", "mat dien", "cup dien", "mat nuoc", "cat nuoc", "cup nuoc",
	"ho ngheo", "ho can ngheo", "tro cap",
	"tax return", "tax code", "income tax", "school enrolment", "school enrollment", "power cut",
	"power outage", "internet is slow", "slow internet",
	// a card or book lost, reissued or renewed is its issuer's procedure
	// ("Thẻ BHYT của con bị mất, cấp lại thế nào" found the entry on
	// putting the card into VNeID, "làm lại sổ hộ khẩu" the VNeID
	// password's); VNeID's own (a subject cue) is still searched
	"cap lai", "lam lai the", "lam lai so", "lam lai giay", "lam lai bang", "bi mat the", "mat the",
	"bi mat so", "mat so", "bi mat giay", "mat giay", "bi mat bang", "mat bang lai", "bi mat vi", "mat vi",
	"het han", "renew", "renewal", "reissue", "replace my", "replacement card", "lost my", "lost wallet",
	"lost a wallet", "lost card",
)

// paperPhrases: ID papers, biometrics and money, which make another
// platform's account question Loa's ("Facebook đòi ảnh căn cước để mở
// khóa", "an fb page promising to recover scammed money").
var paperPhrases = padded("giay to", "can cuoc", "cccd", "cmnd", "id card", "photo of my id", "sinh trac",
	"biometric", "khuon mat", "face scan", "tien", "money", "scammed", "lua", "chuyen khoan")

var sportsPhrases = padded(
	"bong da", "da bong", "world cup", "sea games", "aff cup", "v league", "vleague", "tran dau", "ty so",
	"doi tuyen", "cau thu", "ngoai hang anh", "champions league", "football", "soccer", "match tonight",
	"who won", "score of", "premier league", "olympic", "ket qua tran", "bong chuyen", "tennis",
	// "Việt Nam đá với Indonesia": a match, whoever plays
	"da voi", "da may gio", "da luc may gio", "vong loai", "chung ket", "ban ket",
)

// General knowledge, homework, recipes, health and code. Their questions
// share only common words with the KB ("thủ đô" folds to "thứ", "bao nhiêu
// tuổi" meets the children's VNeID entry), so the search alone found an
// entry for them. A subject cue (VNeID, scams…) still wins: "ứng dụng
// VNeID có trên thế giới không" is Loa's.
var generalPhrases = padded(
	// geography, history, science, people
	"thu do cua", "thu do nuoc", "capital of", "population of", "dien tich", "the gioi", "world",
	"dai nhat", "cao nhat the", "lon nhat the", "tallest", "longest", "largest", "biggest", "highest mountain",
	"phat minh", "invent", "invented", "tac gia", "author of", "wrote the", "ca si", "singer", "dien vien",
	"actor", "bai hat", "movie", "bo phim", "bao nhieu tuoi roi", "how old is", "chay nhanh nhat",
	"speed of", "toc do anh sang", "bau troi", "hanh tinh", "planet", "mat troi", "the sun", "trai dat",
	"earth", "dien bien phu", "lich su", "history of", "was built", "xay dung tu nam", "co tu bao gio",
	"con vat", "animal",
	// homework and maths
	"bai tap", "homework", "giai toan", "bai toan", "giai giup", "giai phuong trinh", "math", "bai van",
	"lop 1", "lop 2", "lop 3", "lop 4", "lop 5", "lop 6", "lop 7", "lop 8", "lop 9",
	// recipes and food
	"cach nau", "nau an", "cong thuc lam", "cong thuc nau", "mon an", "recipe", "cook", "lam banh",
	"nem ran", "quan an", "quan nao ngon", "ngon nhat", "street food", "street foods", "best food", "best foods", "foods to try", "an gi ngon",
	"egg coffee", "ca phe trung", "nau pho", "nuoc dung", "gia vi", "ninh xuong", "lich thi", "thi dai hoc",
	"doctors", "o dau ngon", "cho nao ngon", "an pho", "quan pho",
	// health
	"uong thuoc", "thuoc gi", "bi sot", "sot cao", "dau bung", "dau dau", "dau hong", "cam cum", "benh gi",
	"trieu chung", "vac xin", "vaccine", "tiem phong", "di vien", "kham benh", "bac si", "sore throat",
	"headache", "fever", "symptom", "paracetamol", "ibuprofen", "medicine", "doctor", "diarrhea", "tieu chay",
	"what should i take",
	// holidays, the date and the time
	"quoc khanh", "national day", "independence day", "tet nguyen dan", "trung thu", "am lich",
	"may gio roi", "what time is it", "hom nay la thu may", "hom nay thu may", "what day is it",
	// statistics nobody in the city's FAQ keeps
	"that nghiep", "unemployment", "luong toi thieu", "minimum wage", "bao nhieu tinh thanh",
	"how many provinces",
	// personal questions to the bot
	"ban co yeu", "yeu toi khong", "nguoi yeu", "ban bao nhieu tuoi", "so dien thoai cua ban", "how old are you",
	"do you love", "are you single", "girlfriend", "boyfriend", "ban thich", "do you like", "your favorite",
	"your favourite",
	// translation and machine learning
	"translate", "dich sang", "dich giup", "machine learning",
	// computers and phones
	"windows", "laptop", "wifi", "may tinh bi", "cai win", "computer",
	// code
	"python", "javascript", "java", "css", "html", "lap trinh", "programming", "bug", "exception",
	"sql", "thuat toan", "algorithm", "error 404", "my website", "excel", "vlookup",
	// everyday life in the city: eating out, shopping, getting around,
	// renting, jobs, learning the language ("hi, can you recommend a good
	// restaurant" found iHanoi's features)
	"recommend a", "recommend me", "recommend some", "good place to retire", "good place to live",
	"neighbourhoods are best", "neighborhoods are best", "best neighbourhood", "best neighborhood", "restaurant", "restaurants", "cafe", "coffee shop",
	"quan cafe", "quan ca phe", "hotel", "khach san", "homestay", "want to buy", "where can i buy",
	"where to buy", "mua o dau", "sim card", "taxi", "book me", "dat xe", "airport", "san bay", "metro",
	"xe buyt", "bus route", "flight", "ve may bay", "learn vietnamese", "hoc tieng", "thue nha",
	"rent an apartment", "rent a room", "find a job", "tim viec", "directions to", "chi duong", "duong di",
	"how do i get to", "safe at night",
	// more health
	"dau rang", "tieu duong", "huyet ap", "sot xuat huyet", "dengue", "an kieng", "giam can",
	"khang sinh",
	// code, other apps' own accounts, investments
	"debug", "my code", "nil pointer", "golang", "stack trace", "into japanese", "into korean", "into chinese",
	"sang tieng nhat", "sang tieng han", "sang tieng trung", "grab driver", "shopee seller", "seller account",
	"good investment", "nen dau tu", "dau tu dat",
)

// taskPhrases are tasks Loa does not do even about its own subjects:
// "Write a Python script to scrape dichvucong.gov.vn", "Translate 'level
// 2 electronic identification' into Japanese", "debug my Go code" (whose
// "code" the concept table reads as an OTP).
var taskPhrases = padded("python", "javascript", "golang", "react", "debug", "scrape", "nil pointer", "stack trace",
	"write code", "write a script", "viet code", "viet chuong trinh", "translate", "into japanese", "into korean",
	"into chinese", "into french", "into german")

var pricePhrases = padded(
	"gia vang", "ty gia", "gia xang", "gia dau", "gia nha", "gia dat", "gia bitcoin", "gia co phieu",
	"chung khoan", "gia usd", "gia iphone", "gia xe", "gia thit", "gia rau",
	"gia chung cu", "gold price", "exchange rate", "price of", "stock price", "how much is a", "bitcoin",
	"lai suat", "interest rate", "phan bon", "phan dam", "gia phan", "vn index", "vnindex", "bat day", "co phieu", "usd to vnd", "vnd to usd", "dollar rate",
	"dat tho cu", "mot met vuong", "bao nhieu 1m2", "gia thue nha", "gia thue phong", "gia can ho",
)

var legalPhrases = padded(
	"tranh chap", "ly hon", "ly di", "thua ke", "chia tai san", "kien hang xom", "hang xom lan chiem",
	"lan chiem", "khoi kien", "luat su", "hop dong thue nha", "vay no", "quyen nuoi con", "ra toa",
	// "đòi nợ", "bị nợ" fold like "đổi nó", "bị nó (lừa)": only a debt's contexts
	"bi doi no", "di doi no", "doi no thue", "doi no tien", "no nan", "no xau", "bi no tien", "mac no",
	"toa an", "divorce", "inheritance", "lawyer", "my landlord", "sue my", "custody", "neighbour dispute",
	"neighbor dispute", "hang xom", "nha ben canh", "kien o dau", "tien dat coc", "dat coc", "so hong", "giay chung nhan quyen su dung dat",
)

var politicsPhrases = padded(
	"chinh tri", "dang phai", "bau cu", "ung cu", "ban nghi gi ve", "y kien cua ban ve", "quan diem cua ban",
	"ban ung ho", "ban co thich", "ban thich ai", "ai tot hon", "tong thong", "bien dong", "chien tranh",
	"politics", "political", "election",
	// judging the government: "theo bạn chính sách của chính phủ là đúng hay sai" (dev18)
	"theo ban chinh sach", "chinh phu dung hay sai", "chinh sach dung hay sai", "chinh phu la dung hay sai",
	"chinh sach cua chinh phu bay gio", "government right or wrong", "is the government right",
	// voting for someone, not "vote for ideas on iHanoi" or rating a
	// service: who, which candidate or party
	"who to vote", "who should i vote", "who do i vote", "who would you vote", "who will you vote",
	"who do you vote", "who are you voting", "who did you vote", "vote for who", "vote for whom",
	"vote for which", "which candidate", "candidate", "candidates", "ung vien", "which party", "political party", "bau cho ai", "what do you think about", "your opinion", "do you support",
	"president of", "who is better", "communist", "democracy", "dan chu", "bieu tinh",
	// asking for the bot's own judgement: "theo bạn sáp nhập là đúng hay sai"
	"ban nghi sao", "ban nghi the nao", "ban thay sao ve", "dung hay sai", "la sai lam", "a mistake",
	"honestly think", "what do you think of", "do you think", "honest opinion", "personally think",
	"your view on", "your views on", "chi la hinh thuc", "phong trao hinh thuc",
	"ban nghi sap nhap", "ban nghi viec sap nhap", "ong chu tich", "ba chu tich", "tong bi thu la ai", "chu tich nuoc la ai", "thu tuong hien nay la ai", "chu tich thanh pho la ai",
	"chu tich ha noi la ai", "bi thu thanh uy la ai",
)

// remitDecline classifies a question outside Loa's remit by its cues, or
// returns "". (A price phrase after "quốc", "đánh", "tham" and a politics
// phrase after "bộ" do not count: see cues.)
func remitDecline(c cue) string {
	switch {
	case c.has(cueInjection):
		return DeclineRoleplay
	case c.has(cueWeather):
		return DeclineWeather
	case c.has(cueSports):
		return DeclineSports
	case c.has(cuePrice):
		return DeclinePrices
	case c.has(cueLegal):
		return DeclineLegal
	case c.has(cuePolitics):
		return DeclinePolitics
	case c.has(cueService):
		return DeclineService
	case c.has(cueElsewhere) && !c.has(cueDomain) && !c.has(cueScamAsk):
		return DeclineService
	case (c.has(cueOtherApp) && c.has(cueAccount) || c.has(cueEveryday)) && !c.has(cueDomain) && !c.has(cuePapers) &&
		!(c.has(cueContact) && c.has(cueScamSign)):
		// "ví điện tử bị khóa thì mở lại sao" found the VNeID unlock
		// entry: another platform's account is that platform's to fix
		return DeclineService
	case c.has(cueGeneral):
		return DeclineGeneral
	}
	return ""
}

// Locality cues, folded.
var (
	localityAsk = padded(
		"phuong nao", "xa nao", "phuong gi", "xa gi", "thuoc dau", "thuoc ve dau", "ve dau", "nhap vao dau",
		"sap nhap vao dau", "nhap vao phuong", "nhap vao xa", "sap nhap vao phuong", "sap nhap vao xa", "gio la dau",
		"ten moi", "phuong moi", "xa moi", "dia chi moi", "which ward", "what ward", "which commune",
		"new ward", "ward now", "ward is it now", "which new", "now part of", "part of which",
		"merged into", "what is it called now", "new name", "new address",
		// chat abbreviations of the unit words: "ph quỳnh mai giờ là ph gì"
		"p nao", "p gi", "ph nao", "ph gi", "what commune", "district now", "commune now", "gop vao dau",
		// "thị trấn Chúc Sơn sau 1/7/2025 thuộc đơn vị nào" (dev18)
		"thuoc don vi nao", "don vi nao", "don vi hanh chinh nao", "which unit",
	)
	// localityRename asks what a named place became: it counts only when a
	// Hanoi place is found in the question ("xã Ninh Hiệp đổi tên thành
	// gì", "phường Yên Hòa sau khi sáp nhập tên là gì", "what happened to
	// Long Bien district"), since "ứng dụng này tên là gì" is no locality.
	// The same holds for asking what it is now ("phường Nghĩa Tân bây giờ
	// là gì"), whether it still exists ("phường Kim Mã còn không", "is Kim
	// Ma ward still there") and checking a guess ("xã Tân Triều giờ thuộc
	// phường Định Công à", "… nay là phường Hồng Hà đúng không").
	localityRename = padded("doi ten", "ten la gi", "ten gi", "mang ten gi", "ten moi la gi",
		"what happened to", "what became of", "become after", "goi la gi", "gio goi la", "bay gio goi la", "district become", "commune become", "ward become", "what is it now", "called now", "part of",
		"gio la gi", "bay gio la gi", "nay la gi", "hien nay la gi", "bay gio thanh gi", "gio thanh gi",
		"con khong", "con ton tai", "khong con", "con ten", "con nua khong", "bi xoa", "giai the", "still there",
		"still exist", "still exists", "no longer", "not exist", "thuoc phuong", "thuoc xa", "la phuong",
		"la xa", "nhap voi", "sap nhap voi", "sap nhap thanh", "nhap thanh", "merged with",
		"thuoc ve phuong", "thuoc ve xa", "ve phuong", "ve xa", "thuoc p", "thuoc ph", "chung mot phuong",
		"cung mot phuong", "chung phuong", "cung phuong", "chung xa", "cung xa",
		// "gộp" is merging ("góp ý", feedback, folds to "gop y": not it)
		"gop vao", "gop voi", "gop thanh", "gop lai", "bi gop", "duoc gop",
		"should i write", "address now", "write now", "vao dau",
		"sau sap nhap", "sau khi sap nhap", "after the merger", "after merging", "after the merge",
		"sap nhap chua", "nhap chua", "da sap nhap", "gio ra sao", "bay gio ra sao", "nay ra sao",
		"gio the nao", "bay gio the nao", "called", "gone", "disappeared", "renamed", "abolished")
	localityChange = padded(
		"cu", "truoc day", "truoc kia", "ngay xua", "bay gio", "gio", "gio la", "hien nay", "hien tai",
		"sau sap nhap", "sap nhap", "sau khi nhap", "chia thanh", "tach thanh", "tach ra", "con khong",
		"moi", "former", "old", "used to", "merged", "now", "after the merger", "nay", "thuoc",
	)
	localitySplit = padded("chia thanh", "tach thanh", "tach ra", "gom nhung phuong", "gom nhung xa",
		"gom phuong nao", "nhung phuong nao", "cac phuong nao", "bao nhieu phuong moi", "split into",
		"divided into", "which wards", "new wards", "new communes", "what wards", "which communes",
		"what communes",
		// "thị xã Sơn Tây giờ thành mấy phường", "huyện Sóc Sơn giờ chia ra sao"
		"chia ra", "thanh may phuong", "thanh may xa", "thanh nhung phuong", "thanh nhung xa",
		"thanh cac phuong", "thanh cac xa", "chia nhu the nao", "chia the nao",
		// "quận Cầu Giấy còn không, giờ gồm mấy phường" (dev18)
		"gom may phuong", "gom may xa", "gom nhung phuong nao", "gom nhung don vi")
	// Questions about the VNeID address or papers after the merger are
	// FAQ entries, not look-ups.
	localityNot = padded("vneid", "can cuoc", "cccd", "dinh danh", "giay to", "cap nhat", "so do",
		"bao nhieu xa phuong", "bao nhieu phuong xa", "126", "may phuong", "bao nhieu don vi",
		// the public administrative service centre is an entry, wherever it is
		"hanh chinh cong")
)

var (
	unitAsk       = padded("phuong", "xa", "ward", "commune", "district", "thuoc", "la")
	districtWords = padded("quan", "huyen", "district", "thi xa", "tx", "q")
	pluralWords   = padded("nhung", "cac", "gom", "wards")
	hanoiWords    = padded("ha noi", "hanoi", "hn", "thu do", "capital")
)

// locality recognises an old-unit → new-ward question.
// longPlaceWords: a message longer than this, in words, tells a story.
const longPlaceWords = 30

// agencyWords name a government body, whose merger is not a ward's.
var agencyWords = padded("so thong tin", "so khoa hoc", "so noi vu", "truyen thong", "ban chi dao", "uy ban nhan dan thanh pho",
	"department", "ministry", "bo thong tin", "bo khoa hoc", "bo cong an")

func locality(folded string, c cue, pl *places) *LocalityQuery {
	ask, split, rename := c.has(cueLocAsk), c.has(cueLocSplit), c.has(cueLocRename)
	if !ask && !split && !rename && !c.has(cueLocOld) {
		return nil // no cue: skip the name search
	}
	change := c.has(cueLocChange)
	words := strings.Fields(folded)
	found, text, prefixed := pl.hanoiPlace(words)
	// "mấy phường" is the city-wide count (an entry) unless a district or
	// a named unit is said to be split: "quận Hoàn Kiếm chia thành mấy
	// phường", "Phường Láng Hạ bị chia ra mấy phường".
	if c.has(cueLocNot) && !(split && (c.has(cueDistrict) || prefixed && found != nil)) {
		return nil
	}
	// No place named, a question of where something went is about one of
	// Loa's subjects ("Sở Thông tin và Truyền thông giờ sáp nhập vào
	// đâu", "tổ công nghệ số có tên mới là gì"), not a ward.
	if found == nil && c.has(cueDomain|cueAgency) {
		return nil
	}
	// A long message names the resident's place as context ("tôi là cán
	// bộ hưu trí ở phường Thanh Xuân, dạo này…"): there only a clear ask
	// makes it a place question, and not beside one of Loa's subjects.
	if len(words) > longPlaceWords && (c.has(cueDomain) || !ask && !split) {
		return nil
	}
	switch {
	case ask && (found != nil || change):
	case (split || rename) && found != nil:
	// a name the tables do not know, after a unit word and said to be old:
	// "phuong kim lienn cu gio la gi"
	case rename && c.has(cueLocOld) && guessPlace(words) != "":
	case found != nil && prefixed && change && c.has(cueUnitAsk):
	default:
		return nil
	}
	q := &LocalityQuery{Text: text, Places: found, Split: split}
	if q.Text == "" {
		q.Text = guessPlace(words)
	}
	if !q.Split {
		for _, p := range found {
			if p.Kind == "former-district" && c.has(cueDistrict) {
				q.Split = c.has(cuePlural)
			}
		}
	}
	return q
}

// guessPlace takes the words after a unit type word, up to a cue word:
// "phuong abc cu gio la phuong nao" → "abc".
func guessPlace(words []string) string {
	stop := set("cu", "gio", "bay", "nay", "thuoc", "la", "truoc", "sau", "thi", "hien", "con", "da", "duoc",
		"now", "is", "was", "old", "former", "became", "moi", "o", "nhap", "sap", "chia", "tach", "phuong", "xa")
	for i, w := range words {
		if !isUnitWord(w) || i+1 >= len(words) {
			continue
		}
		var out []string
		for _, x := range words[i+1:] {
			if stop[x] || len(out) == 4 {
				break
			}
			out = append(out, x)
		}
		if len(out) > 0 {
			return strings.Join(out, " ")
		}
	}
	return ""
}

// bareHanoiPlace recognises a message that is only the name of a Hanoi
// unit, current or former ("hàng bạc", "Phường Kim Liên"): the resident
// wants to know where it is now. One syllable alone needs a unit word
// before it ("phường Mai"), as in hanoiPlace.
func bareHanoiPlace(folded string, pl *places) *LocalityQuery {
	if strings.Count(folded, " ") > pl.maxWords+1 {
		return nil
	}
	name, prefixed := folded, false
	if w, rest, ok := strings.Cut(folded, " "); ok && isUnitWord(w) {
		name, prefixed = rest, true
	}
	cands, ok := pl.hanoi[name]
	if !ok {
		// the name followed by its old district, as on an address:
		// "phường Phương Mai Đống Đa", "kim chung dong anh"
		cands, name, ok = pl.withDistrict(name)
		if !ok && prefixed {
			// "phuong mai dong da" is Phương Mai, not "phường Mai"
			cands, name, ok = pl.withDistrict(folded)
			prefixed = false
		}
	}
	if !ok || !prefixed && !strings.Contains(name, " ") {
		return nil
	}
	if prefixed {
		w, _, _ := strings.Cut(folded, " ")
		cands = preferKind(cands, w)
	}
	return &LocalityQuery{Text: name, Places: cands}
}

// withDistrict splits a trailing former district's name off name and
// returns the units so called in that district ("phuong mai dong da" →
// Phường Phương Mai of Quận Đống Đa).
func (pl *places) withDistrict(name string) ([]Place, string, bool) {
	for i := strings.IndexByte(name, ' '); i > 0; {
		head, tail := name[:i], name[i+1:]
		var out []Place
		for _, d := range pl.hanoi[tail] {
			if d.Kind != "former-district" {
				continue
			}
			for _, c := range pl.hanoi[head] {
				if c.District == d.Name {
					out = append(out, c)
				}
			}
		}
		if len(out) > 0 {
			return out, head, true
		}
		j := strings.IndexByte(tail, ' ')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return nil, name, false
}

// arithmetic reports a sum to work out ("5 cộng 5 bằng mấy", "what's
// 5+5"): two numbers joined by an operator sign in q or an operator word
// in its folded text. It is general knowledge, yet its words ("bằng
// mấy") met a DTI entry's. A slash, a dash or a colon is left out:
// "10/10", "2021-2025" and "8:30" are dates and times. It allocates
// nothing.
func arithmetic(q, folded string) bool {
	return signBetweenNumbers(q) || opWordBetweenNumbers(folded)
}

// signBetweenNumbers finds a digit, an operator sign and a digit, with
// spaces allowed around the sign.
func signBetweenNumbers(q string) bool {
	for i, r := range q {
		if !strings.ContainsRune("+*×÷=", r) {
			continue
		}
		before := strings.TrimRight(q[:i], " ")
		after := strings.TrimLeft(q[i+len(string(r)):], " ")
		if before != "" && after != "" && isDigit(before[len(before)-1]) && isDigit(after[0]) {
			return true
		}
	}
	return false
}

// opWordBetweenNumbers finds "<number> <operator word> <number>".
func opWordBetweenNumbers(folded string) bool {
	var w1, w2 string
	for rest := folded; rest != ""; {
		var w string
		w, rest = nextWord(rest)
		if arithOps[w2] && isNumber(w1) && isNumber(w) {
			return true
		}
		w1, w2 = w2, w
	}
	return false
}

// arithOps are the folded operator words between two numbers.
var arithOps = set("x", "cong", "tru", "nhan", "chia", "plus", "minus", "times")
