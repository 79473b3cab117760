package telegram

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/store"
)

// onCallback routes a button press by its data prefix. Data comes back from
// the client and may be stale or forged: every branch validates it and
// answers a gentle toast instead of failing.
func (t *turn) onCallback(ctx context.Context, cq *models.CallbackQuery) {
	kind, rest, _ := strings.Cut(cq.Data, ":")
	ok := false
	switch kind {
	case "loc":
		ok = t.chooseLocality(ctx, cq, rest)
	case "lang":
		ok = t.chooseLang(ctx, cq, rest)
	case "topics":
		t.ack(ctx, cq, "")
		t.topics(ctx)
		ok = true
	case "t":
		ok = t.openTopic(ctx, cq, rest)
	case "q":
		ok = t.pickQuestion(ctx, cq, rest)
	case "fb":
		ok = t.feedback(ctx, cq, rest)
	case "forget":
		ok = t.forget(ctx, cq, rest)
	}
	if !ok {
		t.Log.Info("stale callback", "user_id", t.user, "data_len", len(cq.Data))
		t.ack(ctx, cq, "callback_stale")
	}
}

func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

func (t *turn) chooseLocality(ctx context.Context, cq *models.CallbackQuery, rest string) bool {
	id, ok := parseID(rest)
	if !ok {
		return false
	}
	l, err := t.Store.LocalityByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && l.Kind == "city") {
		return false
	}
	if err != nil {
		t.ack(ctx, cq, "")
		t.fail(ctx, "choose locality", err)
		return true
	}
	st, _ := t.Conv.Get(ctx, t.user) // only for the "since 1/7/2025" note
	if err := t.Store.Subscribe(ctx, t.sub.ID, l.ID); err != nil {
		t.ack(ctx, cq, "")
		t.fail(ctx, "subscribe", err)
		return true
	}
	t.clearStep(ctx)
	t.ack(ctx, cq, "")
	t.Log.Info("subscribed", "subscriber_id", t.sub.ID, "locality_id", l.ID)
	switch f := st.Former[l.ID]; f.Via {
	case store.ViaFormerUnit:
		t.say(ctx, "subscribe_done_former", "Former", f.Name, "Locality", l.NameVi)
	case store.ViaFormerDistrict:
		t.say(ctx, "subscribe_done_district", "Former", f.Name, "Locality", l.NameVi)
	default:
		t.say(ctx, "subscribe_done", "Locality", l.NameVi)
	}
	return true
}

func (t *turn) chooseLang(ctx context.Context, cq *models.CallbackQuery, lang string) bool {
	if !l10n.Valid(lang) {
		return false
	}
	if err := t.Store.SetLocale(ctx, t.sub.ID, lang); err != nil {
		t.ack(ctx, cq, "")
		t.fail(ctx, "set locale", err)
		return true
	}
	t.lang = lang
	t.ack(ctx, cq, "")
	t.say(ctx, "lang_done")
	return true
}

func (t *turn) openTopic(ctx context.Context, cq *models.CallbackQuery, topic string) bool {
	es := t.FAQ().ByTopic(t.lang, topic)
	if len(es) == 0 {
		return false
	}
	title := topic
	for _, tp := range t.FAQ().Topics(t.lang) {
		if tp.ID == topic {
			title = tp.Title
		}
	}
	t.ack(ctx, cq, "")
	t.send(ctx, t.t("topic_questions", "Topic", title), keyboard(t.questionRows(es, 20)...))
	return true
}

// pickQuestion answers an entry chosen from a button ("q:<lang>:<id>").
func (t *turn) pickQuestion(ctx context.Context, cq *models.CallbackQuery, rest string) bool {
	lang, id, _ := strings.Cut(rest, ":")
	if !l10n.Valid(lang) {
		return false
	}
	e := t.FAQ().Entry(lang, id)
	if e == nil || e.ID != id || len(e.Questions) == 0 {
		return false
	}
	t.ack(ctx, cq, "")
	lt := t.in(lang)
	logID := t.log(ctx, store.Question{SubscriberID: t.sub.ID, Locale: lang, Question: e.Questions[0],
		Normalized: e.ID, EntryKey: e.ID, Score: 1, Outcome: store.OutcomeAnswered})
	var related []*faq.Entry
	for _, r := range e.Related {
		if re := t.FAQ().Entry(lang, r); re != nil {
			related = append(related, re)
		}
	}
	lt.sendAnswer(ctx, e, related, logID)
	return true
}

func (t *turn) feedback(ctx context.Context, cq *models.CallbackQuery, rest string) bool {
	idText, vote, _ := strings.Cut(rest, ":")
	id, ok := parseID(idText)
	v := map[string]int{"up": 1, "down": -1}[vote]
	if !ok || v == 0 {
		return false
	}
	err := t.Store.QuestionFeedback(ctx, id, t.sub.ID, v)
	if errors.Is(err, store.ErrNotFound) {
		return false
	}
	if err != nil {
		t.Log.Error("feedback", "subscriber_id", t.sub.ID, "question_id", id, "err", err)
		t.ack(ctx, cq, "error")
		return true
	}
	t.ack(ctx, cq, "feedback_thanks")
	return true
}

// forget erases the resident after the confirmation button.
func (t *turn) forget(ctx context.Context, cq *models.CallbackQuery, answer string) bool {
	switch answer {
	case "no":
		t.ack(ctx, cq, "")
		t.say(ctx, "forget_cancelled")
		return true
	case "yes":
	default:
		return false
	}
	t.ack(ctx, cq, "")
	if err := t.Store.Forget(ctx, t.sub.ID); err != nil {
		t.fail(ctx, "forget", err)
		return true
	}
	t.clearStep(ctx)
	t.Log.Info("forgot subscriber", "subscriber_id", t.sub.ID)
	t.say(ctx, "forget_done")
	return true
}
