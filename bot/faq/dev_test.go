package faq

import (
	"slices"
	"testing"
)

// TestDevSet reports accuracy on the development sets (faq/dev.yaml,
// dev2.yaml to dev19.yaml, that is DevFiles without eval.yaml) used to tune generalisation. eval.yaml keeps the targets
// and the lead's held-out set measures the result; these floors sit a
// little under what each set measured, scored on the first action (a "did
// you mean" is wrong), so a change that loses them lost generality.
// blindDevs are the dev sets whose misses are not logged, so that they
// stay fresh checks for the next round of changes (only their aggregates
// are read while tuning). Session 7 (faq11) read dev5's misses by mistake
// while tuning, so dev5 is no longer blind; dev12.yaml, written after that
// round's first changes, stays unread, and dev14.yaml, written in session
// 8 (faq12) before its engine changes, is that round's own unread check.
var blindDevs = map[string]bool{"faq/dev12.yaml": true, "faq/dev14.yaml": true}

// devSets are the development sets TestDevSet and TestDevDistinct check:
// DevFiles without eval.yaml, which keeps the targets (TestEval).
func devSets() []string {
	var out []string
	for _, name := range DevFiles {
		if name != EvalFile {
			out = append(out, name)
		}
	}
	return out
}

func TestDevSet(t *testing.T) {
	_, kbs := testEngine(t)
	floors := map[string]map[string]float64{
		// dev.yaml last measured 86.2/97.0/90.3/100/100/100%.
		"faq/dev.yaml": {KindAccented: 0.82, KindPlain: 0.93, KindEnglish: 0.85, KindOOS: 0.95,
			KindSmalltalk: 0.90, KindLocality: 0.80},
		// dev2.yaml, written before the round-2 engine changes, measured
		// 82.0/94.0/78.1/86.1/77.8/80.0% before them,
		// 84.0/94.0/78.1/86.1/77.8/90.0% after, and
		// 84.0/94.0/87.5/94.4/88.9/90.0% after round 3.
		"faq/dev2.yaml": {KindAccented: 0.80, KindPlain: 0.90, KindEnglish: 0.84, KindOOS: 0.90,
			KindSmalltalk: 0.85, KindLocality: 0.85},
		// dev3.yaml, written before the round-3 engine changes, measured
		// 81.5/87.3/57.8/88.1/66.7/87.5% before them and
		// 85.2/90.2/71.1/97.6/100/100% after.
		"faq/dev3.yaml": {KindAccented: 0.81, KindPlain: 0.87, KindEnglish: 0.68, KindOOS: 0.93,
			KindSmalltalk: 0.88, KindLocality: 0.87},
		// dev4.yaml, written before the session-3 changes, measured
		// 58.3/65.9/46.3/90.6/66.7/66.7% before them and
		// 79.2/78.0/82.9/100/100/100% after (the concept lexicon was
		// written from its misses, so it is no longer blind).
		"faq/dev4.yaml": {KindAccented: 0.75, KindPlain: 0.74, KindEnglish: 0.78, KindOOS: 0.95,
			KindSmalltalk: 0.90, KindLocality: 0.90},
		// dev5.yaml, written after the lexicon and kept blind (only its
		// aggregate was read), measured 50.0/83.3/40.9/100/66.7/100% on
		// the engine before session 3 and 50.0/83.3/54.5/100/66.7/100%
		// after.
		"faq/dev5.yaml": {KindAccented: 0.45, KindPlain: 0.78, KindEnglish: 0.50, KindOOS: 0.95,
			KindSmalltalk: 0.60, KindLocality: 0.95},
		// dev6.yaml, fresh Vietnamese written before the round-5 engine
		// changes, measured 79.4/81.1/66.7/96.0/33.3/100% before them and
		// 80.9/86.5/83.3/96.0/100/100% after (the changes were kept only
		// where they raised it, so it is now a tuning set like the others).
		// Session 5 measured 83.8/97.3/83.3/100/100/100% on it.
		"faq/dev6.yaml": {KindAccented: 0.77, KindPlain: 0.83, KindEnglish: 0.80, KindOOS: 0.95,
			KindSmalltalk: 0.95, KindLocality: 0.95},
		// dev7.yaml, written in session 5 before its engine changes,
		// measured 77.8/94.6/92.3/93.3/75.0/100% before them and
		// 92.6/100/100/100/100/100% after (its misses were read while
		// tuning, so it is a tuning set like the others now).
		"faq/dev7.yaml": {KindAccented: 0.88, KindPlain: 0.95, KindEnglish: 0.92, KindOOS: 0.95,
			KindSmalltalk: 0.95, KindLocality: 0.95},
		// dev8.yaml, written in session 5 (faq8) before its engine
		// changes: general-knowledge and off-topic questions to decline,
		// next to in-scope ones sharing their words. Its first score, on
		// the engine it was not tuned for: 100/60/83.3/87.5% (accented,
		// plain, English, OOS declined; 5 OOS answered); the floors sit
		// just under it, so a change that loses its cases fails.
		// Session 6 (faq9) measured 100/60/100/100% on it after its round.
		// Session 13: each set is scored by an engine that learned from the
		// others (clf.go); floors lowered where a case or two moved the
		// other way: dev8 accented 13/14, English 5/6 ("How many wards and
		// communes does Hanoi have now?" goes to the merger-address entry);
		// dev11 English 75/79; dev16 plain 53/54, English 30/32 (taxes on
		// the portal go to its functions); dev18 accented 64/82, gap 5/23.
		"faq/dev8.yaml": {KindAccented: 0.92, KindPlain: 0.59, KindEnglish: 0.80, KindOOS: 0.97,
			KindSmalltalk: 0, KindLocality: 0},
		// dev9.yaml, written in session 6 (faq9) before its engine changes:
		// off-topic questions of every kind (other provinces, weather,
		// sports, prices, trivia, recipes, legal disputes, politics,
		// role-play, code, health) next to in-scope ones in residents'
		// styles. It measured 86.7/90.9/69.2/97.7% (accented, plain,
		// English, OOS declined; 1 OOS answered) before that round and
		// 93.3/90.9/84.6/100% after; the floors sit just under the latter.
		"faq/dev9.yaml": {KindAccented: 0.92, KindPlain: 0.90, KindEnglish: 0.84, KindOOS: 0.97,
			KindSmalltalk: 0, KindLocality: 0},
		// dev10.yaml, written in session 6 (faq10) before its engine
		// changes: locality questions in residents' styles and casual
		// English in-scope ones. It measured 80.8/82.2% (English,
		// locality) before that round and 88.5/100% after; the floors sit
		// just under the latter, so losing one case fails.
		"faq/dev10.yaml": {KindEnglish: 0.88, KindLocality: 0.99},
		// dev11.yaml, written in session 7 (faq11) before its engine
		// changes: casual English, long Vietnamese messages, teencode and
		// a few out-of-scope questions. It measured 72.2/95.2/89.9/90.0%
		// (accented, plain, English, OOS declined; 1 OOS answered) before
		// that round and 88.9/100/97.5/100% after; its misses were read
		// while tuning, so it is a tuning set now. The floors sit just
		// under the latter.
		"faq/dev11.yaml": {KindAccented: 0.88, KindPlain: 0.95, KindEnglish: 0.94, KindOOS: 0.95}, // plain 20/21 since s14: "tổ cds làm những gì" swapped to the team entry, a neighbour writers label both ways
		// dev12.yaml (blind, see blindDevs), written in session 7 after faq11's first
		// changes; only its aggregate was read. It measured
		// 80.0/60.0/88.6/100% (accented, plain, English, OOS declined)
		// at the end of that round, and the same after faq12 and faq13;
		// the floors sit just under it.
		"faq/dev12.yaml": {KindAccented: 0.79, KindPlain: 0.59, KindEnglish: 0.88, KindOOS: 0.95},
		// dev13.yaml, written in session 8 (faq12) before its engine
		// changes: small talk (alone and before a question), casual
		// English, several questions, asking from abroad, "vote", near
		// ties. It measured 81.8/100/87.5/81.8/31.8% (accented, plain,
		// English, OOS declined, smalltalk; 2 OOS answered) before them;
		// its misses are read while tuning. At the end of that round:
		// 90.9/100/94.6/100/100%.
		"faq/dev13.yaml": {KindAccented: 0.90, KindPlain: 0.99, KindEnglish: 0.94, KindOOS: 0.99,
			KindSmalltalk: 0.99},
		// dev14.yaml (blind, see blindDevs), written with dev13; only its
		// aggregates are read. It measured 75.0/100/77.3/85.7/52.9%
		// before faq12's changes and 75.0/100/77.3/100/94.1% after them;
		// faq13's changes left it unchanged.
		"faq/dev14.yaml": {KindAccented: 0.74, KindPlain: 0.99, KindEnglish: 0.77, KindOOS: 0.99,
			KindSmalltalk: 0.94},
		// dev15.yaml, written in session 8 (faq13) before its engine
		// changes: long accented Vietnamese questions, near ties between
		// same-topic entries, and gap questions (no entry: right when not
		// answered confidently). It measured 93.5/50.0/50.0/100/66.7% and
		// gap 75.0% (accented, plain, English, OOS declined, smalltalk)
		// before them; its misses are read while tuning. 17 more gap
		// questions were added after the first change (see its header).
		// At the end of that round: 97.4/100/50.0/100/100%, gap 100%.
		"faq/dev15.yaml": {KindAccented: 0.97, KindPlain: 0.99, KindEnglish: 0.5, KindOOS: 0.99,
			KindSmalltalk: 0.99, KindGap: 0.92}, // gap 31/33 since the dropped-term copies (s14)
		// dev16.yaml, written in session 10 (faq round 10) before its
		// engine changes: long rambling and two-question messages,
		// teencode, casual English, scams told in residents' words, tax
		// on the national portal, thanks plus an off-topic question,
		// other provinces and gap questions. It measured
		// 83.3/94.4/93.5/95.5/90.0/100%, gap 88.5% (accented, plain,
		// English, OOS declined, smalltalk, locality) before them; its
		// misses are read while tuning. 32 more gap probes were added
		// after the round's fourth change (see its header). At the end of
		// that round: 90.4/100/96.9/100/100/100%, gap 90.9%; the floors
		// sit just under it.
		"faq/dev16.yaml": {KindAccented: 0.90, KindPlain: 0.98, KindEnglish: 0.92, KindOOS: 0.99,
			KindSmalltalk: 0.99, KindLocality: 0.99, KindGap: 0.84}, // gap 47/55 with dev33-38 learned (s14)
		// dev17.yaml, written in session 11 for the requests in words
		// (selfservice.go) and their look-alikes. It measured 0/48 on
		// commands before them (no such action); after them 48/48, with
		// the look-alikes 10/12 (a near tie on spam calls; "is there a
		// safe place to get the official VNeID app, I am scared of
		// fakes" finds nothing), OOS 4/4.
		"faq/dev17.yaml": {KindAccented: 0.87, KindPlain: 0.99, KindEnglish: 0.5, KindOOS: 0.99,
			KindCommand: 0.99},
		// dev18.yaml, written blind in session 11 by a helper (as the
		// held-out sets are) and then tuned on; see its header for the
		// first score. Floors just under the end of that round.
		"faq/dev18.yaml": {KindAccented: 0.77, KindPlain: 0.89, KindEnglish: 0.84, KindOOS: 0.99,
			KindSmalltalk: 0.99, KindLocality: 0.99, KindGap: 0.20},
		// dev19.yaml, phrasings written from the entries in session 12
		// (see its header): whether each entry is found in residents'
		// styles. At its first score, 81.2% accented, 86.2% plain and
		// 73.2% English, mostly declines of English phrasings.
		"faq/dev19.yaml": {KindAccented: 0.80, KindPlain: 0.85, KindEnglish: 0.72},
		// dev20.yaml, written blind in session 13: requests for Loa's own
		// functions, small talk and out-of-scope messages; see its header.
		"faq/dev20.yaml": {KindOOS: 0.90, KindSmalltalk: 0.80, KindCommand: 0.85},
		// dev21.yaml, written blind in session 13: English questions in
		// residents' styles (68.4% at its first score).
		"faq/dev21.yaml": {KindEnglish: 0.66, KindGap: 0.70},
		// dev22.yaml, written blind in session 13: Vietnamese questions in
		// residents' styles (73.0% at its first score).
		"faq/dev22.yaml": {KindAccented: 0.72, KindPlain: 0.70, KindGap: 0.50},
		// dev23.yaml, written blind in session 13: long messages from older
		// residents (80.0% at its first score).
		"faq/dev23.yaml": {KindAccented: 0.76, KindPlain: 0.80, KindGap: 0.22}, // gap 17/71 with dev39-44 learned (s14)
		// dev24.yaml, written blind in session 13: teencode and quick
		// typing (83.6% at its first score).
		"faq/dev24.yaml": {KindAccented: 0.88, KindPlain: 0.77, KindGap: 0.12}, // gap 4/31 since the sure classifier lifts more (s14)
		// dev25.yaml, written blind in session 13: English from expats,
		// foreign spouses and students (72.4% at its first score).
		"faq/dev25.yaml": {KindEnglish: 0.70, KindLocality: 0.99, KindGap: 0.35},
		// dev26.yaml, written blind in session 13: out-of-scope messages,
		// many in Loa's own words, and Hanoi place questions.
		"faq/dev26.yaml": {KindOOS: 0.92, KindLocality: 0.96},
		// dev27-32, written blind in session 14 before its changes (first
		// scores in their headers; each row here is scored by an engine
		// that learned from the other sets): English of every register,
		// phone-typed unaccented Vietnamese, accented Vietnamese from many
		// kinds of resident, procedures in depth (half of them gap
		// questions), policy topics, and the border of scope.
		"faq/dev27.yaml": {KindEnglish: 0.74, KindOOS: 0.99, KindSmalltalk: 0.7, KindLocality: 0.99,
			KindCommand: 0.99, KindGap: 0.40},
		"faq/dev28.yaml": {KindPlain: 0.75, KindOOS: 0.99, KindSmalltalk: 0.99, KindLocality: 0.85,
			KindCommand: 0.99, KindGap: 0.28},
		"faq/dev29.yaml": {KindAccented: 0.85, KindOOS: 0.99, KindLocality: 0.99, KindGap: 0.35},
		"faq/dev30.yaml": {KindAccented: 0.74, KindPlain: 0.99, KindEnglish: 0.88, KindSmalltalk: 0.99,
			KindGap: 0.30},
		"faq/dev31.yaml": {KindAccented: 0.92, KindPlain: 0.9, KindEnglish: 0.8, KindOOS: 0.8,
			KindLocality: 0.99, KindGap: 0.35},
		// Session 15 lowered seven floors of dev32, dev33, dev37, dev38 and dev44
		// (each by one or two cases; dev38 has five accented cases): the
		// class of questions no entry answers, and the 27 dev cases
		// removed as repeats of held-out 15 and 16, which reorder the
		// classifier's training, moved them; the pooled left-out-file
		// figures are in clf.go (noneAt).
		"faq/dev32.yaml": {KindAccented: 0.78, KindPlain: 0.63, KindEnglish: 0.8, KindOOS: 0.9,
			KindSmalltalk: 0.7, KindLocality: 0.93, KindCommand: 0.8},
		// dev33-38, written blind in session 14 after its first round
		// (first scores in their headers): a day's mixed traffic, young
		// people's chat, English from non-native writers, long messages,
		// scams and personal data, misspelled Vietnamese.
		"faq/dev33.yaml": {KindAccented: 0.91, KindPlain: 0.87, KindEnglish: 0.93, KindOOS: 0.99,
			KindSmalltalk: 0.99, KindLocality: 0.99, KindCommand: 0.99, KindGap: 0.55},
		"faq/dev34.yaml": {KindAccented: 0.86, KindPlain: 0.85, KindEnglish: 0.9, KindOOS: 0.99,
			KindSmalltalk: 0.99, KindLocality: 0.99, KindCommand: 0.75, KindGap: 0.12},
		"faq/dev35.yaml": {KindEnglish: 0.74, KindOOS: 0.9, KindSmalltalk: 0.99, KindLocality: 0.99,
			KindCommand: 0.99, KindGap: 0.5},
		"faq/dev36.yaml": {KindAccented: 0.73, KindPlain: 0.86, KindEnglish: 0.73, KindOOS: 0.93,
			KindCommand: 0.68, KindGap: 0.22},
		"faq/dev37.yaml": {KindAccented: 0.58, KindPlain: 0.82, KindEnglish: 0.6, KindOOS: 0.9, KindGap: 0.47},
		"faq/dev38.yaml": {KindAccented: 0.6, KindPlain: 0.77, KindOOS: 0.99, KindLocality: 0.99,
			KindCommand: 0.88, KindGap: 0.28},
		// dev39-44, written blind in session 14 after its second round
		// (first scores in their headers): mixed traffic, suburban and
		// rural residents, casual native English, no diacritics, short
		// messages, close questions on one subject.
		"faq/dev39.yaml": {KindAccented: 0.93, KindPlain: 0.84, KindEnglish: 0.8, KindOOS: 0.99,
			KindSmalltalk: 0.99, KindLocality: 0.85, KindCommand: 0.85, KindGap: 0.42},
		"faq/dev40.yaml": {KindAccented: 0.89, KindPlain: 0.89, KindEnglish: 0.85, KindOOS: 0.99,
			KindSmalltalk: 0.75, KindLocality: 0.99, KindCommand: 0.99, KindGap: 0.44},
		"faq/dev41.yaml": {KindEnglish: 0.75, KindOOS: 0.99, KindSmalltalk: 0.99, KindLocality: 0.99,
			KindCommand: 0.99, KindGap: 0.5},
		"faq/dev42.yaml": {KindPlain: 0.81, KindOOS: 0.99, KindSmalltalk: 0.99, KindLocality: 0.99,
			KindCommand: 0.99, KindGap: 0.18},
		"faq/dev43.yaml": {KindAccented: 0.93, KindPlain: 0.9, KindEnglish: 0.99, KindOOS: 0.99,
			KindSmalltalk: 0.99, KindLocality: 0.99, KindCommand: 0.99, KindGap: 0.27},
		"faq/dev44.yaml": {KindAccented: 0.86, KindPlain: 0.95, KindEnglish: 0.85, KindOOS: 0.99, KindGap: 0.07},
		// dev45-47, written blind in session 15 after its first change
		// (first scores in their headers): the border of Loa's knowledge,
		// English of every kind, everyday residents on Zalo.
		"faq/dev45.yaml": {KindAccented: 0.85, KindPlain: 0.78, KindEnglish: 0.9, KindOOS: 0.95,
			KindSmalltalk: 0.6, KindCommand: 0.99, KindGap: 0.7},
		"faq/dev46.yaml": {KindAccented: 0.9, KindEnglish: 0.75, KindOOS: 0.87, KindSmalltalk: 0.8,
			KindLocality: 0.85, KindCommand: 0.85, KindGap: 0.65},
		"faq/dev47.yaml": {KindAccented: 0.89, KindPlain: 0.9, KindEnglish: 0.9, KindOOS: 0.99,
			KindSmalltalk: 0.99, KindLocality: 0.85, KindCommand: 0.99, KindGap: 0.58},
	}
	for _, name := range devSets() {
		floor, ok := floors[name]
		if !ok {
			t.Errorf("%s has no floors: a dev set without them checks nothing", name)
		}
		cases, err := LoadEvalFile(testFS(), name)
		if err != nil {
			t.Fatal(err)
		}
		// the engine learns from the dev sets: each is scored by one
		// that learned from all the others but not from it
		r := Evaluate(NewEngine(leaveOut(kbs, name)), cases)
		for _, k := range append(slices.Clone(Kinds), KindGap) {
			if k == KindGap && r.Total[k] == 0 {
				continue
			}
			t.Logf("%s %-9s %5.1f%% (%d/%d)", name, k, 100*r.Accuracy(k), r.Correct[k], r.Total[k])
			if r.Accuracy(k) < floor[k] {
				t.Errorf("%s %s accuracy %.1f%% is under its floor %.0f%%", name, k, 100*r.Accuracy(k), 100*floor[k])
			}
		}
		if blindDevs[name] {
			continue // its misses are not shown: see blindDevs
		}
		for _, m := range r.Misses {
			t.Logf("miss %-8s want %-24s got %-24s %.2f %q", m.Case.Kind, m.Case.Expect, m.Got, m.Score, m.Case.Q)
		}
	}
}

// TestDevDistinct keeps the dev sets honest: their questions must not
// equal, after Fold, any KB phrasing, eval question or earlier dev question,
// and expected ids must exist.
func TestDevDistinct(t *testing.T) {
	e, kbs := testEngine(t)
	var files [][]EvalCase
	for _, name := range devSets() {
		cs, err := LoadEvalFile(testFS(), name)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, cs)
	}
	seen := map[string]string{}
	for _, kb := range kbs {
		for _, en := range kb.Entries {
			for _, q := range en.Questions {
				seen[Fold(q)] = "entry " + en.ID
			}
		}
	}
	evalCases, err := LoadEval(testFS())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range evalCases {
		seen[Fold(c.Q)] = "eval.yaml"
	}
	for _, cases := range files {
		for _, c := range cases {
			if src, ok := seen[Fold(c.Q)]; ok {
				t.Errorf("dev question %q repeats a phrasing of %s", c.Q, src)
			}
			if c.Row() != KindGap && isInScope(c.Kind) && e.Entry(c.Lang, c.Expect) == nil {
				t.Errorf("dev case %q expects unknown id %q", c.Q, c.Expect)
			}
		}
		for _, c := range cases {
			seen[Fold(c.Q)] = "an earlier dev set"
		}
	}
}
