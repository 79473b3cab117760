package conv

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/invite"
	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/store"
)

// MaxQuestion is the longest message the bot reads, in characters: longer
// ones are pastes, not questions.
const MaxQuestion = 1000

// onMessage routes a message: a command, media, a shared contact, or text
// that is either the answer to a pending step or a question.
func (t *turn) onMessage(ctx context.Context) {
	if cmd, arg, ok := Command(t.m, t.caps, Commands); ok {
		t.onCommand(ctx, cmd, arg)
		return
	}
	if cmd, ok := t.words[faq.Fold(strings.TrimRight(t.m.Text, ".!? "))]; ok && t.m.Kind == KindText && !t.caps.CommandMenu {
		t.onCommand(ctx, cmd, "") // "đăng ký", "dang ky", "my data"
		return
	}
	text := strings.TrimSpace(t.m.Text)
	switch {
	case t.m.Kind == KindContact && t.Contacts != nil && t.m.Contact != nil:
		t.onContact(ctx, t.m.Contact)
	case t.m.Kind == KindContact, t.m.Kind == KindMedia:
		t.say(ctx, "not_text") // sticker, photo, voice, location…
	case text == "":
		t.say(ctx, "empty")
	case utf8.RuneCountInString(text) > MaxQuestion:
		t.say(ctx, "too_long", "Max", MaxQuestion)
	default:
		t.onText(ctx, text)
	}
}

// onText answers text; while Loa waits for a ward, text is the ward,
// unless it asks for another of Loa's functions ("thôi, hủy đăng ký"),
// which is answered as such and ends the wait.
func (t *turn) onText(ctx context.Context, text string) {
	if t.state(ctx).Step != StepLocality {
		t.answer(ctx, text)
		return
	}
	if r := t.FAQ().Answer(t.lang, text); r.Action == faq.ActionCommand && r.Command != faq.CommandSubscribe {
		t.answerWith(ctx, text, r)
		return
	}
	t.searchLocality(ctx, text, text)
}

// Command reads a command from m: the one the platform marked (Telegram's
// entity: "/start@loa_bot payload" is ("start", "payload")), or, on a
// channel without a command menu, one typed with or without the slash
// ("/help", "help", "Subscribe"). Without the slash only a whole message
// that is one of names counts, so a question that starts with "help" stays
// a question. On Telegram, "/something" typed without the entity is text.
func Command(m Message, caps Caps, names []string) (cmd, arg string, ok bool) {
	text := strings.TrimSpace(m.Text)
	switch {
	case m.Kind == KindCommand, m.Kind == KindText && !caps.CommandMenu && strings.HasPrefix(text, "/"):
		head, rest, _ := strings.Cut(text, " ")
		head, _, _ = strings.Cut(strings.TrimPrefix(head, "/"), "@")
		return strings.ToLower(head), strings.TrimSpace(rest), head != ""
	case m.Kind == KindText && !caps.CommandMenu:
		word := strings.ToLower(strings.TrimRight(text, ".!? "))
		for _, n := range names {
			if word == n {
				return n, "", true
			}
		}
	}
	return "", "", false
}

func (t *turn) onCommand(ctx context.Context, cmd, arg string) {
	if cmd != "subscribe" {
		t.clearStep(ctx)
	}
	switch cmd {
	case "start":
		t.start(ctx, arg)
	case "help":
		t.say(ctx, "help", "HelpLine", t.t("help_line"))
	case "subscribe":
		t.askLocality(ctx)
	case "unsubscribe", "stop":
		t.unsubscribe(ctx)
	case "lang":
		t.send(ctx, t.t("lang_choose"), []Choice{
			button(t.Text.Plain(l10n.VI, "lang_name"), "lang:vi"), button(t.Text.Plain(l10n.EN, "lang_name"), "lang:en")})
	case "topics":
		t.topics(ctx)
	case "phone":
		t.askPhone(ctx)
	case "mydata":
		t.myData(ctx)
	case "forget":
		t.send(ctx, t.t("forget_confirm"), []Choice{
			button(t.Text.Plain(t.lang, "forget_yes"), "forget:yes:"+t.lang), button(t.Text.Plain(t.lang, "forget_no"), "forget:no:"+t.lang)})
	default:
		t.say(ctx, "unknown_command")
	}
}

// start greets, and enrols the resident when the link carried an invite.
func (t *turn) start(ctx context.Context, payload string) {
	t.say(ctx, "start", "Name", t.name)
	if payload == "" {
		return
	}
	signed, err := invite.Verify(t.Key, payload, t.Now())
	var inv store.Invite
	if err == nil {
		// the signature proves Loa made the link; the row says whether staff
		// still stand by it
		inv, err = t.Store.InviteByID(ctx, signed.ID)
	}
	switch {
	case errors.Is(err, invite.ErrExpired), err == nil && inv.RevokedAt != nil:
		t.say(ctx, "invite_expired")
	case err != nil:
		t.Log.Info("invite rejected", "channel", t.m.Channel, "subscriber_id", t.sub.ID, "err", err)
		t.say(ctx, "invite_invalid")
	case inv.AgencyID != nil:
		t.joinAgency(ctx, *inv.AgencyID)
	case inv.LocalityID != nil:
		t.offerLocality(ctx, *inv.LocalityID)
	default:
		t.say(ctx, "invite_invalid")
	}
}

