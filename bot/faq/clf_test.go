package faq

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/loa-vn/loa/locales"
)

// untrained is the real KB without the examples: the lexical search alone.
func untrained(kbs map[string]*KB) map[string]*KB {
	return dropExamples(kbs, func(Example) bool { return true })
}

// Questions the lexical search gets wrong between neighbours are right once
// the ranking has learned from other residents' questions: each is scored
// by an engine that never saw the set it comes from.
func TestTheRankingLearnsWhichNeighbourResidentsMean(t *testing.T) {
	_, kbs := testEngine(t)
	plain := NewEngine(untrained(kbs))
	for _, c := range []struct{ file, lang, q, want string }{
		{"faq/dev18.yaml", "en", "How do I get a level 2 electronic ID account?", "vneid-dk-muc-2"},
		{"faq/dev18.yaml", "vi", "bi lua mat tien roi lam sao lay lai", "ld-da-bi-lua"},
		{"faq/dev16.yaml", "vi", "Có người gọi tự xưng cán bộ phường bảo tôi cập nhật lại thông tin cư trú sau sáp nhập qua một ứng dụng họ gửi, tôi có nên làm không?", "ld-gia-cong-an"},
	} {
		if got := Got(plain.Answer(c.lang, c.q)); got == c.want {
			t.Errorf("%q: the lexical search alone already answers %s (pick another case)", c.q, got)
		}
		if got := Got(NewEngine(leaveOut(kbs, c.file)).Answer(c.lang, c.q)); got != c.want {
			t.Errorf("%q: got %s, want %s", c.q, got, c.want)
		}
	}
}

// What to answer is the ranking's; whether to answer stays with the words:
// a question none of the KB's words fit is declined, however sure the
// classifier is of its best guess.
func TestTheLearnedRankingDoesNotMakeAnAnswerOfNothing(t *testing.T) {
	e, _ := testEngine(t)
	for _, q := range []string{
		"con mèo nhà tôi cứ kêu suốt đêm là bị làm sao",
		"my cat keeps meowing all night, what is wrong with it",
	} {
		if r := e.Answer("vi", q); r.Action == ActionAnswer || r.Action == ActionChoices {
			t.Errorf("%q: got %s, want a decline", q, Got(r))
		}
	}
}

func TestTrainingGivesTheSameModelEveryTime(t *testing.T) {
	_, kbs := testEngine(t)
	a, b := NewEngine(kbs), NewEngine(kbs)
	for _, lang := range Languages {
		ca, cb := a.idx[lang].clf, b.idx[lang].clf
		if ca == nil || !reflect.DeepEqual(ca.w, cb.w) || !reflect.DeepEqual(ca.rows, cb.rows) {
			t.Errorf("%s: two engines from the same KB learned different weights", lang)
		}
	}
}

// A KB that comes without examples (an operator's, a test's) ranks by its
// words alone.
func TestAKnowledgeBaseWithoutExamplesHasNoClassifier(t *testing.T) {
	_, kbs := testEngine(t)
	e := NewEngine(untrained(kbs))
	for _, lang := range Languages {
		if e.idx[lang].clf != nil {
			t.Errorf("%s: a classifier trained from the phrasings alone", lang)
		}
	}
}

// The examples, and the questions outside the KB, come from the
// development sets only, and none repeats a held-out question (75 in-scope dev cases that did were removed in session
// 13 by a script that did not print them): learned, it would make its
// held-out case measure memory. Messages give the case number, never the
// question.
func TestNoHeldOutQuestionIsAnExample(t *testing.T) {
	kbs, err := LoadFS(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, lang := range Languages {
		for _, x := range kbs[lang].Examples {
			if !slices.Contains(DevFiles, x.From) {
				t.Errorf("an example comes from %s, not a development set", x.From)
			}
			seen[Fold(x.Q)] = true
		}
		for _, x := range kbs[lang].Outside {
			if !slices.Contains(DevFiles, x.From) {
				t.Errorf("a question outside the KB comes from %s, not a development set", x.From)
			}
			seen[Fold(x.Q)] = true
		}
	}
	if len(seen) < 3000 {
		t.Errorf("%d distinct examples, want the development sets' (over 3,000)", len(seen))
	}
	for _, h := range HeldOutSets {
		cases, err := LoadEvalFile(locales.FS, h.File)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cases {
			if seen[Fold(c.Q)] {
				t.Errorf("%s case %d is also an example", h.File, i+1)
			}
		}
	}
}

// Residents' questions that no entry answers (the dev sets' gap and
// out-of-scope cases, KB.Outside) teach the classifier one more class: a
// new question like them is not answered with the entry whose words it
// happens to share, unless it names one of Loa's subjects and the class
// is not very sure. No question below is in a development set.
func TestAQuestionLikeTheOnesNoEntryAnswersIsNotAnswered(t *testing.T) {
	e, kbs := testEngine(t)
	without := map[string]*KB{}
	for lang, kb := range kbs {
		k := *kb
		k.Outside = nil
		without[lang] = &k
	}
	bare := NewEngine(without)
	for _, q := range []string{
		"Lỡ ấn vào đường link lạ người ta gửi thì giờ xử lý thế nào?", // no entry on what to do after a click
		"Số điện thoại công an phường tôi là số nào?",                 // ward contacts are not in the facts
		"Đăng ký tạm trú trên VNeID làm thế nào?",                     // names VNeID: the class is surer (noneLeadAt)
	} {
		if got := gotOrDecline(bare.Answer("vi", q)); strings.HasPrefix(got, "decline") {
			t.Errorf("%q: without the questions outside the KB got %s; want an entry, or this test checks nothing", q, got)
		}
		if got := e.Answer("vi", q); got.Action == ActionAnswer {
			t.Errorf("%q answered with %s, want no answer", q, got.Entry.ID)
		}
	}
}
