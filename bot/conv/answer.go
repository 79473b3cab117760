package conv

import (
	"context"
	"errors"
	"strconv"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/store"
)

// answer answers a free-text question from the FAQ, in the question's own
// language, and logs it with its match and score.
func (t *turn) answer(ctx context.Context, question string) {
	res := t.FAQ().Answer(t.lang, question)
	q := store.Question{SubscriberID: t.sub.ID, Locale: res.Lang, Question: question,
		Normalized: faq.Fold(question), Score: res.Score}
	if !validLang(res.Lang) || res.Fallback {
		// a question nothing matched says little about its language: keep the resident's
		q.Locale, res.Lang = t.lang, t.lang
	}
	lt := t.in(res.Lang)
	switch {
	case res.Entry != nil:
		q.EntryKey, q.Outcome = res.Entry.ID, store.OutcomeAnswered
		lt.sendAnswer(ctx, res.Entry, res.Related, t.log(ctx, q))
	case len(res.Suggestions) > 0:
		q.EntryKey, q.Outcome = res.Suggestions[0].ID, store.OutcomeSuggested
		t.log(ctx, q)
		lt.send(ctx, lt.t("did_you_mean"), lt.questionRows(res.Suggestions, 3)...)
	default:
		q.Outcome = store.OutcomeFallback
		t.log(ctx, q)
		lt.fallback(ctx, question)
	}
}

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

// log records the question; a failure costs the log row, not the answer.
func (t *turn) log(ctx context.Context, q store.Question) int64 {
	t.counts.questions.WithLabelValues(t.m.Channel, q.Outcome).Inc()
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
	text := t.t("answer", "Answer", e.Answer, "Source", e.Source)
	rows := t.questionRows(related, 3)
	if len(rows) > 0 {
		text += t.t("answer_related")
	} else {
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
