package faq

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
	"sync"

	"github.com/loa-vn/loa/store/seed"
)

//go:embed data/provinces-2025.csv
var provincesCSV []byte

// Province is one of Vietnam's provincial-level units since 1/7/2025.
type Province struct {
	Name   string   // "Thành phố Đà Nẵng"
	Former []string // provinces merged into it: "Tỉnh Quảng Nam"
}

// Place is a Hanoi unit (current or former) that a question names.
type Place struct {
	Code string // seed code: "phuong-kim-lien", "quan-cau-giay"
	Name string // "Phường Kim Liên"
	// Kind: "former-unit" (ward/commune/township before 1/7/2025),
	// "former-district", or "locality" (a unit since 1/7/2025).
	Kind string
	// District is the former district of a former unit ("Quận Đống Đa"),
	// which tells apart wards of the same name; "" for the other kinds.
	District string
	// Now lists the wards and communes since 1/7/2025 that took this place
	// over, whole or in part, in the order of Resolution 1656/NQ-UBTVQH15
	// (store/seed/data, the same data the database is seeded from). A
	// locality lists itself.
	Now []Unit
}

// Unit is a ward or commune since 1/7/2025.
type Unit struct {
	Code string // seed code of the locality: "phuong-dong-da"
	Name string // "Phường Đống Đa"
	// Relation of the place to the unit, from the mapping: "whole",
	// "part", "part_area_all_population", "part_area_only", "remainder";
	// "district" for a former district; "" for a locality itself.
	Relation string
	// Clause of Article 1 of Resolution 1656/NQ-UBTVQH15 that formed the
	// unit; 0 when the data does not say.
	Clause int
	// Main is true when the place is the unit's main source: the former
	// district that gave it most of its people, or a former ward that
	// went into it whole.
	Main bool
}

// Whole reports whether the place went entirely into the unit.
func (u Unit) Whole() bool { return u.Relation == "whole" || u.Relation == "" }

// places holds the name tables the intent checks use, built once.
type places struct {
	provinces []Province
	// province: folded core name ("da nang", "quang nam") → display name
	// of the unit the question is about (new name, or "former, now new").
	province map[string]string
	// weak: cores that are also Hanoi place names or common words; they
	// count only after "tỉnh"/"thành phố" ("tỉnh Hòa Bình" but not
	// "xã Hòa Bình" or "hòa bình").
	weak map[string]bool
	// hanoi: folded core name → the Hanoi units so called.
	hanoi map[string][]Place
	// unit: folded core name with its prefix ("phuong kim lien").
	maxWords int
}

var (
	placesOnce sync.Once
	placesVal  *places
)

func placeTables() *places {
	placesOnce.Do(func() { placesVal = buildPlaces() })
	return placesVal
}

// unitPrefixes are the folded type words of Vietnamese unit names.
var unitPrefixes = []string{"thanh pho", "thi tran", "thi xa", "tinh", "phuong", "quan", "huyen", "xa", "tp"}

// core strips the unit type from a folded name: "phuong kim lien" → "kim lien".
func core(folded string) string {
	for _, p := range unitPrefixes {
		if strings.HasPrefix(folded, p+" ") {
			return folded[len(p)+1:]
		}
	}
	return folded
}

