package faq

import "testing"

// Small talk is recognised by its word classes, whatever the wording:
// stretched words, goodbyes, wishes and questions about the bot included.
func TestSmalltalkIsRecognisedInAnyWording(t *testing.T) {
	e, _ := testEngine(t)
	for _, c := range []struct{ lang, q, want string }{
		{"en", "heyyy there", SmalltalkGreeting},
		{"vi", "chào buổi tối cả nhà", SmalltalkGreeting},
		{"vi", "chào ad, chúc ad buổi sáng tốt lành", SmalltalkGreeting},
		{"en", "thanksss loa", SmalltalkThanks},
		{"en", "cheers, very helpful", SmalltalkThanks},
		{"en", "ok bye, take care", SmalltalkThanks},
		{"vi", "thôi chào tạm biệt ad nhé", SmalltalkThanks},
		{"vi", "cảm ơn, hẹn gặp lại", SmalltalkThanks},
		{"en", "are u an AI", SmalltalkAbout},
		{"en", "who built this chatbot?", SmalltalkAbout},
		{"vi", "bạn có phải robot không", SmalltalkAbout},
		{"vi", "ai làm ra Loa vậy", SmalltalkAbout},
		{"en", "what else can you do", SmalltalkAbout},
		// "how are you", "anyone there?", calling the bot by name
		{"en", "hi loa, how's it going?", SmalltalkGreeting},
		{"vi", "có ai ở đó không ạ", SmalltalkGreeting},
		{"vi", "ad ơi", SmalltalkGreeting},
		// an acknowledgement alone gets the closing reply
		{"en", "alright, noted", SmalltalkThanks},
		{"vi", "ok hiểu rồi", SmalltalkThanks},
		// asking for help without asking anything yet: what Loa can do
		{"en", "i need some help please", SmalltalkAbout},
		{"vi", "cho em hỏi xíu", SmalltalkAbout},
		{"vi", "bạn thuộc về cơ quan nào vậy", SmalltalkAbout},
	} {
		if r := e.Answer(c.lang, c.q); r.Action != ActionSmalltalk || r.Smalltalk != c.want {
			t.Errorf("%q: got %s, want smalltalk:%s", c.q, Got(r), c.want)
		}
	}
}

// A greeting, thanks or question about the bot next to a real question
// does not hide it: the question is answered.
func TestRealQuestionWinsOverSmalltalkAroundIt(t *testing.T) {
	e, _ := testEngine(t)
	for _, c := range []struct{ lang, q, want string }{
		{"en", "are you a robot? anyway where do I download VNeID", "vneid-tai-app"},
		{"vi", "Chào Loa nhé, ứng dụng iHanoi là gì vậy?", "ihanoi-la-gi"},
		{"en", "thanks. also, what's the number for reporting scam calls?", "dd-156"},
	} {
		if got := Got(e.Answer(c.lang, c.q)); got != c.want {
			t.Errorf("%q: got %s, want %s", c.q, got, c.want)
		}
	}
}

// A short remark after thanks that Loa has no entry for is part of the
// thanks; a question after a greeting that is out of remit is declined.
func TestRemarkAfterThanksIsSmalltalkButOffTopicQuestionIsDeclined(t *testing.T) {
	e, _ := testEngine(t)
	if r := e.Answer("en", "thanks, you saved my day"); r.Action != ActionSmalltalk || r.Smalltalk != SmalltalkThanks {
		t.Errorf("remark after thanks: got %s", Got(r))
	}
	for _, q := range []string{"hi, how do I renew my passport?", "thanks, also what should I name my dog", "chào bạn, cho hỏi đường đến Văn Miếu",
		"bye, what should I cook tonight"} {
		if r := e.Answer("en", q); r.Action != ActionDecline {
			t.Errorf("%q: got %s, want a decline", q, Got(r))
		}
	}
}

// Everyday life in the city (eating out, shopping, getting around,
// renting, jobs) is not Loa's, greeting or not.
func TestEverydayCityLifeIsDeclined(t *testing.T) {
	e, _ := testEngine(t)
	for _, q := range []string{"hello! any restaurant you'd recommend in Tay Ho?", "where can I buy a sim card in hanoi",
		"chào ad, mình muốn thuê nhà gần hồ", "how do i get to the airport from the old quarter"} {
		if r := e.Answer("en", q); r.Action != ActionDecline {
			t.Errorf("%q: got %s, want a decline", q, Got(r))
		}
	}
}

func TestUnstretchCollapsesRunsOfThreeOrMore(t *testing.T) {
	for in, want := range map[string]string{"helloooo": "hello", "hiii": "hi", "sooo": "so", "hello": "hello", "cool": "cool"} {
		if got := unstretch(in); got != want {
			t.Errorf("unstretch(%q) = %q, want %q", in, got, want)
		}
	}
}
