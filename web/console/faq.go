package console

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/store"
)

// FAQ curation: entries edited with a live preview of the bot's answer, and
// the inbox of questions the bot could not answer, grouped, with numbers
// that look like phone or ID numbers masked (faq.MaskNumbers), each group
// one click from a new entry. The rules are the store's (FAQInput.Problems,
// MergeQuestions), the same the staff API applies.

// inboxDays is how far back the inbox looks; inboxGroups how many groups it shows.
const (
	inboxDays   = 30
	inboxGroups = 100
)

func (c *Console) faqRoutes(mux *http.ServeMux) {
	f := Prefix + "faq"
	mux.Handle("GET "+f, c.staffOnly(faqCurators, c.faqList))
	mux.Handle("GET "+f+"/inbox", c.staffOnly(faqCurators, c.faqInbox))
	mux.Handle("GET "+f+"/new", c.staffOnly(faqCurators, c.faqNewPage))
	mux.Handle("POST "+f+"/new", c.staffOnly(faqCurators, c.faqCreate))
	mux.Handle("POST "+f+"/preview", c.staffOnly(faqCurators, c.faqPreviewFragment))
	mux.Handle("GET "+f+"/{key}/{locale}", c.staffOnly(faqCurators, c.faqEditPage))
	mux.Handle("POST "+f+"/{key}/{locale}", c.staffOnly(faqCurators, c.faqUpdate))
	mux.Handle("POST "+f+"/{key}/{locale}/retire", c.staffOnly(faqCurators, c.faqStatus(store.FAQRetired)))
	mux.Handle("POST "+f+"/{key}/{locale}/restore", c.staffOnly(faqCurators, c.faqStatus(store.FAQActive)))
}

type faqListData struct {
	Entries        []store.FAQEntry
	Locale, Status string
}

func (c *Console) faqList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := faqListData{Locale: q.Get("locale"), Status: q.Get("status")}
	if !l10n.Valid(d.Locale) {
		d.Locale = ""
	}
	if d.Status != store.FAQActive && d.Status != store.FAQRetired {
		d.Status = ""
	}
	list, err := c.d.Store.ListFAQ(r.Context(), store.FAQFilter{Locale: d.Locale, Status: d.Status})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.Entries = list
	p := c.newPage(r, "faq_title")
	p.Data = d
	c.render(w, r, "faq", p)
}

// preview is the bot's answer as Telegram shows it (Loa's markup, which
// escapes what staff typed) and as a plain-text channel (Zalo) shows it.
type preview struct {
	Telegram template.HTML
	Plain    string
	Empty    bool
}

func (c *Console) preview(locale, answer, source string, related bool) preview {
	if !l10n.Valid(locale) {
		locale = l10n.VI
	}
	if strings.TrimSpace(answer) == "" {
		return preview{Empty: true}
	}
	text := conv.AnswerText(c.bot, locale, strings.TrimSpace(answer), strings.TrimSpace(source), related)
	// the markup is the locale file's tags around escaped values: safe as HTML
	return preview{Telegram: template.HTML(text), Plain: conv.PlainText(text)}
}

type faqEditData struct {
	Entry   *store.FAQEntry
	Group   string // the inbox group an entry is made from (its hash)
	Count   int    // how often the group was asked
	Preview preview
	Locales []string
}

var listSep = regexp.MustCompile(`[\s,;]+`)

// faqInput reads the editor's fields.
func faqInput(f *form) store.FAQInput {
	var qs []string
	for _, q := range strings.Split(f.V("questions"), "\n") {
		if q = strings.TrimSpace(q); q != "" {
			qs = append(qs, q)
		}
	}
	var related []string
	for _, k := range listSep.Split(strings.TrimSpace(f.V("related")), -1) {
		if k != "" {
			related = append(related, k)
		}
	}
	return store.FAQInput{Key: strings.TrimSpace(f.V("key")), Locale: f.V("locale"), Topic: strings.TrimSpace(f.V("topic")),
		Questions: qs, Answer: f.V("answer"), Source: f.V("source"), Related: related}
}

var faqFields = []string{"key", "locale", "topic", "questions", "answer", "source", "related", "group"}

