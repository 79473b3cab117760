package conv

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/store"
)

// answer answers a free-text question from the FAQ, in the question's own
// language, and logs it with its match and score. The engine says what to
// do first: answer an entry (offering the other questions of the same
// message), offer close choices, decline what is outside Loa's remit,
// reply to smalltalk, or answer an old-ward question from the data.
func (t *turn) answer(ctx context.Context, question string) {
	t.answerWith(ctx, question, t.FAQ().Answer(t.lang, question))
}

// answerWith is answer with the engine's result already in hand.
func (t *turn) answerWith(ctx context.Context, question string, res faq.Result) {
	q := store.Question{SubscriberID: t.sub.ID, Locale: res.Lang, Question: question,
		Normalized: faq.Fold(question), Score: res.Score}
	noMatch := res.Action == faq.ActionDecline && res.Decline == faq.DeclineNoMatch
	if !validLang(res.Lang) || noMatch {
		// a question nothing matched says little about its language: keep the resident's
		q.Locale, res.Lang = t.lang, t.lang
	}
	lt := t.in(res.Lang)
	switch {
	case res.Action == faq.ActionAnswer && res.Entry != nil:
		q.EntryKey, q.Outcome = res.Entry.ID, store.OutcomeAnswered
		lt.sendAnswerAlso(ctx, res.Entry, res.Also, res.Related, t.log(ctx, q))
	case res.Action == faq.ActionChoices && len(res.Suggestions) > 0:
		q.EntryKey, q.Outcome = res.Suggestions[0].ID, store.OutcomeSuggested
		t.log(ctx, q)
		lt.send(ctx, lt.t("did_you_mean"), lt.questionRows(res.Suggestions, 3)...)
	case res.Action == faq.ActionSmalltalk:
		// nothing to learn from "xin chào": counted, not logged
		t.countOutcome(outcomeSmalltalk)
		lt.send(ctx, lt.t(res.TextKey(), "HelpLine", lt.t("help_line")),
			[]Choice{button(t.Text.Plain(lt.lang, "button_topics"), "topics")})
	case res.Action == faq.ActionLocality:
		t.countOutcome(outcomeLocality)
		lt.answerLocality(ctx, res.Locality)
	case res.Action == faq.ActionCommand:
		// a request for one of Loa's functions, as if its command was typed
		t.countOutcome(outcomeCommand)
		lt.onRequest(ctx, res)
	case res.Action == faq.ActionDecline && res.Decline != faq.DeclineNoMatch:
		// logged as unanswered, so curators see what residents ask
		// outside the remit (and any wrong decline)
		q.Outcome = store.OutcomeFallback
		t.log(ctx, q)
		lt.send(ctx, lt.t(res.TextKey(), "Province", res.Province, "HelpLine", lt.t("help_line")),
			[]Choice{button(t.Text.Plain(lt.lang, "button_topics"), "topics")})
	default:
		q.Outcome = store.OutcomeFallback
		t.log(ctx, q)
		lt.fallback(ctx, question)
	}
}

// Outcomes counted in the metrics but not written to question_log.
const (
	outcomeSmalltalk = "smalltalk"
	outcomeLocality  = "locality"
	outcomeCommand   = "command"
)

func validLang(l string) bool { return l == "vi" || l == "en" }

// in returns the turn speaking lang (an English question gets English text).
func (t *turn) in(lang string) *turn {
	if lang == t.lang {
		return t
	}
	c := *t
	c.lang = lang
	return &c
}

func (t *turn) countOutcome(outcome string) {
	t.counts.questions.WithLabelValues(t.m.Channel, outcome).Inc()
}

// log records the question (the store masks numbers that could identify
// the resident); a failure costs the log row, not the answer.
func (t *turn) log(ctx context.Context, q store.Question) int64 {
	t.countOutcome(q.Outcome)
	id, err := t.Store.LogQuestion(ctx, q)
	if err != nil {
		t.Log.Error("log question", "subscriber_id", t.sub.ID, "err", err)
	}
	return id
}

func (t *turn) fallback(ctx context.Context, question string) {
	t.send(ctx, t.t("fallback", "Question", clip(question, 200), "HelpLine", t.t("help_line")),
		[]Choice{button(t.Text.Plain(t.lang, "button_topics"), "topics")})
}

// sendAnswer sends an entry with its source, related questions as buttons
// and 👍/👎 buttons bound to the logged question.
func (t *turn) sendAnswer(ctx context.Context, e *faq.Entry, related []*faq.Entry, logID int64) {
	t.sendAnswerAlso(ctx, e, nil, related, logID)
}