func (t *turn) joinAgency(ctx context.Context, agencyID int64) {
	a, err := t.Store.JoinAgency(ctx, agencyID, t.sub.ID, "invite")
	if errors.Is(err, store.ErrNotFound) {
		t.say(ctx, "invite_invalid")
		return
	}
	if err != nil {
		t.fail(ctx, "join agency", err)
		return
	}
	name := a.NameVi
	if t.lang == l10n.EN && a.NameEn != "" {
		name = a.NameEn
	}
	t.Log.Info("joined agency", "subscriber_id", t.sub.ID, "agency_id", agencyID)
	t.say(ctx, "invite_agency", "Agency", name)
}

// offerLocality asks for consent with one button rather than subscribing on
// the link alone: consent to campaign messages must be the resident's act.
func (t *turn) offerLocality(ctx context.Context, localityID int64) {
	l, err := t.Store.LocalityByID(ctx, localityID)
	if errors.Is(err, store.ErrNotFound) {
		t.say(ctx, "invite_invalid")
		return
	}
	if err != nil {
		t.fail(ctx, "invite locality", err)
		return
	}
	t.send(ctx, t.t("invite_locality", "Locality", l.NameVi), []Choice{
		button(t.Text.Plain(t.lang, "subscribe_button", "Locality", l.NameVi), locData(l.ID))})
}

func (t *turn) unsubscribe(ctx context.Context) {
	was, err := t.Store.Unsubscribe(ctx, t.sub.ID)
	if err != nil {
		t.fail(ctx, "unsubscribe", err)
		return
	}
	if was {
		t.say(ctx, "unsubscribe_done")
		return
	}
	t.say(ctx, "unsubscribe_not")
}

// myData shows everything stored about the resident.
func (t *turn) myData(ctx context.Context) {
	d, err := t.Store.MyData(ctx, t.sub.ID)
	if err != nil {
		t.fail(ctx, "mydata", err)
		return
	}
	none := t.Text.Plain(t.lang, "mydata_none")
	s := d.Subscriber
	var b strings.Builder
	b.WriteString(t.t("mydata", "Channel", t.channelName(s.Channel), "ExternalID", s.ExternalID, "Name", orNone(s.FirstName, none),
		"Locale", t.Text.Plain(s.Locale, "lang_name"), "Status", t.Text.Plain(t.lang, "status_"+s.Status),
		"Locality", orNone(d.LocalityName, none), "Consent", orNone(t.date(s.ConsentAt.Time, s.ConsentAt.Valid), none),
		"Created", t.date(s.CreatedAt, true), "Agencies", orNone(t.agencies(d.Memberships), none),
		"Deliveries", d.Deliveries, "Questions", d.QuestionsAll, "Days", t.cfg.KeepDays))
	if len(d.Questions) > 0 {
		b.WriteString(t.t("mydata_recent"))
		for _, q := range d.Questions {
			b.WriteString(t.t("mydata_question", "At", t.date(q.At, true), "Question", clip(q.Question, 200)))
		}
	}
	b.WriteString(t.t("mydata_footer"))
	t.send(ctx, b.String())
}

// channelName is the channel as residents know it ("Telegram").
func (t *turn) channelName(ch string) string {
	if t.Text.Has(t.lang, "channel_"+ch) {
		return t.Text.Plain(t.lang, "channel_"+ch)
	}
	return ch
}

func (t *turn) agencies(ms []store.Membership) string {
	var names []string
	for _, m := range ms {
		n := m.AgencyNameVi
		if t.lang == l10n.EN && m.AgencyNameEn != "" {
			n = m.AgencyNameEn
		}
		names = append(names, n)
	}
	return strings.Join(names, "; ")
}

func (t *turn) date(at time.Time, ok bool) string {
	if !ok {
		return ""
	}
	return at.In(t.cfg.Timezone).Format("02/01/2006 15:04")
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

// askPhone offers the share-my-number button: agencies import their
// members by phone, and sharing it is how a resident joins those lists.
func (t *turn) askPhone(ctx context.Context) {
	if t.Contacts == nil || !t.caps.Contact {
		t.say(ctx, "unknown_command")
		return
	}
	_ = t.Send(ctx, Reply{Text: t.t("phone_ask"), AskContact: t.Text.Plain(t.lang, "phone_button")})
}

// onContact matches the resident's own number; a contact card of someone
// else is refused, since joining a list is each person's own act.
func (t *turn) onContact(ctx context.Context, c *Contact) {
	if !c.Own {
		t.say(ctx, "contact_not_yours")
		return
	}
	t.send(ctx, t.Contacts(ctx, t.sub.ID, t.lang, c.Phone))
}