func buildPlaces() *places {
	p := &places{province: map[string]string{}, weak: map[string]bool{}, hanoi: map[string][]Place{}}
	if ds, err := seed.Load(seed.Hanoi(), seed.HanoiCity); err == nil {
		p.addHanoi(ds)
	}
	rows, err := csv.NewReader(bytes.NewReader(provincesCSV)).ReadAll()
	if err != nil {
		panic("faq: embedded provinces-2025.csv: " + err.Error()) // fixed at build time
	}
	for _, r := range rows[1:] {
		pr := Province{Name: r[0]}
		if r[2] != "" {
			pr.Former = strings.Split(r[2], ";")
		}
		p.provinces = append(p.provinces, pr)
		if Fold(pr.Name) == "thanh pho ha noi" {
			continue
		}
		p.addProvince(core(Fold(pr.Name)), pr.Name)
		for _, f := range pr.Former {
			p.addProvince(core(Fold(f)), f+" (nay thuộc "+pr.Name+")")
		}
	}
	// Names residents use for the big cities.
	for alias, name := range map[string]string{
		"ho chi minh": "Thành phố Hồ Chí Minh", "hcm": "Thành phố Hồ Chí Minh",
		"tphcm": "Thành phố Hồ Chí Minh", "sai gon": "Thành phố Hồ Chí Minh",
		"saigon": "Thành phố Hồ Chí Minh", "hcmc": "Thành phố Hồ Chí Minh",
		"ho chi minh city": "Thành phố Hồ Chí Minh", "vung tau": "Tỉnh Bà Rịa - Vũng Tàu (nay thuộc Thành phố Hồ Chí Minh)",
		"danang": "Thành phố Đà Nẵng", "haiphong": "Thành phố Hải Phòng", "hai phong": "Thành phố Hải Phòng",
		"can tho": "Thành phố Cần Thơ", "da lat": "Tỉnh Lâm Đồng", "dalat": "Tỉnh Lâm Đồng",
		"nha trang": "Tỉnh Khánh Hòa", "ha long": "Tỉnh Quảng Ninh", "halong": "Tỉnh Quảng Ninh",
		"phu quoc": "Tỉnh An Giang", "sapa": "Tỉnh Lào Cai", "sa pa": "Tỉnh Lào Cai",
		"buon ma thuot": "Tỉnh Đắk Lắk", "quy nhon": "Tỉnh Gia Lai", "vinh": "Tỉnh Nghệ An",
		"dak lak": "Tỉnh Đắk Lắk", "daklak": "Tỉnh Đắk Lắk", "dak nong": "Tỉnh Đắk Nông (nay thuộc Tỉnh Lâm Đồng)",
		// towns and districts better known than their province, and Hồ
		// Chí Minh City's numbered districts (Hà Nội never numbered its)
		"thu duc": "Thành phố Hồ Chí Minh", "binh thanh": "Thành phố Hồ Chí Minh", "go vap": "Thành phố Hồ Chí Minh",
		"tan binh": "Thành phố Hồ Chí Minh", "phu nhuan": "Thành phố Hồ Chí Minh", "thu dau mot": "Thành phố Hồ Chí Minh",
		"hoi an": "Thành phố Đà Nẵng", "tam ky": "Thành phố Đà Nẵng",
		"tu son": "Tỉnh Bắc Ninh", "bien hoa": "Tỉnh Đồng Nai", "my tho": "Tỉnh Tiền Giang (nay thuộc Tỉnh Đồng Tháp)",
		"rach gia": "Tỉnh Kiên Giang (nay thuộc Tỉnh An Giang)", "long xuyen": "Tỉnh An Giang",
		"cam ranh": "Tỉnh Khánh Hòa", "pleiku": "Tỉnh Gia Lai", "dong hoi": "Tỉnh Quảng Bình (nay thuộc Tỉnh Quảng Trị)",
		"viet tri": "Tỉnh Phú Thọ", "tuy hoa": "Tỉnh Phú Yên (nay thuộc Tỉnh Đắk Lắk)",
		"phan thiet": "Tỉnh Bình Thuận (nay thuộc Tỉnh Lâm Đồng)", "mui ne": "Tỉnh Bình Thuận (nay thuộc Tỉnh Lâm Đồng)",
		"cat ba": "Thành phố Hải Phòng", "mong cai": "Tỉnh Quảng Ninh", "uong bi": "Tỉnh Quảng Ninh",
		"cam pha": "Tỉnh Quảng Ninh", "phuc yen": "Tỉnh Vĩnh Phúc (nay thuộc Tỉnh Phú Thọ)",
		"luong son": "Tỉnh Hòa Bình (nay thuộc Tỉnh Phú Thọ)",
	} {
		p.province[alias] = name
	}
	for n := 1; n <= 12; n++ {
		p.province[fmt.Sprintf("quan %d", n)] = "Thành phố Hồ Chí Minh"
	}
	for alias, name := range countries {
		p.province[alias] = name
	}
	p.province["sg"] = "Thành phố Hồ Chí Minh" // "ở sg", chat for Sài Gòn
	// "vinh" (Vinh city) is also a common syllable: only after "thành phố".
	p.weak["vinh"] = true
	// Province names that are also Hanoi place names or ordinary words.
	for c := range p.province {
		if len(p.hanoi[c]) > 0 {
			p.weak[c] = true
		}
	}
	for _, c := range []string{"hoa binh", "thai binh", "hue", "dien bien", "thanh hoa", "ha nam", "long an", "an giang", "vinh long", "binh dinh", "quang tri", "phu tho", "bac ninh", "ha tinh", "gia lai"} {
		p.weak[c] = true
	}
	return p
}

