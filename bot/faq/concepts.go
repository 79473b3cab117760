package faq

import (
	"fmt"
	"strings"
)

// Concept lexicon: residents name the KB's concepts in their own words
// ("the ID app", "upgrade my account", "someone called saying they're
// police", "nâng cấp", "kq", "bị lừa"). The entries are written in the
// KB's words, so a paraphrase shares few terms with any phrasing and the
// search either declines it or follows an incidental word. The tables
// below rewrite such phrases, on the question side only and after the
// chat normalisation, into the words the KB uses for the concept. They
// are organised by concept, not by test case: each line lists the ways
// people name one thing, so a new paraphrase of a known concept matches
// without a new line. The KB text is left as written.
//
// Why tables and no library: the Go module lists reachable here hold no
// kept Vietnamese text library (tokeniser, teencode or synonym tables);
// the nearest, bleve, is a whole search engine whose analysers stem
// English (Porter) but know no Vietnamese, and the engine already folds
// with store/fold and scores with its own BM25. Checked December 2026.
//
// A rule replaces its phrase (the longest rule starting at a word wins);
// a replacement may repeat the phrase's own words to keep them.

type conceptRule struct {
	rest []string // the phrase's words after the first
	repl string   // folded words put in its place ("" drops the phrase)
}

type conceptTable map[string][]conceptRule

// newConcepts builds a table from "phrase => replacement" pairs; rules
// starting with the same word are kept longest first.
func newConcepts(groups ...[]string) conceptTable {
	t := conceptTable{}
	for _, g := range groups {
		for _, line := range g {
			from, to, ok := strings.Cut(line, "=>")
			if !ok {
				panic("faq: concept line without =>: " + line)
			}
			words := strings.Fields(from)
			r := conceptRule{rest: words[1:], repl: strings.TrimSpace(to)}
			rules := append(t[words[0]], r)
			for i := len(rules) - 1; i > 0 && len(rules[i].rest) > len(rules[i-1].rest); i-- {
				rules[i], rules[i-1] = rules[i-1], rules[i]
			}
			t[words[0]] = rules
		}
	}
	return t
}

// rewrite appends to out the words of words with every concept phrase
// replaced, and returns whether anything changed.
func (t conceptTable) rewrite(out, words []string) ([]string, bool) {
	changed := false
	for i := 0; i < len(words); i++ {
		matched := false
		for _, r := range t[words[i]] {
			if !hasWordsAt(words, i+1, r.rest) {
				continue
			}
			if r.repl != "" {
				out = append(out, strings.Fields(r.repl)...)
			}
			i += len(r.rest)
			matched, changed = true, true
			break
		}
		if !matched {
			out = append(out, words[i])
		}
	}
	return out, changed
}

func hasWordsAt(words []string, at int, want []string) bool {
	if at+len(want) > len(words) {
		return false
	}
	for j, w := range want {
		if words[at+j] != w {
			return false
		}
	}
	return true
}