// sendAnswerAlso is sendAnswer offering first the other questions asked in
// the same message (faq.Result.Also).
func (t *turn) sendAnswerAlso(ctx context.Context, e *faq.Entry, also, related []*faq.Entry, logID int64) {
	text := t.t("answer", "Answer", e.Answer, "Source", e.Source)
	var offer []*faq.Entry
	for _, x := range append(append([]*faq.Entry{}, also...), related...) {
		if x != e && !slices.Contains(offer, x) {
			offer = append(offer, x)
		}
	}
	rows := t.questionRows(offer, 3)
	switch {
	case len(also) > 0:
		text += t.t("answer_also")
	case len(rows) > 0:
		text += t.t("answer_related")
	default:
		text += t.t("answer_feedback")
	}
	if logID != 0 {
		id := strconv.FormatInt(logID, 10)
		rows = append(rows, []Choice{
			button(t.Text.Plain(t.lang, "feedback_up"), "fb:"+id+":up"),
			button(t.Text.Plain(t.lang, "feedback_down"), "fb:"+id+":down")})
	}
	t.send(ctx, text, rows...)
}

// questionRows makes one button per entry (its first phrasing), at most n.
// Data is kept within 64 bytes, Telegram's limit for a button's data.
func (t *turn) questionRows(es []*faq.Entry, n int) [][]Choice {
	var rows [][]Choice
	for _, e := range es {
		data := "q:" + t.lang + ":" + e.ID
		if len(rows) == n || len(e.Questions) == 0 || len(data) > 64 {
			continue
		}
		rows = append(rows, []Choice{button(e.Questions[0], data)})
	}
	return rows
}

// topics shows the topic menu.
func (t *turn) topics(ctx context.Context) {
	var rows [][]Choice
	for _, tp := range t.FAQ().Topics(t.lang) {
		if data := "t:" + tp.ID; len(data) <= 64 {
			rows = append(rows, []Choice{button(tp.Title, data)})
		}
	}
	t.send(ctx, t.t("topics_choose"), rows...)
}

// onRequest runs the command a resident asked for in words (faq.Result
// Command). Stopping the news asks first: words are read less surely than a
// typed /unsubscribe, and a resident stopped by mistake would not know.
// A subscription that names its ward looks the ward up at once.
func (t *turn) onRequest(ctx context.Context, res faq.Result) {
	switch {
	case res.Command == faq.CommandUnsubscribe && t.sub.Status == store.StatusActive:
		t.clearStep(ctx)
		t.send(ctx, t.t("request_unsubscribe"), []Choice{
			button(t.Text.Plain(t.lang, "request_unsubscribe_yes"), unsubscribeData(t.lang, t.sub)),
			button(t.Text.Plain(t.lang, "request_unsubscribe_no"), "cmd:keep:"+t.lang)})
	case res.Command == faq.CommandSubscribe && res.Locality != nil && res.Locality.Text != "":
		t.searchLocality(ctx, res.Locality.Text, res.Locality.Shown)
	default:
		t.onCommand(ctx, res.Command, "")
	}
}

// unsubscribeData is the confirming button's data: the language of the
// question and the subscription it stops (its consent time), so that a
// button pressed after the resident subscribed again stops nothing.
func unsubscribeData(lang string, s store.Subscriber) string {
	return "cmd:unsubscribe:" + lang + ":" + strconv.FormatInt(s.ConsentAt.Time.UnixMilli(), 10)
}

// confirmUnsubscribe handles that button ("unsubscribe:<lang>:<consent>")
// and the one beside it that keeps the news ("keep:<lang>").
func (t *turn) confirmUnsubscribe(ctx context.Context, rest string) bool {
	if lang, ok := strings.CutPrefix(rest, "keep:"); ok && validLang(lang) {
		t.ack(ctx)
		t.in(lang).say(ctx, "request_unsubscribe_kept")
		return true
	}
	parts := strings.Split(rest, ":")
	if len(parts) != 3 || parts[0] != "unsubscribe" || !validLang(parts[1]) {
		return false
	}
	if t.sub.Status == store.StatusActive && unsubscribeData(parts[1], t.sub) != "cmd:"+rest {
		return false // a later subscription: the button is stale
	}
	t.ack(ctx)
	t.in(parts[1]).unsubscribe(ctx)
	return true
}

// askLocality starts the subscription: the next text is a place name.
func (t *turn) askLocality(ctx context.Context) {
	if err := t.setState(ctx, State{Step: StepLocality}); err != nil {
		t.fail(ctx, "subscribe", err)
		return
	}
	t.say(ctx, "subscribe_ask")
}

func locData(id int64) string { return "loc:" + strconv.FormatInt(id, 10) }

func isInvalid(err error) bool { return errors.Is(err, store.ErrInvalid) }
