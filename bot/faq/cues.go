package faq

import "strings"

// cue is a set of phrase lists a question matched, found in one pass over
// its words (scanCues) instead of one strings.Contains per phrase: the
// pre-checks ran ~300 substring searches per question before.
type cue uint32

const (
	cueInjection cue = 1 << iota
	cueWeather
	cueSports
	cuePrice
	cueLegal
	cuePolitics
	cueAbout
	cueLocAsk
	cueLocChange
	cueLocSplit
	cueLocNot
	cueLocOld // "cũ", "former", "old", "used to": a locality cue on its own
	cueUnitAsk
	cueDistrict
	cuePlural
	cueHanoi
	cueConnector // a folded connector between two questions
	cueService   // another authority's procedure (passport, visa, driving test)
	cueDomain    // a subject only Loa's KB covers (VNeID, Đề án 06, scams…)
	cueGeneral   // general knowledge, homework, recipes, health, code
	cueCompare   // "so với", "higher than": two places weighed against each other
	cueLocRename // "đổi tên", "what happened to": a locality cue with a place found
	cueElsewhere // a hacked social account, a theft: another body's matter (elsewherePhrases)
	cueOtherApp  // a social network, e-mail or e-wallet: another platform's account
	cueAccount   // an account's trouble: locked, password forgotten, cannot log in
	cuePapers    // ID papers or biometrics: what ties another platform's account to Loa's subjects
	cueEveryday  // a household service no entry covers: tax, health-insurance renewal, school places, power cuts
	cueScamAsk   // someone asks for money or a code: a scam sign, whatever account it came from (scamAskPhrases)
	cueContact   // a stranger reached the resident: a call, a message, a link sent (contactPhrases)
	cueScamSign  // what that stranger asked: a code, a link, an app, a fee to do a procedure for them (scamSignPhrases)
	cueTask      // a task Loa does not do, whatever subject it names: code, translation (taskPhrases)
	cueAgency    // a government body ("Sở Thông tin và Truyền thông"), whose merger is not a ward's (agencyWords)
)

// cuePhrase is one phrase (padded: " a b ") of a list.
type cuePhrase struct {
	text string
	cue  cue
	// notAfter: the phrase does not count right after one of these words
	// ("gia" in "quốc gia" is not a price).
	notAfter []string
}

// cueTable indexes every phrase by its first word.
type cueTable map[string][]cuePhrase

func (t cueTable) add(c cue, ps phrases, notAfter ...string) {
	for _, p := range ps {
		first, _, _ := strings.Cut(p[1:], " ")
		t[first] = append(t[first], cuePhrase{text: p, cue: c, notAfter: notAfter})
	}
}

var cues = func() cueTable {
	t := cueTable{}
	t.add(cueInjection, injectionPhrases)
	// "nói bậy" (talk dirty) folds like "Hà Nội bây giờ…".
	t.add(cueInjection, padded("noi bay"), "ha")
	t.add(cueWeather, weatherPhrases)
	t.add(cueSports, sportsPhrases)
	t.add(cuePrice, pricePhrases, "quoc", "danh", "tham")
	t.add(cueLegal, legalPhrases)
	// "kiện" is to sue, unless it is part of sự kiện, điều kiện, bưu kiện…
	t.add(cueLegal, padded("kien the nao", "muon kien", "kien duoc khong", "kien ai", "di kien", "kien ra"),
		"su", "dieu", "y", "buu", "linh", "van")
	// "sổ đỏ" (land title) folds like "số đó" (that number): "báo cáo số
	// đó", "chặn số đó" are about a phone number.
	t.add(cueLegal, padded("so do"), "cao", "bao", "chan", "lai", "goi", "nhan", "cho", "voi", "ve", "sdt", "so",
		// "công nghệ số, đó là…", "chuyển đổi số, đó…", "số hóa": the digital "số"
		"nghe", "chuyen doi", "hoa", "ky nang", "kinh te")
	// The Politburo (Bộ Chính trị) issues DT resolutions (57-NQ/TW).
	t.add(cuePolitics, botNamed(politicsPhrases), "bo")
	t.add(cueAbout, botNamed(aboutPhrases))
	t.add(cueLocAsk, localityAsk)
	t.add(cueLocChange, localityChange)
	t.add(cueLocSplit, localitySplit)
	t.add(cueLocNot, localityNot)
	t.add(cueLocRename, localityRename)
	t.add(cueLocOld, padded("cu", "former", "old", "used to"))
	t.add(cueUnitAsk, unitAsk)
	t.add(cueDistrict, districtWords)
	t.add(cuePlural, pluralWords)
	t.add(cueHanoi, hanoiWords)
	t.add(cueConnector, foldedConnectors)
	t.add(cueService, servicePhrases)
	t.add(cueElsewhere, elsewherePhrases)
	t.add(cueOtherApp, otherAppPhrases)
	t.add(cueAccount, accountTroublePhrases)
	t.add(cuePapers, paperPhrases)
	t.add(cueEveryday, everydayPhrases)
	t.add(cueScamAsk, scamAskPhrases)
	t.add(cueContact, contactPhrases)
	t.add(cueScamSign, scamSignPhrases)
	t.add(cueDomain, domainPhrases)
	t.add(cueGeneral, generalPhrases)
	t.add(cueTask, taskPhrases)
	t.add(cueAgency, agencyWords)
	t.add(cueCompare, padded("so voi", "hon ha noi", "hon hn", "than hanoi", "than ha noi", "compared", "compare",
		"versus", "vs", "higher than", "better than", "lower than", "ahead of"))
	// "dân số" (population), unless it is "công dân số" (digital citizen)
	t.add(cueGeneral, padded("dan so"), "cong")
	return t
}()