// enConcepts: English paraphrases → the English KB's words.
var enConcepts = newConcepts(
	adultAges("years old", "year old", "yo"),
	// Contractions whose apostrophe folding left apart ("what's" → "what s").
	[]string{
		"what s => what is", "where s => where is", "who s => who is", "how s => how is",
		"it s => it is", "that s => that is", "there s => there is", "he s => he is", "she s => she is",
		"they re => they are", "i m => i am", "don t => do not", "can t => cannot", "won t => will not",
		"doesn t => does not", "isn t => is not",
	},
	// VNeID, the national e-ID app run by the police.
	[]string{
		"id app => vneid app", "identity app => vneid app", "identification app => vneid app",
		"government app => vneid app", "gov app => vneid app", "citizen app => vneid app",
		"police app => vneid app", "national id app => vneid app", "eid app => vneid app",
		"digital id app => vneid app", "electronic id app => vneid app", "e id app => vneid app",
		"the deal with => _def", "what is it for => _def", "what s it for => _def",
		// "what's the point of DT Day" asks its purpose (the KB's word)
		"the point of => the purpose of", "point of => purpose of",
	},
	// Asking what something is, around the subject rather than before it
	// ("explain what Project 06 is about", "Project 06. What is it exactly?").
	[]string{
		"explain what => what is", "tell me what => what is",
		// the question put as an indirect one: "no idea what it is",
		// "not sure what that even is"
		"what it is => what is", "what it even is => what is", "what that is => what is",
		"what this is => what is", "what they are => what are", "what these are => what are",
		"no idea =>", "no clue =>", "not sure =>", "honestly =>", "i wonder =>",
		"is all about => is", "is about => is",
	},
	// Hearsay and vague nouns around the subject ("that vneid thing", "the
	// 10/10 thing everyone is talking about"): where the resident heard of
	// it, not what is asked (as "nghe nói" in viConcepts).
	[]string{
		"thing =>", "everyone is talking about =>", "everyone talks about =>", "everybody is talking about =>",
		"people are talking about =>", "everyone mentions =>", "i keep hearing about =>", "i heard about =>",
	},
	// A newcomer's context ("I'm new in town", "just moved to Hanoi for
	// work", "expat here"): who is asking, not what. Its words ("new",
	// "moved", "work") belong to other entries.
	[]string{
		"i am new in town =>", "new in town =>", "i am new here =>", "new here =>", "new to hanoi =>",
		"new to vietnam =>", "new in hanoi =>", "new in vietnam =>", "just moved here =>", "just moved to hanoi =>",
		"just moved to vietnam =>", "recently moved to hanoi =>", "moved to hanoi =>", "moved here =>",
		"for work =>", "expat here =>", "new expat =>",
	},
	// Signing up is registering (the KB's word); getting VNeID is
	// registering for it, getting its app is downloading it.
	[]string{
		"sign up => register", "signup => register", "sign me up => register", "enrol => register",
		"enroll => register", "get vneid => register vneid", "get a vneid => register vneid",
		"get the vneid => register vneid", "get that vneid => register vneid", "get vneid app => download vneid app",
		"get the vneid app => download vneid app", "get that vneid app => download vneid app",
	},
	// Making, creating or opening an account is registering for it (the
	// KB's word); the resident's own verb is kept beside it.
	[]string{
		"make an account => register make an account", "make a vneid account => register make a vneid account",
		"make a vneid => register make a vneid", "make vneid => register make vneid", "make my vneid => register make my vneid",
		"make an eid => register make an eid", "make an e id => register make an e id",
		"create an account => register create an account", "create a vneid account => register create a vneid account",
		"create a vneid => register create a vneid", "create vneid => register create vneid", "create my vneid => register create my vneid",
		"open an account => register open an account", "open a vneid account => register open a vneid account",
		"new account => register new account", "new vneid account => register new vneid account",
	},
	// Not getting scammed is avoiding scams (the KB's "avoid").
	[]string{
		"not get scammed => avoid scam", "not to get scammed => avoid scam", "not be scammed => avoid scam",
		"not getting scammed => avoid scam", "avoid getting scammed => avoid scam", "avoid being scammed => avoid scam",
		"stay safe from scams => avoid scam", "stay safe online => avoid online scam", "protect myself from scams => avoid scam",
		"protect myself online => avoid online scam", "keep safe from scams => avoid scam",
	},
	// A day in October: the National DT Day of 10/10 (the month's deals
	// are asked as deals or as the consumption month).
	[]string{
		"day in october => dt day date", "special in october => dt day date", "happening in october => dt day date",
		"happens in october => dt day date", "going on in october => dt day date", "celebrated in october => dt day date",
		"date in october => dt day date",
	},
	// Digital mass literacy (Bình dân học vụ số), named loosely.
	[]string{
		"digital literacy => digital mass literacy", "literacy campaign => literacy movement",
		"literacy drive => literacy movement",
	},
	// e-ID levels: level 2 is the full, verified account made at the police.
	[]string{
		"upgrade => upgrade level2", "upgrading => upgrade level2", "full account => level2 account",
		"verified account => level2 account", "higher level => level2", "basic account => level1 account",
		"basic level => level1", "basic e id => level1 eid", "basic eid => level1 eid", "full eid => level2 eid",
		"full e id => level2 eid",
	},
	// Whether level 2 is worth having is whether to upgrade ("why bother
	// with level 2?", "is level 2 worth it?").
	[]string{
		"bother with level => should i upgrade to level", "bother getting level => should i upgrade to level",
		"worth getting level => should i upgrade to level", "level 2 worth it => should i upgrade to level 2",
		"level 2 worth => should i upgrade to level 2",
	},
	// Level 2 is made at the commune or ward police (the KB's "ward
	// police"); residents say the police station.
	[]string{
		"police station => ward police station", "police office => ward police", "local police => ward police",
	},
	// Passwords and being locked out.
	[]string{
		"locked out => forgot password", "lock out => forgot password", "cant log in => forgot password",
		"cannot log in => forgot password", "reset my password => forgot password", "reset password => forgot password",
		"log into => log in", "login => log in", "sign in => log in", "sign into => log in", "log on => log in",
	},
	// Setting VNeID up is registering; what a scheme does for people is
	// its benefits; how many people use an app is its users; an e-receipt
	// is the KB's electronic receipt.
	[]string{
		// the verb split round its object: "can I set it up myself?"
		"set it up => register", "set one up => register", "set that up => register",
		"set up vneid => register vneid", "set up a vneid => register vneid", "set up an account => register an account",
		"set up my account => register my account", "set up e id => register e id", "set up an e id => register e id",
		// what a scheme does for people (not "what did Hanoi do for DT Day")
		"do for people => benefits for people", "do for residents => benefits for residents",
		"do for citizens => benefits for citizens", "do for me => benefits for me", "do for us => benefits for us",
		"ordinary people => ordinary residents", "many people use => many users", "many people using => many users",
		"e receipt => electronic receipt", "e receipts => electronic receipts", "ereceipt => electronic receipt",
	},
	// A site's link is its address (the KB's word).
	[]string{
		"portal link => portal address", "website link => website address", "site link => site address",
		"web link => web address", "link to => address of", "link for => address of",
	},
	// Administrative procedures, shortened.
	[]string{
		"admin procedures => administrative procedures", "admin procedure => administrative procedure",
		"admin paperwork => administrative procedures",
	},
	// Past years of a ranking.
	[]string{
		"previous years => over the years", "past years => over the years", "years ago => over the years",
	},
	// Help line.
	[]string{
		"phone number => hotline number", "help line => hotline", "helpline => hotline", "hot line => hotline",
		"call center => hotline", "call centre => hotline", "support line => hotline", "support number => hotline",
		"if i get stuck => help", "get stuck => help", "stuck => help",
	},
	// Getting the result of a procedure: posted home or collected.
	[]string{
		"mailed => sent home", "mailed home => sent home", "by mail => sent home", "by post => sent home",
		"delivered => sent home", "delivery => sent home", "shipped => sent home",
		"courier => sent home", "picking them up => receive result", "pick them up => receive result",
		"pick up => receive result", "picking up => receive result", "my documents => result", "the documents => result",
		"mail me => sent home", "mail it => sent home", "send it home => sent home", "pick it up => receive result",
		"collect it => receive result",
	},
	// Filing in person, at the one-stop service centre.
	[]string{
		"one stop => public administrative service center", "one stop shop => public administrative service center",
		"in person => in person", "hand in => file", "handing in => file", "queuing => in person",
		"queueing => in person", "queue => in person", "paperwork => application", "papers => application",
		"forms => application", "file paperwork => submit application",
	},
	// Fees and discounts.
	[]string{
		// "who is in charge of…" is no charge to pay: the phrase is kept
		"in charge => in charge", "cheaper => fee", "cheap => fee", "discount => fee", "discounted => fee", "pay less => fee",
		"costs => fee", "cost => fee", "fees => fee", "charge => fee", "charges => fee", "charged => fee",
	},
	// Reporting a problem in the street to the city (iHanoi).
	[]string{
		"complain about => report", "complain => report", "complaint => report", "potholes => pothole",
		"garbage => rubbish", "trash => rubbish", "litter => rubbish", "broken street light => report",
		"streetlight => report", "flooded => flooding",
	},
	// Community digital technology teams.
	[]string{
		"volunteers => community digital technology team", "volunteer => community digital technology team",
		"helpers => community digital technology team", "youth union => community digital technology team",
		"tech team => digital technology team", "tech teams => digital technology teams",
	},
	// Asking what an app is for: its features, not what it is.
	[]string{
		"can i do with => features", "can you do with => features", "can it do => features",
		"can i use it for => features", "is it good for => features", "what else can => what features",
		"what kind of stuff can => what features", "what stuff can => what features",
	},
	// Digital skills courses.
	[]string{
		"phone skills => digital skills", "internet skills => digital skills", "computer skills => digital skills",
		"tech skills => digital skills", "basic phone => digital skills", "course => teaching", "courses => teaching",
		"class => teaching", "classes => teaching", "lessons => teaching", "training => teaching",
	},
	// What digital transformation is.
	[]string{
		"going digital => digital transformation", "digitalization => digital transformation",
		"digitalisation => digital transformation", "digitization => digital transformation",
		"digitisation => digital transformation", "in plain words =>", "in simple words =>", "in simple terms =>",
		"plain english =>", "simply put =>", "even =>",
	},
	// DTI ranking, Digital Transformation Day themes.
	[]string{
		"ranked => rank", "ranking => rank", "rankings => rank", "slogan => theme", "motto => theme",
		"number one => rank first", "number 1 => rank first", "no 1 => rank first", "top spot => rank first",
		"first place => rank first",
		// "where does Hanoi stand" is where it ranks ("what does DT stand
		// for" is not: only the ranking's question form counts)
		"does it stand => does it rank", "does hanoi stand => does hanoi rank", "hanoi stands => hanoi ranks",
		"it stands => it ranks",
	},
	// Scams: codes, fake police, fake relatives, easy jobs, fake sites.
	[]string{
		"6 digit code => otp code", "six digit code => otp code", "verification code => otp code",
		"one time password => otp", "one time code => otp", "sms code => otp code", "pin code => otp code",
		"code => otp code", "codes => otp code",
		"saying they re police => claim police", "saying they are police => claim police",
		"said they were police => claim police", "claiming to be police => claim police", "fake police => claim police",
		"from the police => claim police", "police officer => claim police", "said he was police => claim police",
		"said she was police => claim police", "pretending to be police => claim police",
		"is police => claim police", "are police => claim police", "was police => claim police",
		"were police => claim police", "is from the police => claim police", "from police => claim police",
		"video call => video call deepfake", "video called => video call deepfake", "face looked => deepfake",
		"looked weird => deepfake", "voice clone => deepfake", "face swap => deepfake",
		"liking videos => paid online task commission", "like videos => paid online task commission",
		"like posts => paid online task commission", "liking posts => paid online task commission",
		"too good to be true => light work high pay scam",
		"likes => paid online task commission", "a day for => high pay", "per day => high pay",
		"work from home => light work high pay job", "easy money => light work high pay", "side job => light work high pay job",
		"part time job => light work high pay job", "tasks => task", "commissions => commission",
		"fake website => scam website", "fake site => scam website", "dodgy => scam", "shady => scam",
		"phishing => scam", "scammer => scam", "scammers => scam", "fraudster => scam", "conned => scam",
		"ripped off => scam", "tricked => scam", "swindled => scam", "cheated => scam",
		"sent money => sent money", "lost money => losing money",
		"pretending to be the police => claim police", "claiming to be the police => claim police",
		"posing as police => claim police", "posing as the police => claim police",
		"said they were the police => claim police", "rang me => called me", "phoned me => called me",
		"got scammed => scammed losing money", "been scammed => scammed losing money",
		"was scammed => was scammed", "lost my money => losing money",
		// a "case" handled by phone is the fake-official call (facts §14):
		// money laundering, proving innocence, a holding account
		"money laundering => claim police case", "laundering money => claim police case",
		"prove my innocence => claim police case", "prove innocence => claim police case",
		"holding account => claim police case", "safe account => claim police case",
		"arrest warrant => claim police case", "criminal case => claim police case",
		// lending, renting or selling a bank account (never do it)
		"rent my bank account => borrow my bank account", "rent my account => borrow my bank account",
		"buy my bank account => borrow my bank account", "sell my bank account => borrow my bank account",
		"lend my bank account => borrow my bank account",
		// a prize that costs a fee first
		"won a prize => won a prize", "you have won => won a prize", "you won a => won a prize", "i won a => won a prize",
	},
	// Posting ID papers on social media.
	[]string{
		"facebook => social network", "fb => social network", "zalo => social network", "tiktok => social network",
		"instagram => social network", "social media => social network", "picture => photo", "pic => photo",
		"image => photo", "selfie => photo",
	},
	// Spam calls and messages. Texts are SMS, which the KB names (5656 is
	// the SMS number): keep the word.
	[]string{
		"spam calls => spam call", "junk calls => spam call", "junk call => spam call", "robocalls => spam call",
		"robocall => spam call", "spam texts => spam sms message", "spam text => spam sms message", "spam sms => spam sms message",
		"junk messages => spam message", "junk texts => spam sms message", "text messages => sms message",
	},
	// Biometric checks on bank transfers.
	[]string{
		"face scan => biometric", "facial scan => biometric", "face verification => biometric", "face id => biometric",
		"facial recognition => biometric", "big transfers => transfer", "large transfers => transfer",
		"big transfer => transfer", "large transfer => transfer",
	},
	// Personal data law.
	[]string{
		"privacy law => personal data protection law", "data law => personal data protection law",
		"data privacy => personal data protection",
	},
)