func readFAQForm(r *http.Request) *form {
	f := newForm()
	for _, k := range faqFields {
		f.Values[k] = strings.ReplaceAll(r.PostFormValue(k), "\r\n", "\n")
	}
	return f
}

// checkFAQ puts the store's problems next to their fields.
func checkFAQ(f *form, in store.FAQInput) {
	for _, pr := range in.Problems() {
		field := pr.Field
		if i := strings.IndexByte(field, '['); i > 0 {
			field = field[:i]
		}
		f.fail(field, "faq_err_"+pr.Code)
	}
}

func (c *Console) renderFAQEdit(w http.ResponseWriter, r *http.Request, status int, title string, f *form, d faqEditData) {
	d.Locales = l10n.Langs
	in := faqInput(f)
	d.Preview = c.preview(in.Locale, in.Answer, in.Source, len(in.Related) > 0)
	p := c.newPage(r, title)
	if f.Values["restored"] == "1" {
		p.Flash = "restore_done"
	}
	p.Form = f
	p.Data = d
	c.renderStatus(w, r, status, "faqedit", p)
}

func (c *Console) faqNewPage(w http.ResponseWriter, r *http.Request) {
	f := newForm()
	f.Values["locale"] = l10n.VI
	if c.restoreForm(r, f) {
		f.Values["restored"] = "1"
	}
	c.renderFAQEdit(w, r, http.StatusOK, "faq_new_title", f, faqEditData{Group: f.V("group")})
}

// inboxGroup finds an inbox group by the hash the inbox page gave it, so
// residents' raw text never travels in a URL or a hidden field.
func (c *Console) inboxGroup(r *http.Request, hash string) (store.UnansweredGroup, bool, error) {
	groups, err := c.d.Store.UnansweredQuestions(r.Context(), store.UnansweredFilter{
		Since: c.d.Now().Add(-inboxDays * 24 * time.Hour), Limit: 1000})
	if err != nil {
		return store.UnansweredGroup{}, false, err
	}
	for _, g := range groups {
		if groupHash(g.Normalized) == hash {
			return g, true, nil
		}
	}
	return store.UnansweredGroup{}, false, nil
}

func groupHash(normalized string) string {
	h := sha256.Sum256([]byte(normalized))
	return hex.EncodeToString(h[:12])
}

// faqCreate makes an entry; with step=start it only opens the editor for an
// inbox group, its questions the residents' own wordings (masked).
func (c *Console) faqCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := readFAQForm(r)
	d := faqEditData{Group: f.V("group")}
	var examples []string
	if d.Group != "" {
		g, ok, err := c.inboxGroup(r, d.Group)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		if !ok {
			c.renderError(w, r, http.StatusNotFound, "faq_group_gone")
			return
		}
		d.Count = g.Count
		raw, err := c.d.Store.UnansweredExamples(ctx, g.Normalized, 20)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		for _, q := range raw {
			examples = append(examples, faq.MaskNumbers(q))
		}
		if r.PostFormValue("step") == "start" {
			f = newForm()
			f.Values["group"] = d.Group
			f.Values["locale"] = g.Locale
			f.Values["questions"] = strings.Join(examples, "\n")
			c.renderFAQEdit(w, r, http.StatusOK, "faq_new_title", f, d)
			return
		}
	}
	in := faqInput(f)
	in.Questions = store.MergeQuestions(in.Questions, examples, store.FAQMaxQuestions)
	checkFAQ(f, in)
	if r.PostFormValue("action") == "preview" || !f.ok() {
		status := http.StatusOK
		if !f.ok() {
			status = http.StatusUnprocessableEntity
		}
		c.renderFAQEdit(w, r, status, "faq_new_title", f, d)
		return
	}
	e, err := c.d.Store.CreateFAQ(ctx, store.StaffActor(who(r).ID, ""), in)
	if errors.Is(err, store.ErrConflict) {
		f.fail("key", "faq_err_key_taken")
		c.renderFAQEdit(w, r, http.StatusUnprocessableEntity, "faq_new_title", f, d)
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.d.Log.Info("console: FAQ entry created", "staff_id", who(r).ID, "key", e.Key, "locale", e.Locale, "from_inbox", d.Group != "")
	c.sessions.Put(ctx, keyFlash, "faq_saved")
	http.Redirect(w, r, Prefix+"faq/"+e.Key+"/"+e.Locale, http.StatusSeeOther)
}