// addHanoi indexes Hanoi's current units, former districts and former
// wards by their core name, each with the units that took it over.
func (p *places) addHanoi(ds *seed.Dataset) {
	names := make(map[string]string, len(ds.Localities)+len(ds.Districts))
	clause := map[string]int{}
	now := map[string][]Unit{} // former code → units
	for _, l := range ds.Localities {
		names[l.Code] = l.NameVi
	}
	for _, d := range ds.Districts {
		names[d.Code] = d.NameVi
	}
	for _, k := range ds.Links {
		if k.Clause > 0 {
			clause[k.LocalityCode] = k.Clause
		}
	}
	for _, k := range ds.Links {
		main := k.Relation == "whole" || k.Relation == "district" && k.Rank == 0
		now[k.FormerCode] = append(now[k.FormerCode], Unit{Code: k.LocalityCode, Name: names[k.LocalityCode],
			Relation: k.Relation, Clause: clause[k.LocalityCode], Main: main})
	}
	add := func(pl Place) {
		c := core(Fold(pl.Name))
		p.hanoi[c] = append(p.hanoi[c], pl)
		p.maxWords = max(p.maxWords, strings.Count(c, " ")+1)
	}
	for _, l := range ds.Localities {
		add(Place{Code: l.Code, Name: l.NameVi, Kind: "locality",
			Now: []Unit{{Code: l.Code, Name: l.NameVi, Clause: clause[l.Code], Main: true}}})
	}
	for _, d := range ds.Districts {
		add(Place{Code: d.Code, Name: d.NameVi, Kind: "former-district", Now: now[d.Code]})
	}
	for _, u := range ds.FormerUnits {
		add(Place{Code: u.Code, Name: u.NameVi, Kind: "former-unit", District: names[u.DistrictCode], Now: now[u.Code]})
	}
}

func (p *places) addProvince(c, display string) {
	if _, ok := p.province[c]; !ok {
		p.province[c] = display
	}
}

// maxScanWords bounds the words otherProvince looks at, so its offsets
// fit on the stack.
const maxScanWords = 64

// otherProvince returns the display name of a province other than Hà Nội
// that the padded folded question (" a b c ") is about, or "". It slices
// n-grams out of padded, so it allocates nothing.
func (p *places) otherProvince(padded string) string {
	name, _ := p.otherProvinceTyped(padded)
	return name
}