// viConcepts: Vietnamese (folded) paraphrases and shorthand → the
// Vietnamese KB's words.
var viConcepts = newConcepts(
	adultAges("tuoi"),
	spokenDates(),
	// Shorthand the chat table leaves.
	[]string{
		"kq => ket qua", "hs => ho so", "hso => ho so", "bdhvs => binh dan hoc vu so", "ctv => cong tac vien",
		"da 06 => de an 06", "da06 => de an 06", "da 6 => de an 06", "d a 06 => de an 06",
		"mk1 => muc1", "mk2 => muc2",
		"be => tre em", "chau nho => tre em", "dthoai => dien thoai",
		// paying a tax is "nộp thuế" in the KB, whatever verb pays it
		"dong thue => nop thue", "tra thue => nop thue", "thanh toan thue => nop thue",
	},
	// A new SIM or number is the KB's "đổi số điện thoại".
	[]string{
		"doi sim => doi so dien thoai", "thay sim => doi so dien thoai", "sim moi => so dien thoai moi",
		"so dien thoai moi => doi so dien thoai", "so moi => doi so dien thoai",
		"thay so dien thoai => doi so dien thoai", "doi so khac => doi so dien thoai",
	},
	// Every procedure named as all of them ("nhận tất cả hồ sơ"): the KB
	// writes "100% thủ tục". ("Qua mạng", "trên mạng" are left: the KB
	// writes them too.)
	[]string{
		"tat ca thu tuc => 100 thu tuc", "tat ca ho so => 100 ho so", "toan bo thu tuc => 100 thu tuc",
		"toan bo ho so => 100 ho so", "moi thu tuc => 100 thu tuc", "moi ho so => 100 ho so",
	},
	// VNeID named by what it is.
	[]string{
		"app dinh danh => vneid", "ung dung dinh danh => vneid", "app cong an => vneid",
		"ung dung cong an => vneid", "app can cuoc => vneid",
	},
	// Upgrading to level 2.
	[]string{
		"nang cap => len muc2", "nang len => len", "nang muc => len muc2",
	},
	// Getting results sent home.
	[]string{
		"buu dien => gui ve nha", "buu chinh => gui ve nha", "ship ve => gui ve nha", "giao tan nha => gui ve nha",
		"gui ve tan nha => gui ve nha", "khong phai len phuong => gui ve nha", "khong phai di lai => gui ve nha",
	},
	// Help line.
	[]string{
		"duong day nong => tong dai", "so hotline => tong dai", "goi so nao => tong dai",
	},
	// Scams described, not named.
	[]string{
		"tu xung cong an => xung cong an", "xung la cong an => xung cong an", "gia danh cong an => xung cong an",
		"gia cong an => xung cong an", "tu xung la can bo => xung cong an", "xung la can bo => xung cong an",
		"tu xung => xung",
		"ma so => ma otp", "ma xac nhan => ma otp", "ma xac thuc => ma otp", "doc ma => doc ma otp",
		"xin ma => xin ma otp",
		"bi lua => bi lua dao", "lua mat => lua dao mat", "bi bip => bi lua dao", "lo chuyen => lua dao chuyen tien",
		"lam nhiem vu => lam nhiem vu hoa hong", "nap tien truoc => nhiem vu hoa hong", "hoan gap doi => hoa hong",
		"like tiktok => nhiem vu hoa hong", "like video => nhiem vu hoa hong", "tha tim => nhiem vu hoa hong",
		"goi dien rac => cuoc goi rac", "goi dien thoai rac => cuoc goi rac",
		"goi dien quang cao => cuoc goi rac", "cuoc goi quang cao => cuoc goi rac",
		"goi quang cao => cuoc goi rac", "goi rac quang cao => goi rac",
		"tra tien ngay => viec nhe luong cao", "viec nhe => viec nhe",
		"goi video => goi video", "video call => goi video", "ghep mat => deepfake", "gia giong => deepfake",
		"web la gi => website la gi", "web la j => website la gi", "trang web la gi => trang web la gi",
		"web la => website lua dao", "trang web la => website lua dao", "trang la => website lua dao",
		"uy tin => an toan",
		// a "case" handled by phone is the fake-official call (facts §14)
		"lien quan vu an => xung cong an", "lien quan den vu an => xung cong an",
		"lien quan mot vu an => xung cong an", "lien quan den mot vu an => xung cong an",
		"tai khoan tam giu => xung cong an", "rua tien => xung cong an", "chung minh trong sach => xung cong an",
		// lending, renting or selling a bank account
		"thue tai khoan => muon tai khoan", "mua tai khoan => muon tai khoan", "ban tai khoan => muon tai khoan",
		"cho muon tai khoan => muon tai khoan",
	},
	// Community digital technology teams: Hanoi's 2026 plan calls them
	// "tổ chuyển đổi số cộng đồng" (facts §0), residents "tổ CĐS".
	[]string{
		"to cds => to cong nghe so", "to chuyen doi so => to cong nghe so", "to cn => to cong nghe",
		"cn so => cong nghe so", "to cnso => to cong nghe so",
	},
	// Asking what something is, with words around "là gì" that say only
	// "plainly" or "after all" ("nói nôm na là gì", "rốt cuộc là cái gì").
	[]string{
		"noi nom na =>", "noi don gian =>", "hieu don gian =>", "noi de hieu =>", "giai thich don gian =>",
		"rot cuoc =>", "thuc chat =>", "la cai gi => la gi", "la cai j => la gi",
		"la cai chi => la gi", "nghia la sao => la gi", "nghia la gi => la gi", "nghia la j => la gi",
		"co nghia la gi => la gi",
		// "là ứng dụng gì", "là tổ gì": what kind of thing it is
		"la ung dung gi => la gi ung dung", "la app gi => la gi app", "la to gi => la gi to",
		"la ung dung j => la gi ung dung", "la app j => la gi app", "la to j => la gi to",
	},
	// A problem in the street, reported to the city (iHanoi's "phản ánh
	// hiện trường"): residents name the problem, not the feature.
	[]string{
		"den duong => den duong phan anh hien truong", "cot dien => cot dien phan anh hien truong",
		"cai o ga => oga phan anh hien truong", "o ga to => oga phan anh hien truong",
		"via he => via he phan anh hien truong", "nap cong => phan anh hien truong",
		"cay do => phan anh hien truong", "do rac => rac phan anh hien truong",
		"vut rac => rac phan anh hien truong", "bao len thanh pho => phan anh", "bao chinh quyen => phan anh",
		"bao cho phuong => phan anh",
	},
	// Fees: what a procedure costs and how to pay it.
	[]string{
		"re hon => giam le phi", "giam phi => giam le phi", "mat phi => le phi", "ton phi => le phi",
		"dong phi => nop le phi", "dong le phi => nop le phi",
	},
	// A ranking: the KB writes "xếp thứ" (the DTI entries). "Xếp hàng"
	// alone is also a queue, so only the ranking's contexts count.
	[]string{
		"xep hang dti => xep thu dti", "xep hang thu => xep thu", "xep hang bao nhieu => xep thu bao nhieu",
		"xep hang may => xep thu may", "xep hang the nao => xep thu the nao", "xep hang ra sao => xep thu ra sao",
		"xep hang chuyen doi so => xep thu chuyen doi so", "xep hang cds => xep thu chuyen doi so",
		"dung hang => dung thu",
	},
	// A date asked as a number ("ngày bao nhiêu") is asked like the KB's
	// "ngày mấy"; past years are the KB's "qua các năm".
	[]string{
		"ngay bao nhieu => ngay may", "thang bao nhieu => thang may",
		"may nam truoc => qua cac nam", "nhung nam truoc => qua cac nam", "cac nam truoc => qua cac nam",
		"nhung nam qua => qua cac nam",
	},
	// How long something takes, in days: "mấy ngày" is the KB's phrase.
	[]string{
		"bao nhieu ngay => may ngay", "bn ngay => may ngay", "bnhieu ngay => may ngay",
		"bao nhieu lau => bao lau", "bn lau => bao lau", "may hom => may ngay",
	},
	// "how to" in a Vietnamese message: "to" is no "tổ" (team) there.
	[]string{
		"lam sao to => lam sao",
	},
	// When a law or rule starts to apply is when it takes effect (the
	// KB's "có hiệu lực").
	[]string{
		"bat dau ap dung => bat dau co hieu luc", "ap dung tu khi nao => co hieu luc khi nao",
		"ap dung tu bao gio => co hieu luc tu bao gio", "ap dung tu ngay nao => co hieu luc tu ngay nao",
		"bat dau thuc hien => bat dau co hieu luc",
	},
	// A day in October: the National DT Day of 10/10 (the month's deals
	// are asked as the consumption month or its offers).
	[]string{
		"thang 10 co ngay gi => ngay chuyen doi so ngay nao", "thang 10 co ngay nao => ngay chuyen doi so ngay nao",
		"thang 10 co ngay => ngay chuyen doi so ngay", "thang 10 co mot ngay => ngay chuyen doi so ngay",
		"ngay nao trong thang 10 => ngay chuyen doi so ngay nao", "ngay gi trong thang 10 => ngay chuyen doi so ngay gi",
		"mot ngay trong thang 10 => ngay chuyen doi so", "thang muoi co ngay => ngay chuyen doi so ngay",
		// celebrating DT each year is its day
		"ky niem chuyen doi so => ngay chuyen doi so", "ky niem ngay chuyen doi so => ngay chuyen doi so",
	},
	// What an app does: residents say "tính năng", the KB "chức năng".
	[]string{
		"tinh nang => chuc nang",
	},
	// Hearsay before the subject ("nghe nói về iHanoi, nó…"): it says
	// where the resident heard of it, not what is asked.
	[]string{
		"nghe noi =>", "nghe nguoi ta noi =>", "nguoi ta noi =>", "nghe bao =>", "thay bao =>",
		// read or seen in the news: "đọc báo thấy nhắc Đề án 06 suốt"
		"doc bao thay nhac =>", "doc bao thay =>", "doc bao =>", "thay nhac =>", "thay tren tivi =>",
		"xem tivi thay =>", "tivi hay noi =>", "tren tivi noi =>", "bao chi noi =>", "thay tren bao =>",
	},
	// Social networks.
	[]string{
		"mxh => mang xa hoi", "zalo => mang xa hoi", "tiktok => mang xa hoi", "insta => mang xa hoi", "instagram => mang xa hoi",
	},
)

