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
	t.add(cueWeather, weatherPhrases)
	t.add(cueSports, sportsPhrases)
	t.add(cuePrice, pricePhrases, "quoc", "danh", "tham")
	t.add(cueLegal, legalPhrases)
	// The Politburo (Bộ Chính trị) issues DT resolutions (57-NQ/TW).
	t.add(cuePolitics, politicsPhrases, "bo")
	t.add(cueAbout, aboutPhrases)
	t.add(cueLocAsk, localityAsk)
	t.add(cueLocChange, localityChange)
	t.add(cueLocSplit, localitySplit)
	t.add(cueLocNot, localityNot)
	t.add(cueLocOld, padded("cu", "former", "old", "used to"))
	t.add(cueUnitAsk, unitAsk)
	t.add(cueDistrict, districtWords)
	t.add(cuePlural, pluralWords)
	t.add(cueHanoi, hanoiWords)
	t.add(cueConnector, foldedConnectors)
	t.add(cueService, servicePhrases)
	return t
}()

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