// otherProvinceTyped is otherProvince, and whether the message typed the
// name as a province ("tỉnh Vĩnh Phúc", "TP Hồ Chí Minh"): then it is the
// province even where a Hanoi ward has the same name.
func (p *places) otherProvinceTyped(padded string) (string, bool) {
	var starts, ends [maxScanWords]int
	n := 0
	for i := 0; i < len(padded) && n < maxScanWords; i++ {
		if padded[i] != ' ' && (i == 0 || padded[i-1] == ' ') {
			starts[n] = i
		}
		if padded[i] != ' ' && (i+1 == len(padded) || padded[i+1] == ' ') {
			ends[n] = i + 1
			n++
		}
	}
	word := func(i int) string {
		if i < 0 || i >= n {
			return ""
		}
		return padded[starts[i]:ends[i]]
	}
	// the first province named, typed if any mention of one is ("Hải
	// Dương sáp nhập rồi, phường Trần Hưng Đạo bên Hải Dương giờ tên gì")
	first, anyTyped := "", false
	for size := 4; size >= 1; size-- {
		for i := 0; i+size <= n; i++ {
			c := padded[starts[i]:ends[i+size-1]]
			name, ok := p.province[c]
			if !ok {
				continue
			}
			prev := word(i - 1)
			if prev == "phuong" || prev == "xa" || prev == "quan" || prev == "huyen" {
				continue // a Hanoi-style unit of that name
			}
			if _, ok := countries[c]; ok && selfFrom(word, i) {
				continue
			}
			// "bên Hải Dương": over in another province, as a type word says it
			typed := prev == "tinh" || prev == "tp" || prev == "province" || prev == "city" || prev == "pho" && word(i-2) == "thanh" ||
				prev == "ben"
			if p.weak[c] && !typed && !p.weakPlaced(c, i, prev, word(i+size)) {
				continue
			}
			if first == "" {
				first = name
			}
			anyTyped = anyTyped || typed
		}
	}
	return first, anyTyped
}

// selfFrom reports whether the country at word i says who the resident
// is: a nationality or where they come from ("người Hàn Quốc ở Việt Nam
// làm VNeID", "a teacher from Australia living in Ba Dinh", "I'm from the
// Philippines", "tôi đến từ Nhật Bản"). Asking to do something from there
// ("register VNeID level 2 from Korea") is about that country: declined.
func selfFrom(word func(int) string, i int) bool {
	if word(i-1) == "the" {
		i--
	}
	switch word(i - 1) {
	case "nguoi":
		return true
	case "tu":
		return word(i-2) == "den"
	case "from":
		return fromSpeaker[word(i-2)]
	}
	return false
}

// fromSpeaker are the words before "from" that describe a person: a verb
// of being or coming ("I am from", "we came from", "originally from") or
// a person ("a nurse from", "my wife from").
var fromSpeaker = set("am", "m", "is", "s", "are", "re", "was", "were", "be", "come", "comes", "came",
	"originally", "teacher", "nurse", "student", "expat", "foreigner", "engineer", "worker", "doctor",
	"retiree", "guy", "man", "woman", "lady", "friend", "wife", "husband", "family", "colleague",
	"people", "someone", "somebody", "citizen", "national", "resident", "tourist", "visitor",
	"volunteer", "couple", "girl", "boy", "myself", "immigrant")

// hanoiPlace finds the longest Hanoi unit name in the folded words,
// reporting whether a unit type word ("phường", "quận"…) came just before.
func (p *places) hanoiPlace(words []string) (found []Place, text string, prefixed bool) {
	for n := p.maxWords; n >= 1; n-- {
		// of the names this long, one right after a unit word wins: in
		// "phường Trung Hòa" the name is Trung Hòa, not "Phương Trung"
		// swallowing the unit word
		var bare []Place
		bareText := ""
		for i := 0; i+n <= len(words); i++ {
			c := strings.Join(words[i:i+n], " ")
			cands, ok := p.hanoi[c]
			if !ok {
				continue
			}
			pre := i > 0 && isUnitWord(words[i-1])
			unit := ""
			if pre {
				unit = words[i-1]
			} else if i+n < len(words) && isEnglishUnitWord(words[i+n]) {
				// English puts the type word after the name: "Tu Liem district"
				pre, unit = true, words[i+n]
			}
			if !pre {
				if ordinaryHanoi[c] && !p.placedOrdinary(words, i, n) {
					continue // "không dùng tiền mặt" is cash, not Dũng Tiến
				}
				if n > 1 && bare == nil { // one syllable alone is too often an ordinary word
					bare, bareText = cands, c
				}
				continue
			}
			return preferKind(cands, unit), c, true
		}
		if bare != nil {
			return bare, bareText, false
		}
	}
	return nil, "", false
}

func isUnitWord(w string) bool {
	switch w {
	case "phuong", "xa", "quan", "huyen", "p", "ph", "q", "tx", "ward", "district", "commune":
		return true
	}
	return false
}

