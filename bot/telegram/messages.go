package telegram

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/loa-vn/loa/bot/invite"
	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/store"
)

// MaxQuestion is the longest message the bot reads, in characters: longer
// ones are pastes, not questions.
const MaxQuestion = 1000

// onMessage routes a private message: a command, media, or text that is
// either the answer to a pending step or a question.
func (t *turn) onMessage(ctx context.Context, m *models.Message) {
	if cmd, arg, ok := command(m); ok {
		t.onCommand(ctx, cmd, arg)
		return
	}
	text := strings.TrimSpace(m.Text)
	switch {
	case m.Contact != nil && t.Contacts != nil:
		t.onContact(ctx, m)
	case m.Text == "":
		t.say(ctx, "not_text") // sticker, photo, voice, location…
	case text == "":
		t.say(ctx, "empty")
	case utf8.RuneCountInString(text) > MaxQuestion:
		t.say(ctx, "too_long", "Max", MaxQuestion)
	default:
		t.onText(ctx, text)
	}
}

func (t *turn) onText(ctx context.Context, text string) {
	st, err := t.Conv.Get(ctx, t.user)
	if err != nil {
		t.Log.Warn("conversation", "user_id", t.user, "err", err) // answer as a question instead
	}
	if st.Step == StepLocality {
		t.searchLocality(ctx, text)
		return
	}
	t.answer(ctx, text)
}

// command reads a leading bot_command entity: "/start@loa_bot payload" is
// ("start", "payload"). Telegram marks commands with the entity; plain
// "/something" typed without it is still text.
func command(m *models.Message) (string, string, bool) {
	if len(m.Entities) == 0 || m.Entities[0].Type != models.MessageEntityTypeBotCommand || m.Entities[0].Offset != 0 {
		return "", "", false
	}
	head, arg, _ := strings.Cut(m.Text, " ")
	head, _, _ = strings.Cut(strings.TrimPrefix(head, "/"), "@")
	return strings.ToLower(head), strings.TrimSpace(arg), true
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
		t.send(ctx, t.t("lang_choose"), keyboard([]models.InlineKeyboardButton{
			button(t.Text.Plain(l10n.VI, "lang_name"), "lang:vi"), button(t.Text.Plain(l10n.EN, "lang_name"), "lang:en")}))
	case "topics":
		t.topics(ctx)
	case "phone":
		t.askPhone(ctx)
	case "mydata":
		t.myData(ctx)
	case "forget":
		t.send(ctx, t.t("forget_confirm"), keyboard([]models.InlineKeyboardButton{
			button(t.Text.Plain(t.lang, "forget_yes"), "forget:yes"), button(t.Text.Plain(t.lang, "forget_no"), "forget:no")}))
	default:
		t.say(ctx, "unknown_command")
	}
}

func (t *turn) clearStep(ctx context.Context) {
	if err := t.Conv.Clear(ctx, t.user); err != nil {
		t.Log.Warn("conversation", "user_id", t.user, "err", err)
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
		t.Log.Info("invite rejected", "user_id", t.user, "err", err)
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
	t.send(ctx, t.t("invite_locality", "Locality", l.NameVi), keyboard([]models.InlineKeyboardButton{
		button(t.Text.Plain(t.lang, "subscribe_button", "Locality", l.NameVi), locData(l.ID))}))
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

// fail logs an unexpected error with the resident's ids and says sorry.
func (t *turn) fail(ctx context.Context, what string, err error) {
	t.Log.Error(what, "user_id", t.user, "subscriber_id", t.sub.ID, "err", err)
	t.say(ctx, "error")
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
	b.WriteString(t.t("mydata", "ExternalID", s.ExternalID, "Name", orNone(s.FirstName, none),
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
	t.send(ctx, b.String(), nil)
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

// askPhone offers Telegram's share-my-number button: agencies import their
// members by phone, and sharing it is how a resident joins those lists.
func (t *turn) askPhone(ctx context.Context) {
	if t.Contacts == nil {
		t.say(ctx, "unknown_command")
		return
	}
	t.sendMarkup(ctx, t.t("phone_ask"), &models.ReplyKeyboardMarkup{
		Keyboard:        [][]models.KeyboardButton{{{Text: t.Text.Plain(t.lang, "phone_button"), RequestContact: true}}},
		OneTimeKeyboard: true, ResizeKeyboard: true})
}

// onContact matches the resident's own number; a contact card of someone
// else is refused, since joining a list is each person's own act.
func (t *turn) onContact(ctx context.Context, m *models.Message) {
	if m.From == nil || m.Contact.UserID != m.From.ID {
		t.sendMarkup(ctx, t.t("contact_not_yours"), &models.ReplyKeyboardRemove{RemoveKeyboard: true})
		return
	}
	t.sendMarkup(ctx, t.Contacts(ctx, t.sub.ID, t.lang, m.Contact.PhoneNumber), &models.ReplyKeyboardRemove{RemoveKeyboard: true})
}