// botNamed adds, for every phrase addressing the bot as "bạn", the same
// phrase with its name ("Loa nghĩ gì về…", "Loa có ủng hộ…"), and the
// "có" question form ("bạn có ủng hộ…"), which residents use as often.
func botNamed(ps phrases) phrases {
	out := append(phrases{}, ps...)
	have := map[string]bool{}
	for _, p := range ps {
		have[p] = true
	}
	for _, p := range ps {
		rest, ok := strings.CutPrefix(p, " ban ")
		if !ok {
			continue
		}
		vs := []string{" loa " + rest}
		if !strings.HasPrefix(rest, "co ") {
			// "bạn có phải AI" is "Loa có phải AI", not "Loa có có phải…"
			vs = append(vs, " ban co "+rest, " loa co "+rest)
		}
		for _, v := range vs {
			if !have[v] {
				have[v] = true
				out = append(out, v)
			}
		}
	}
	return out
}

// domainPhrases name subjects that are Loa's own: a question about them
// is answered from the KB even when a word of another remit comes along
// ("my landlord says I need VNeID level 2", "giá làm VNeID bao nhiêu").
// Role-play, politics, weather, sports and other provinces still decline.
var domainPhrases = padded("vneid", "dinh danh", "de an 06", "dich vu cong", "ihanoi", "otp", "lua dao",
	"scam", "level2", "muc2", "level1", "muc1", "eid", "public service", "chuyen doi so",
	// the levels as typed apart: the analyzer joins them only after the cues
	"level 2", "level 1", "muc 2", "muc 1", "dt day",
	"digital transformation", "can cuoc",
	// the city's DT index, the spam hotlines and the community teams are
	// Loa's too (another province's DTI is declined before this counts)
	"dti", "tin nhan rac", "cuoc goi rac", "goi rac", "5656", "156", "chong thu rac", "spam",
	"to cong nghe so", "binh dan hoc vu so", "cds",
	// iHanoi's street reports (the concept table names them so), and
	// fakes, which are scams by another name
	"phan anh hien truong", "gia mao", "fake website", "fake app", "fake link", "website is fake",
	"web gia", "trang web gia", "app gia", "ung dung gia",
	// the smart city is the KB's (Nghị quyết 18), wherever else it is built
	"thanh pho thong minh", "do thi thong minh", "smart city",
	// the other subjects the KB is about, by their own names
	"ky nang so", "digital skill", "kinh te so", "digital economy", "chinh quyen so", "cong dan so",
	"digital citizen", "du lieu ca nhan", "personal data", "khong dung tien mat", "cashless",
	// biometric checks on bank transfers (Decision 2345) are the KB's
	"sinh trac hoc", "quet mat", "xac thuc khuon mat", "biometric",
	// the national portal by its address or shorthand ("nộp thuế trên
	// dichvucong.gov.vn" was declined as a household tax question)
	"dichvucong", "dvc", "national portal", "public service portal", "service portal",
	// filing online and the city's help line, whatever the weather or the
	// price of petrol that kept the resident at home
	"nop ho so", "ho so truc tuyen", "thu tuc truc tuyen", "thu tuc online", "online application", "1022")

// scanCues returns every cue of padded (" folded question "), allocating
// nothing: one map lookup per word, then a prefix test per phrase that
// starts with that word.
func scanCues(padded string) cue {
	var c cue
	for i := 1; i < len(padded); {
		j := strings.IndexByte(padded[i:], ' ')
		if j < 0 {
			break
		}
		if j > 0 {
			for _, p := range cues[padded[i:i+j]] {
				if c&p.cue == 0 && strings.HasPrefix(padded[i-1:], p.text) &&
					(p.notAfter == nil || !endsWithWord(padded[:i-1], p.notAfter)) {
					c |= p.cue
				}
			}
		}
		i += j + 1
	}
	return c
}

func (c cue) has(x cue) bool { return c&x != 0 }