func isEnglishUnitWord(w string) bool { return w == "ward" || w == "district" || w == "commune" }

// preferKind keeps the candidates whose name starts with the type word the
// resident used ("quận Cầu Giấy", not "phường Cầu Giấy"), if any.
func preferKind(cands []Place, unit string) []Place {
	want := map[string]string{"phuong": "phuong", "p": "phuong", "ph": "phuong", "ward": "phuong", "xa": "xa", "tx": "thi xa",
		"commune": "xa", "quan": "quan", "q": "quan", "district": "quan", "huyen": "huyen"}[unit]
	var out []Place
	for _, c := range cands {
		if strings.HasPrefix(Fold(c.Name), want+" ") {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return cands
	}
	return out
}

// ordinaryNames are province names that are also everyday words or
// phrases ("hòa bình" is peace, "an giang" and "long an" read as words):
// they count only after "tỉnh"/"thành phố".
// countries are other countries, declined like other provinces: Loa knows
// Hanoi's services, not Japan's or Estonia's ("Nhật Bản chuyển đổi số thế
// nào?" reached the Hanoi DTI entry). Only names that are no Vietnamese
// word: "Pháp" folds like pháp luật, "Nga" like ngã, "Đức", "Anh", "Mỹ"
// like common words, "Ấn Độ" like "(tri) ân. Đó".
var countries = map[string]string{
	"nhat ban": "Nhật Bản", "japan": "Japan", "han quoc": "Hàn Quốc", "korea": "Korea",
	"trung quoc": "Trung Quốc", "china": "China", "singapore": "Singapore", "thai lan": "Thái Lan",
	"thailand": "Thailand", "campuchia": "Campuchia", "cambodia": "Cambodia", "estonia": "Estonia",
	"dai loan": "Đài Loan", "taiwan": "Taiwan", "hoa ky": "Hoa Kỳ", "america": "America",
	"france": "France", "germany": "Germany", "australia": "Australia", "russia": "Russia",
	"india": "India", "england": "England", "malaysia": "Malaysia",
	"indonesia": "Indonesia", "philippines": "Philippines",
}

var ordinaryNames = set("hoa binh", "thai binh", "long an", "an giang", "vinh")

// placedOrdinary reports whether the ordinary-word name at words[i:i+n]
// reads as the unit: it opens the message ("Thành Công cũ giờ là phường
// nào"), follows a place word, or is called old or given its district
// ("Thắng Lợi Thường Tín").
func (p *places) placedOrdinary(words []string, i, n int) bool {
	if i == 0 || placeWords[words[i-1]] {
		return true
	}
	if i+n == len(words) {
		return false
	}
	next := words[i+n]
	return next == "cu" || next == "old" || next == "former" || len(p.hanoi[next]) > 0 ||
		i+n+1 < len(words) && len(p.hanoi[next+" "+words[i+n+1]]) > 0
}

// ordinaryHanoi are Hanoi unit names that fold like everyday words (dùng
// tiền, thành công, tiên phong, hòa bình, bình minh, thắng lợi, phúc lợi,
// tự lập, quang minh): without a unit word they are a place only where
// placedOrdinary says so ("ở Thành Công", "Thành Công cũ").
var ordinaryHanoi = set("dung tien", "thanh cong", "tien phong", "hoa binh", "binh minh", "thang loi", "phuc loi",
	"tu lap", "quang minh")

// placeWords before a name make it a place: "ở Thanh Hóa", "tại Huế",
// "in Hue".
var placeWords = set("o", "tai", "in", "at", "cua", "from", "den", "ra", "vao")

// weakPlaced reports whether a weak province name c, at word i between
// prev and next, still reads as that province: it is no Hanoi unit's name
// and no ordinary word, and a place word comes before it, a "province"
// or "city" after it, or it opens the question ("Huế bây giờ có…").
func (p *places) weakPlaced(c string, i int, prev, next string) bool {
	if len(p.hanoi[c]) > 0 || ordinaryNames[c] {
		return false
	}
	return placeWords[prev] || i == 0 || next == "province" || next == "city"
}
