package conv

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/store"
)

// onChoice routes a chosen option by its data prefix. Data comes back from
// the client and may be stale or forged: every branch validates it and
// answers a gentle notice instead of failing.
func (t *turn) onChoice(ctx context.Context) {
	kind, rest, _ := strings.Cut(t.m.Choice, ":")
	ok := false
	switch kind {
	case "loc":
		ok = t.chooseLocality(ctx, rest)
	case "lang":
		ok = t.chooseLang(ctx, rest)
	case "topics":
		t.ack(ctx)
		t.topics(ctx)
		ok = true
	case "t":
		ok = t.openTopic(ctx, rest)
	case "q":
		ok = t.pickQuestion(ctx, rest)
	case "fb":
		ok = t.feedback(ctx, rest)
	case "forget":
		ok = t.forget(ctx, rest)
	}
	if !ok {
		t.Log.Info("stale choice", "channel", t.m.Channel, "user_id", t.m.UserID, "data_len", len(t.m.Choice))
		t.notice(ctx, t.staleNotice())
	}
}

func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

func (t *turn) chooseLocality(ctx context.Context, rest string) bool {
	id, ok := parseID(rest)
	if !ok {
		return false
	}
	l, err := t.Store.LocalityByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && l.Kind == "city") {
		return false
	}
	if err != nil {
		t.ack(ctx)
		t.fail(ctx, "choose locality", err)
		return true
	}
	st := t.state(ctx) // only for the "since 1/7/2025" note
	if err := t.Store.Subscribe(ctx, t.sub.ID, l.ID); err != nil {
		t.ack(ctx)
		t.fail(ctx, "subscribe", err)
		return true
	}
	t.clearStep(ctx)
	t.ack(ctx)
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

func (t *turn) chooseLang(ctx context.Context, lang string) bool {
	if !l10n.Valid(lang) {
		return false
	}
	if err := t.Store.SetLocale(ctx, t.sub.ID, lang); err != nil {
		t.ack(ctx)
		t.fail(ctx, "set locale", err)
		return true
	}
	t.lang = lang
	t.ack(ctx)
	t.say(ctx, "lang_done")
	return true
}

func (t *turn) openTopic(ctx context.Context, topic string) bool {
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
	t.ack(ctx)
	t.send(ctx, t.t("topic_questions", "Topic", title), t.questionRows(es, 20)...)
	return true
}

// pickQuestion answers an entry chosen from a list ("q:<lang>:<id>").
func (t *turn) pickQuestion(ctx context.Context, rest string) bool {
	lang, id, _ := strings.Cut(rest, ":")
	if !l10n.Valid(lang) {
		return false
	}
	e := t.FAQ().Entry(lang, id)
	if e == nil || e.ID != id || len(e.Questions) == 0 {
		return false
	}
	t.ack(ctx)
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

func (t *turn) feedback(ctx context.Context, rest string) bool {
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
		t.notice(ctx, "error")
		return true
	}
	t.notice(ctx, "feedback_thanks")
	return true
}

// forget erases the resident after the confirmation.
func (t *turn) forget(ctx context.Context, answer string) bool {
	switch answer {
	case "no":
		t.ack(ctx)
		t.say(ctx, "forget_cancelled")
		return true
	case "yes":
	default:
		return false
	}
	t.ack(ctx)
	if err := t.Store.Forget(ctx, t.sub.ID); err != nil {
		t.fail(ctx, "forget", err)
		return true
	}
	t.clearStep(ctx)
	t.Log.Info("forgot subscriber", "subscriber_id", t.sub.ID)
	t.say(ctx, "forget_done")
	return true
}