// adultAges drops an adult's age ("bố mình 75 tuổi", "my 80 year old
// mum"): it is the context of a question about a parent, and "tuổi"
// weighs in the search for the children's VNeID entry, where an age
// under 18 ("con 15 tuổi") does matter and is kept.
func adultAges(units ...string) []string {
	var out []string
	for n := 18; n <= 110; n++ {
		for _, u := range units {
			out = append(out, fmt.Sprintf("%d %s =>", n, u))
		}
	}
	return out
}

// spokenDates writes a date said in words ("ngày 10 tháng 10") as the KB
// writes it with a slash ("10/10", folded "10 10"): the spoken form shared
// only "ngày" with the DT Day entry and was declined.
func spokenDates() []string {
	var out []string
	for d := 1; d <= 31; d++ {
		for m := 1; m <= 12; m++ {
			out = append(out, fmt.Sprintf("%d thang %d => %d %d", d, m, d, m))
		}
	}
	return out
}

// conceptsFor returns the concept table of lang.
func conceptsFor(lang string) conceptTable {
	if lang == "en" {
		return enConcepts
	}
	return viConcepts
}

// matchAt reports, without allocating, whether a rule of t starts with w
// and its other words begin rest (the text after w).
func (t conceptTable) matchAt(w, rest string) bool {
	for _, r := range t[w] {
		s, ok := rest, true
		for _, x := range r.rest {
			var y string
			y, s = nextWord(s)
			if y != x {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