func entryForm(e store.FAQEntry) *form {
	f := newForm()
	f.Values["key"], f.Values["locale"], f.Values["topic"] = e.Key, e.Locale, e.Topic
	f.Values["questions"] = strings.Join(e.Questions, "\n")
	f.Values["answer"], f.Values["source"] = e.Answer, e.Source
	f.Values["related"] = strings.Join(e.Related, " ")
	return f
}

func (c *Console) faqEditPage(w http.ResponseWriter, r *http.Request) {
	e, err := c.d.Store.FAQByKey(r.Context(), r.PathValue("key"), r.PathValue("locale"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	f := entryForm(e)
	if c.restoreForm(r, f) {
		f.Values["restored"] = "1"
		f.Values["key"], f.Values["locale"] = e.Key, e.Locale
	}
	c.renderFAQEdit(w, r, http.StatusOK, "faq_edit_title", f, faqEditData{Entry: &e})
}

func (c *Console) faqUpdate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	e, err := c.d.Store.FAQByKey(ctx, r.PathValue("key"), r.PathValue("locale"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	f := readFAQForm(r)
	f.Values["key"], f.Values["locale"] = e.Key, e.Locale // the entry's identity
	in := faqInput(f)
	checkFAQ(f, in)
	d := faqEditData{Entry: &e}
	if r.PostFormValue("action") == "preview" || !f.ok() {
		status := http.StatusOK
		if !f.ok() {
			status = http.StatusUnprocessableEntity
		}
		c.renderFAQEdit(w, r, status, "faq_edit_title", f, d)
		return
	}
	if _, err := c.d.Store.UpdateFAQ(ctx, store.StaffActor(who(r).ID, ""), e.Key, e.Locale, in); err != nil {
		c.fail(w, r, err)
		return
	}
	c.sessions.Put(ctx, keyFlash, "faq_saved")
	http.Redirect(w, r, Prefix+"faq/"+e.Key+"/"+e.Locale, http.StatusSeeOther)
}

func (c *Console) faqStatus(status string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e, err := c.d.Store.SetFAQStatus(r.Context(), store.StaffActor(who(r).ID, ""), r.PathValue("key"), r.PathValue("locale"), status)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		c.sessions.Put(r.Context(), keyFlash, "faq_now_"+status)
		http.Redirect(w, r, Prefix+"faq/"+e.Key+"/"+e.Locale, http.StatusSeeOther)
	}
}

// faqPreviewFragment is the live preview the editor's script asks for as
// the curator types: the same rendering as the page's own preview.
func (c *Console) faqPreviewFragment(w http.ResponseWriter, r *http.Request) {
	f := readFAQForm(r)
	in := faqInput(f)
	p := c.newPage(r, "faq_edit_title")
	p.Data = faqEditData{Preview: c.preview(in.Locale, in.Answer, in.Source, len(in.Related) > 0)}
	t := c.pages["faqedit"]
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := t.ExecuteTemplate(w, "preview", p); err != nil {
		c.d.Log.Error("console: preview", "err", err)
	}
}

type inboxRow struct {
	Hash      string
	Example   string // masked
	Locale    string
	Count     int
	Fallbacks int
	LastSeen  time.Time
}

type inboxData struct {
	Groups []inboxRow
	Days   int
}

// faqInbox is the unanswered questions of the last 30 days, grouped by
// their normalised text, most asked first, numbers masked.
func (c *Console) faqInbox(w http.ResponseWriter, r *http.Request) {
	groups, err := c.d.Store.UnansweredQuestions(r.Context(), store.UnansweredFilter{
		Since: c.d.Now().Add(-inboxDays * 24 * time.Hour), Limit: inboxGroups})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := inboxData{Days: inboxDays}
	for _, g := range groups {
		d.Groups = append(d.Groups, inboxRow{Hash: groupHash(g.Normalized), Example: faq.MaskNumbers(g.Example), Locale: g.Locale,
			Count: g.Count, Fallbacks: g.Fallbacks, LastSeen: g.LastSeen})
	}
	p := c.newPage(r, "inbox_title")
	p.Data = d
	c.render(w, r, "faqinbox", p)
}
