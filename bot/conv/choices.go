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
		if rest == locNone {
			t.ack(ctx)
			t.noneOfThese(ctx)
			ok = true
			break
		}
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
	case "cmd":
		ok = t.confirmUnsubscribe(ctx, rest)
	}
	if !ok {
		t.Log.Info("stale choice", "channel", t.m.Channel, "subscriber_id", t.sub.ID, "data_len", len(t.m.Choice))
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
	t.ack(ctx)
	t.subscribeTo(ctx, l, t.state(ctx).Former[l.ID])
	return true
}

// subscribeTo subscribes the resident to l (f: the former unit their words
// matched, for the "since 1/7/2025" note) and says so, and says which
// subscription it replaced when they had another.
func (t *turn) subscribeTo(ctx context.Context, l store.Locality, f Former) {
	old := ""
	if t.sub.LocalityID.Valid && t.sub.LocalityID.Int64 != l.ID && t.sub.Status == store.StatusActive {
		if prev, err := t.Store.LocalityByID(ctx, t.sub.LocalityID.Int64); err == nil {
			old = prev.NameVi
		}
	}
	if err := t.Store.Subscribe(ctx, t.sub.ID, l.ID); err != nil {
		t.fail(ctx, "subscribe", err)
		return
	}
	t.clearStep(ctx)
	t.Log.Info("subscribed", "subscriber_id", t.sub.ID, "locality_id", l.ID)
	if old != "" {
		t.say(ctx, "subscribe_replaced", "Old", old, "Locality", l.NameVi)
	}
	switch f.Via {
	case store.ViaFormerUnit:
		t.say(ctx, "subscribe_done_former", "Former", f.Name, "Locality", l.NameVi)
	case store.ViaFormerDistrict:
		t.say(ctx, "subscribe_done_district", "Former", f.Name, "Locality", l.NameVi)
	default:
		t.say(ctx, "subscribe_done", "Locality", l.NameVi)
	}
}

// The ward picker's rules (issue 9, item 22). Scores come from
// store.SearchLocalities: 1.0 a unit's own exact name, 0.9-0.95 a former
// ward's exact name, 0.8 a prefix, at most 0.7 a fuzzy match.
const (
	// pickExact: a match this good, alone at that level, is the place:
	// subscribe without asking.
	pickExact = 0.9
	// pickPlausible: below this nothing is offered; "not found, try again".
	pickPlausible = 0.45
	// pickGap: offer only the matches within this of the best one, so a
	// close match does not come with unrelated ones.
	pickGap = 0.15
	// pickMax: at most this many places are offered.
	pickMax = 5
	// locNone is the "none of these" choice's data (loc:none).
	locNone = "none"
)

// plausible applies the rules to ranked matches: the one exact match, or
// the plausible ones (nil: nothing is close).
func plausible(ms []store.LocalityMatch) (exact *store.LocalityMatch, offer []store.LocalityMatch) {
	if len(ms) == 0 || ms[0].Score < pickPlausible {
		return nil, nil
	}
	best := ms[0].Score
	if best >= pickExact && (len(ms) == 1 || ms[1].Score < pickExact) {
		return &ms[0], nil
	}
	for _, m := range ms {
		if m.Score < pickPlausible || m.Score < best-pickGap || len(offer) == pickMax {
			break
		}
		offer = append(offer, m)
	}
	return nil, offer
}

// searchLocality subscribes an exact match at once, offers the plausible
// places with a "none of these" choice, or says nothing is close; the step
// stays open (but after an exact match) so the resident can type again.
// shown is the text as the resident wrote it, for the replies that quote it.
func (t *turn) searchLocality(ctx context.Context, text, shown string) {
	if shown == "" {
		shown = text
	}
	ms, err := t.Store.SearchLocalities(ctx, text, 10)
	if err != nil && !isInvalid(err) {
		t.fail(ctx, "search localities", err)
		return
	}
	exact, offer := plausible(ms)
	switch {
	case exact != nil:
		var f Former
		if exact.Via != store.ViaCurrent {
			f = Former{Name: exact.Matched, Via: exact.Via}
		}
		t.subscribeTo(ctx, exact.Locality, f)
		return
	case len(offer) == 0:
		t.say(ctx, "subscribe_none", "Query", clip(shown, 100))
		return
	}
	st := State{Step: StepLocality, Former: map[int64]Former{}}
	var rows [][]Choice
	for _, m := range offer {
		label := t.Text.Plain(t.lang, "subscribe_button", "Locality", m.NameVi)
		if m.Via != store.ViaCurrent {
			st.Former[m.ID] = Former{Name: m.Matched, Via: m.Via}
			label = t.Text.Plain(t.lang, "subscribe_button_former", "Locality", m.NameVi, "Former", m.Matched)
		}
		rows = append(rows, []Choice{button(label, locData(m.ID))})
	}
	rows = append(rows, []Choice{button(t.Text.Plain(t.lang, "subscribe_none_of_these"), "loc:"+locNone)})
	if err := t.setState(ctx, st); err != nil {
		t.Log.Warn("conversation", "channel", t.m.Channel, "subscriber_id", t.sub.ID, "err", err)
	}
	t.send(ctx, t.t("subscribe_choose", "Query", clip(shown, 100)), rows...)
}

// noneOfThese: none of the places offered is theirs; they type again.
func (t *turn) noneOfThese(ctx context.Context) {
	if err := t.setState(ctx, State{Step: StepLocality}); err != nil {
		t.fail(ctx, "subscribe", err)
		return
	}
	t.say(ctx, "subscribe_retry")
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
func (t *turn) forget(ctx context.Context, rest string) bool {
	// the confirmation speaks the language it was asked in ("delete my
	// data" from a resident whose Loa is in Vietnamese); older buttons
	// carry none
	answer, lang, _ := strings.Cut(rest, ":")
	if validLang(lang) {
		t = t.in(lang)
	}
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
