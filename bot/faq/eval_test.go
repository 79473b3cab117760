package faq

import (
	"testing"
)

// Accuracy targets on faq/eval.yaml. The eval set is never edited to make
// the engine pass; improve the engine or the KB phrasings instead.
var targets = map[string]float64{
	KindAccented: 0.92,
	KindPlain:    0.88,
	KindEnglish:  0.90,
	KindOOS:      0.90,
	// eval.yaml holds a single smalltalk case ("hello", once labelled oos).
	KindSmalltalk: 1,
}

func TestEvalTargets(t *testing.T) {
	e, _ := testEngine(t)
	cases, err := LoadEval(testFS())
	if err != nil {
		t.Fatal(err)
	}
	r := Evaluate(e, cases)
	for _, k := range Kinds {
		if acc := r.Accuracy(k); r.Total[k] > 0 && acc < targets[k] {
			t.Errorf("%s: accuracy %.1f%% below target %.0f%%", k, 100*acc, 100*targets[k])
		}
	}
	if t.Failed() {
		for _, m := range r.Misses {
			t.Logf("miss %-8s want %-24s got %-24s %.2f %q", m.Case.Kind, m.Case.Expect, m.Got, m.Score, m.Case.Q)
		}
	}
}

// TestEvalSetShape checks the mix the brief asks for and that every expected
// id exists.
func TestEvalSetShape(t *testing.T) {
	e, _ := testEngine(t)
	cases, err := LoadEval(testFS())
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, c := range cases {
		n[c.Kind]++
		if isInScope(c.Kind) && c.Row() != KindGap && e.Entry(c.Lang, c.Expect) == nil {
			t.Errorf("case %q expects unknown id %q", c.Q, c.Expect)
		}
	}
	total := float64(len(cases))
	if len(cases) < 150 || float64(n[KindPlain]) < 0.3*total ||
		float64(n[KindEnglish]) < 0.1*total || float64(n[KindOOS]) < 0.1*total {
		t.Errorf("eval mix %v of %d does not meet the brief", n, len(cases))
	}
}

// TestEvalDistinctFromKB guards against the eval set leaking into the KB: no
// eval question may equal, after Fold, any phrasing of any entry.
func TestEvalDistinctFromKB(t *testing.T) {
	_, kbs := testEngine(t)
	cases, err := LoadEval(testFS())
	if err != nil {
		t.Fatal(err)
	}
	phrasings := map[string]string{}
	for _, kb := range kbs {
		for _, e := range kb.Entries {
			for _, q := range e.Questions {
				phrasings[Fold(q)] = e.ID
			}
		}
	}
	for _, c := range cases {
		if id, ok := phrasings[Fold(c.Q)]; ok {
			t.Errorf("eval question %q repeats a phrasing of %s", c.Q, id)
		}
	}
}

// TestInScopeMissesAreSplitByWhatTheResidentGot: a wrong entry, a "did you
// mean" and no answer are counted apart, and only for in-scope cases.
func TestInScopeMissesAreSplitByWhatTheResidentGot(t *testing.T) {
	e, _ := testEngine(t)
	wrong := EvalCase{Q: "VNeID là gì?", Lang: "vi", Kind: KindAccented, Expect: "luat-91"}
	none := EvalCase{Q: "xin chào", Lang: "vi", Kind: KindPlain, Expect: "vneid-la-gi"}
	oos := EvalCase{Q: "VNeID là gì?", Lang: "vi", Kind: KindOOS, Expect: ""}
	right := EvalCase{Q: "VNeID là gì?", Lang: "vi", Kind: KindAccented, Expect: "vneid-la-gi"}
	// a did you mean the engine gives today: which question gets one
	// moves as the ranking learns, so the test finds one among the dev
	// sets' rather than naming it
	choices, found := EvalCase{}, false
	dev, err := LoadDev(testFS())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range dev {
		if res := e.Answer(c.Lang, c.Q); isInScope(c.Kind) && c.Row() != KindGap && res.Action == ActionChoices && Got(res) != c.Expect {
			choices, found = c, true
			break
		}
	}
	if !found {
		t.Fatal("no development question gets a did you mean")
	}
	r := Evaluate(e, []EvalCase{wrong, none, oos, right, choices})
	if r.Wrong != 1 || r.NoAnswer != 1 || r.Choices != 1 {
		t.Errorf("wrong %d, did you mean %d, no answer %d; want 1, 1, 1", r.Wrong, r.Choices, r.NoAnswer)
	}
}

// "What can you do" is labelled a help request by some writers and a
// question about the bot by others; both replies say what Loa does, so
// either counts for either label, and for nothing else.
func TestWhatCanYouDoCountsAsHelpOrAbout(t *testing.T) {
	help := EvalCase{Q: "bạn làm được gì", Lang: "vi", Kind: KindCommand, Expect: ExpectCommand + CommandHelp}
	about := EvalCase{Q: "what can you do", Lang: "en", Kind: KindSmalltalk, Expect: ExpectSmalltalk + "about"}
	asAbout := Result{Action: ActionSmalltalk, Smalltalk: "about"}
	asHelp := Result{Action: ActionCommand, Command: CommandHelp}
	if !Right(help, asAbout) || !Right(about, asHelp) || !Right(help, asHelp) {
		t.Error("help and about do not count for each other")
	}
	if Right(help, Result{Action: ActionSmalltalk, Smalltalk: "greeting"}) || Right(about, Result{Action: ActionCommand, Command: CommandLang}) {
		t.Error("another small talk or command counted as help or about")
	}
}
