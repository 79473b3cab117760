package console

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// The broadcast pages are the console's adapter of package broadcast, as
// web/api is the HTTP API's: each handler reads the form, calls one
// workflow method and shows its answer. Which steps a page offers comes
// from Workflow.Can, and every refusal from the workflow's *Error, so no
// rule about broadcasts lives here.

// broadcastPageSize rows per page of the broadcast list.
const broadcastPageSize = 50

func (c *Console) broadcastRoutes(mux *http.ServeMux) {
	p := "GET " + Prefix + "broadcasts"
	post := "POST " + Prefix + "broadcasts"
	mux.Handle(p, c.staffOnly(nil, c.broadcastList))
	mux.Handle(p+"/new", c.staffOnly(nil, c.broadcastNewPage))
	mux.Handle(post+"/new", c.staffOnly(nil, c.broadcastNew))
	mux.Handle(post+"/preview", c.staffOnly(nil, c.broadcastPreview))
	mux.Handle(post+"/count", c.staffOnly(nil, c.broadcastCount))
	mux.Handle(p+"/{id}", c.staffOnly(nil, c.broadcastView))
	mux.Handle(p+"/{id}/count", c.staffOnly(nil, c.broadcastCountOf))
	mux.Handle(p+"/{id}/edit", c.staffOnly(nil, c.broadcastEditPage))
	mux.Handle(post+"/{id}/edit", c.staffOnly(nil, c.broadcastEdit))
	mux.Handle(post+"/{id}/{step}", c.staffOnly(nil, c.broadcastStep))
	c.runRoutes(mux)
}

// actor is the signed-in staff member as the workflow sees them.
func (c *Console) actor(r *http.Request) broadcast.Actor {
	return broadcast.StaffActor(who(r), "console")
}

// wfRefused shows a workflow refusal that is not about a field: a role or
// scope refusal is the 403 page, a missing broadcast the 404 page.
// It reports whether err was such a refusal (and the page is written).
func (c *Console) wfRefused(w http.ResponseWriter, r *http.Request, err error) bool {
	we, ok := broadcast.ErrorOf(err)
	if !ok {
		return false
	}
	switch we.Code {
	case broadcast.Forbidden, broadcast.OutOfScope:
		c.renderError(w, r, http.StatusForbidden, "error_forbidden")
	case broadcast.NotFound, broadcast.NoRun:
		c.renderError(w, r, http.StatusNotFound, "error_not_found")
	default:
		return false
	}
	return true
}

// broadcastByPath reads the broadcast in the path through the workflow.
func (c *Console) broadcastByPath(w http.ResponseWriter, r *http.Request) (store.BroadcastDraft, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		c.renderError(w, r, http.StatusNotFound, "error_not_found")
		return store.BroadcastDraft{}, false
	}
	b, err := c.d.Workflow.Get(r.Context(), c.actor(r), id)
	if err != nil {
		if !c.wfRefused(w, r, err) {
			c.fail(w, r, err)
		}
		return b, false
	}
	return b, true
}

// ---- the list ----

type listData struct {
	Rows      []listRow
	Status    string
	Tabs      []listTab
	NextAfter int64
	First     bool
	CanCreate bool
}

type listRow struct {
	B     store.BroadcastDraft
	State string
	When  string // the schedule, described
}

type listTab struct {
	Status, Label string
	Current       bool
}

var listStatuses = []string{"", store.BroadcastSubmitted, store.BroadcastDraftStatus, store.BroadcastApproved,
	store.BroadcastCancelled, store.BroadcastFinished}

// broadcastList is the broadcasts the staff member may see, newest first,
// keyset-paged by id; ?status=submitted is what waits for approval.
func (c *Console) broadcastList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status := q.Get("status")
	if !slices.Contains(listStatuses, status) {
		status = ""
	}
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	if before < 0 {
		before = 0
	}
	actor := c.actor(r)
	rows, err := c.d.Workflow.ListPage(r.Context(), actor, broadcast.Page{Status: status, BeforeID: before, Limit: broadcastPageSize + 1})
	if err != nil {
		if !c.wfRefused(w, r, err) {
			c.fail(w, r, err)
		}
		return
	}
	p := c.newPage(r, "nav_broadcasts")
	d := listData{Status: status, First: before == 0, CanCreate: actor.May(broadcast.Create)}
	if len(rows) > broadcastPageSize {
		rows = rows[:broadcastPageSize]
		d.NextAfter = rows[len(rows)-1].ID
	}
	for _, b := range rows {
		d.Rows = append(d.Rows, listRow{B: b, State: string(broadcast.StateOf(b)), When: describeSchedule(p, b.Schedule())})
	}
	for _, s := range listStatuses {
		d.Tabs = append(d.Tabs, listTab{Status: s, Label: "bc_tab_" + orAll(s), Current: s == status})
	}
	p.Data = d
	c.render(w, r, "broadcasts", p)
}

func orAll(s string) string {
	if s == "" {
		return "all"
	}
	return s
}

// describeSchedule writes a schedule for people: "10/10/2026 08:00" or
// "every year on 10/10 at 08:00", in the console's zone.
func describeSchedule(p *page, s messages.Schedule) string {
	switch {
	case s.At != nil:
		return p.T("bc_sched_once_at", "At", p.When(*s.At))
	case s.Yearly != nil:
		y := s.Yearly
		return p.T("bc_sched_yearly_at", "Day", twoDigits(y.Day)+"/"+twoDigits(y.Month), "Time", twoDigits(y.Hour)+":"+twoDigits(y.Minute))
	}
	return p.T("bc_sched_none")
}

func twoDigits(n int) string {
	if n >= 0 && n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// nextOccurrences lists up to n send times after now.
func nextOccurrences(s messages.Schedule, now time.Time, n int) []time.Time {
	var out []time.Time
	t := now
	for len(out) < n {
		next, ok := s.Next(t)
		if !ok {
			break
		}
		out = append(out, next)
		if s.Yearly == nil {
			break
		}
		t = next
	}
	return out
}

// ---- the editor ----

// editorData is the editor page: the form's choices, the count and the previews.
type editorData struct {
	ID         int64
	Found      []choice // localities found by the place search
	Searched   bool
	Localities []choice // chosen localities
	Former     []choice // former districts (written through the API or a campaign file)
	Agencies   []choice
	Languages  []choice
	Channels   []choice
	Count      int
	Counted    bool
	Previews   previewSet
	CanTest    bool
}

type choice struct {
	Value, Label, Note string
	Checked            bool
}

// draftForm is the editor's fields as typed, with the draft they make.
type draftForm struct {
	f     *form
	draft broadcast.Draft
	multi map[string][]string // locality, former, agency, lang, channel
}

var variantFields = []string{"text", "photo_url", "button_text", "button_url"}

// readDraftForm reads the editor form. Fields it cannot read at all (a date
// it cannot parse) get their error here; everything else is the workflow's
// to judge.
func (c *Console) readDraftForm(r *http.Request) draftForm {
	_ = r.ParseForm()
	f := newForm()
	df := draftForm{f: f, multi: map[string][]string{}}
	for _, k := range []string{"name", "split", "sched", "at", "yday", "ymonth", "ytime", "place", "preview_name", "test_lang"} {
		f.Values[k] = r.PostFormValue(k)
	}
	for _, lang := range messages.Locales() {
		for _, k := range variantFields {
			f.Values[k+"_"+lang] = r.PostFormValue(k + "_" + lang)
		}
	}
	for _, k := range []string{"locality", "former", "agency", "lang", "channel"} {
		for _, v := range r.PostForm[k] {
			if v = strings.TrimSpace(v); v != "" && !slices.Contains(df.multi[k], v) {
				df.multi[k] = append(df.multi[k], v)
			}
		}
	}
	d := broadcast.Draft{Name: f.Values["name"], Content: messages.Content{Variants: map[string]messages.Variant{}, Split: f.Values["split"] != ""}}
	for _, lang := range messages.Locales() {
		v := messages.Variant{Text: f.Values["text_"+lang], PhotoURL: strings.TrimSpace(f.Values["photo_url_"+lang]),
			ButtonText: f.Values["button_text_"+lang], ButtonURL: strings.TrimSpace(f.Values["button_url_"+lang])}
		if lang == messages.LocaleVI || strings.TrimSpace(v.Text) != "" || v.PhotoURL != "" || v.ButtonText != "" || v.ButtonURL != "" {
			d.Content.Variants[lang] = v
		}
	}
	d.Audience = messages.Audience{Localities: df.multi["locality"], FormerDistricts: df.multi["former"],
		Agencies: df.multi["agency"], Languages: df.multi["lang"], Channels: df.multi["channel"]}
	d.Schedule = messages.Schedule{Timezone: messages.DefaultTimezone}
	switch f.Values["sched"] {
	case "yearly":
		y := &messages.Yearly{}
		var err error
		if y.Day, err = strconv.Atoi(strings.TrimSpace(f.Values["yday"])); err != nil {
			f.fail("yday", "bc_err_number")
		}
		if y.Month, err = strconv.Atoi(strings.TrimSpace(f.Values["ymonth"])); err != nil {
			f.fail("ymonth", "bc_err_number")
		}
		if t, err := time.Parse("15:04", strings.TrimSpace(f.Values["ytime"])); err != nil {
			f.fail("ytime", "bc_err_time")
		} else {
			y.Hour, y.Minute = t.Hour(), t.Minute()
		}
		d.Schedule.Yearly = y
	default:
		f.Values["sched"] = "once"
		if at := strings.TrimSpace(f.Values["at"]); at == "" {
			f.fail("at", "bc_err_at_required")
		} else if t, err := time.ParseInLocation(DateLayout, at, c.d.Timezone); err != nil {
			f.fail("at", "bc_err_at_format")
		} else {
			d.Schedule.At = &t
		}
	}
	df.draft = d
	return df
}

// formOf fills the editor form from a stored broadcast.
func (c *Console) formOf(b store.BroadcastDraft) (draftForm, error) {
	f := newForm()
	df := draftForm{f: f, multi: map[string][]string{}}
	var content messages.Content
	var aud messages.Audience
	if err := json.Unmarshal(b.Content, &content); err != nil {
		return df, err
	}
	if err := json.Unmarshal(b.Audience, &aud); err != nil {
		return df, err
	}
	f.Values["name"] = b.Name
	if content.Split {
		f.Values["split"] = "on"
	}
	for lang, v := range content.Variants {
		f.Values["text_"+lang], f.Values["photo_url_"+lang] = v.Text, v.PhotoURL
		f.Values["button_text_"+lang], f.Values["button_url_"+lang] = v.ButtonText, v.ButtonURL
	}
	df.multi = map[string][]string{"locality": aud.Localities, "former": aud.FormerDistricts, "agency": aud.Agencies,
		"lang": aud.Languages, "channel": aud.Channels}
	s := b.Schedule()
	switch {
	case s.Yearly != nil:
		f.Values["sched"] = "yearly"
		f.Values["yday"], f.Values["ymonth"] = strconv.Itoa(s.Yearly.Day), strconv.Itoa(s.Yearly.Month)
		f.Values["ytime"] = twoDigits(s.Yearly.Hour) + ":" + twoDigits(s.Yearly.Minute)
	default:
		f.Values["sched"] = "once"
		if s.At != nil {
			f.Values["at"] = s.At.In(c.d.Timezone).Format(DateLayout)
		}
	}
	df.draft = broadcast.Draft{Name: b.Name, Content: content, Audience: aud, Schedule: s}
	return df, nil
}

// editorPage builds the editor's data around a form.
func (c *Console) editorPage(ctx context.Context, p *page, df draftForm, id int64) (*editorData, error) {
	d := &editorData{ID: id}
	for _, code := range df.multi["locality"] {
		label := code
		if l, err := c.d.Store.LocalityByCode(ctx, code); err == nil {
			label = l.NameVi
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		d.Localities = append(d.Localities, choice{Value: code, Label: label, Checked: true})
	}
	for _, code := range df.multi["former"] {
		d.Former = append(d.Former, choice{Value: code, Label: code, Checked: true})
	}
	if q := strings.TrimSpace(df.f.V("place")); q != "" {
		d.Searched = true
		found, err := c.d.Store.SearchLocalities(ctx, q, 8)
		if err != nil && !errors.Is(err, store.ErrInvalid) {
			return nil, err
		}
		for _, m := range found {
			if slices.Contains(df.multi["locality"], m.Code) {
				continue
			}
			ch := choice{Value: m.Code, Label: m.NameVi}
			switch m.Via {
			case store.ViaFormerUnit:
				ch.Note = p.T("bc_place_via_ward", "Name", m.Matched)
			case store.ViaFormerDistrict:
				ch.Note = p.T("bc_place_via_district", "Name", m.Matched)
			}
			d.Found = append(d.Found, ch)
		}
	}
	ags, err := c.d.Store.ListAgencies(ctx, 0)
	if err != nil {
		return nil, err
	}
	for _, a := range ags {
		label := a.NameVi
		if p.Lang == "en" && a.NameEn != "" {
			label = a.NameEn
		}
		d.Agencies = append(d.Agencies, choice{Value: a.Code, Label: label, Note: a.Code, Checked: slices.Contains(df.multi["agency"], a.Code)})
	}
	for _, l := range messages.Locales() {
		d.Languages = append(d.Languages, choice{Value: l, Label: p.T("bc_lang_" + l), Checked: slices.Contains(df.multi["lang"], l)})
	}
	for _, ch := range messages.ChannelNames() {
		d.Channels = append(d.Channels, choice{Value: ch, Label: channelLabel(p, ch), Checked: slices.Contains(df.multi["channel"], ch)})
	}
	d.Previews = buildPreviews(p, df.draft, df.f.V("preview_name"))
	return d, nil
}

// channelLabel names a channel: "Telegram", "Zalo", else its name.
func channelLabel(p *page, ch string) string {
	id := "bc_channel_" + ch
	if p.cat.Has(p.Lang, id) {
		return p.T(id)
	}
	return ch
}

func (c *Console) broadcastNewPage(w http.ResponseWriter, r *http.Request) {
	if !c.actor(r).May(broadcast.Create) {
		c.renderError(w, r, http.StatusForbidden, "error_forbidden")
		return
	}
	p := c.newPage(r, "bc_new_title")
	df := draftForm{f: newForm(), multi: map[string][]string{}}
	df.f.Values["sched"] = "once"
	df.draft = broadcast.Draft{Content: messages.Content{Variants: map[string]messages.Variant{}}}
	c.renderEditor(w, r, http.StatusOK, p, df, 0)
}

func (c *Console) renderEditor(w http.ResponseWriter, r *http.Request, status int, p *page, df draftForm, id int64) {
	d, err := c.editorPage(r.Context(), p, df, id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if df.f.V("action") == "count" || r.PostFormValue("action") == "count" {
		if n, err := c.d.Workflow.CountAudience(r.Context(), c.actor(r), df.draft.Audience); err == nil {
			d.Count, d.Counted = n, true
		} else if !c.fieldErrors(df.f, err) {
			c.fail(w, r, err)
			return
		}
	}
	p.Form = df.f
	p.Data = d
	c.renderStatus(w, r, status, "broadcastedit", p)
}

func (c *Console) broadcastNew(w http.ResponseWriter, r *http.Request) {
	if !c.actor(r).May(broadcast.Create) {
		c.renderError(w, r, http.StatusForbidden, "error_forbidden")
		return
	}
	c.saveDraft(w, r, 0)
}

func (c *Console) broadcastEditPage(w http.ResponseWriter, r *http.Request) {
	b, ok := c.broadcastByPath(w, r)
	if !ok {
		return
	}
	if err := c.d.Workflow.Can(r.Context(), c.actor(r), broadcast.Edit, b); err != nil {
		if !c.wfRefused(w, r, err) {
			c.stepRefused(w, r, b, err)
		}
		return
	}
	df, err := c.formOf(b)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p := c.newPage(r, "bc_edit_title")
	c.renderEditor(w, r, http.StatusOK, p, df, b.ID)
}

func (c *Console) broadcastEdit(w http.ResponseWriter, r *http.Request) {
	b, ok := c.broadcastByPath(w, r)
	if !ok {
		return
	}
	c.saveDraft(w, r, b.ID)
}

// saveDraft serves the editor's buttons: find a place, count, preview, or
// save (create or edit through the workflow).
func (c *Console) saveDraft(w http.ResponseWriter, r *http.Request, id int64) {
	df := c.readDraftForm(r)
	title := "bc_new_title"
	if id != 0 {
		title = "bc_edit_title"
	}
	p := c.newPage(r, title)
	action := r.PostFormValue("action")
	if action != "save" {
		// find, count, preview: the same form back, nothing stored, no
		// errors yet for what the author has not finished
		df.f.Errors = map[string]string{}
		c.renderEditor(w, r, http.StatusOK, p, df, id)
		return
	}
	{
		// Fields the console could not read are already marked; the
		// workflow still judges everything else, so every mistake shows at
		// once. An unread schedule is sent as none, which it always refuses.
		parsed := df.f.ok()
		if !parsed {
			df.draft.Schedule = messages.Schedule{Timezone: messages.DefaultTimezone}
		}
		var b store.BroadcastDraft
		var err error
		if id == 0 {
			b, err = c.d.Workflow.Create(r.Context(), c.actor(r), df.draft)
		} else {
			b, err = c.d.Workflow.Edit(r.Context(), c.actor(r), id, df.draft)
		}
		if err == nil && !parsed {
			c.fail(w, r, errors.New("console: the workflow accepted a draft without a schedule"))
			return
		}
		if err == nil {
			c.d.Log.Info("console: broadcast saved", "staff_id", who(r).ID, "broadcast_id", b.ID)
			c.sessions.Put(r.Context(), keyFlash, "bc_saved")
			http.Redirect(w, r, Prefix+"broadcasts/"+strconv.FormatInt(b.ID, 10), http.StatusSeeOther)
			return
		}
		if !c.fieldErrors(df.f, err) {
			if !c.wfRefused(w, r, err) {
				if we, ok := broadcast.ErrorOf(err); ok {
					df.f.fail("form", "why_"+string(we.Code))
				} else {
					c.fail(w, r, err)
					return
				}
			} else {
				return
			}
		}
	}
	c.renderEditor(w, r, http.StatusUnprocessableEntity, p, df, id)
}

// fieldErrors puts an Invalid refusal's fields next to the editor's
// fields, in the page's language; false if err is not one.
func (c *Console) fieldErrors(f *form, err error) bool {
	we, ok := broadcast.ErrorOf(err)
	if !ok || we.Code != broadcast.Invalid {
		return false
	}
	scheduleMarked := f.E("at") != "" || f.E("yday") != "" || f.E("ymonth") != "" || f.E("ytime") != ""
	for _, fe := range we.Fields {
		if scheduleMarked && strings.HasPrefix(fe.Path, "schedule") {
			continue // the console already said what it could not read
		}
		field, msg := fieldOf(f, fe)
		f.fail(field, msg)
	}
	if len(we.Fields) == 0 {
		f.fail("form", "why_invalid")
	}
	return true
}

// fieldOf maps a workflow field path (content.variants.vi.text,
// audience.localities, schedule.at …) to the editor's field and a message
// id. The workflow decided the field is wrong; the message says how,
// reading the field again with messages' own functions where one path has
// several causes.
func fieldOf(f *form, fe messages.FieldError) (string, string) {
	path := strings.TrimPrefix(fe.Path, "content.")
	switch {
	case path == "name":
		return "name", "bc_err_name"
	case path == "variants.vi":
		return "text_vi", "bc_err_text_empty"
	case strings.HasPrefix(path, "variants."):
		rest := strings.TrimPrefix(path, "variants.")
		lang, field, _ := strings.Cut(rest, ".")
		if field == "" {
			field = "text"
		}
		name := field + "_" + lang
		switch field {
		case "text":
			return name, textProblem(f, lang)
		case "photo_url":
			return name, "bc_err_photo_url"
		case "button_text":
			return name, "bc_err_button_text"
		case "button_url":
			if strings.TrimSpace(f.V(name)) == "" {
				return name, "bc_err_button_url_missing"
			}
			return name, "bc_err_button_url"
		}
		return name, "why_invalid"
	case path == "schedule.at":
		if strings.Contains(fe.Message, "past") {
			return "at", "bc_err_at_past"
		}
		return "at", "bc_err_at_format"
	case path == "schedule.yearly.day":
		return "yday", "bc_err_yday"
	case path == "schedule.yearly.month":
		return "ymonth", "bc_err_ymonth"
	case strings.HasPrefix(path, "schedule.yearly"):
		return "ytime", "bc_err_time"
	case strings.HasPrefix(path, "schedule"):
		return "sched", "bc_err_schedule"
	case path == "audience":
		return "audience", "bc_err_audience_empty"
	case strings.HasPrefix(path, "audience.agencies"):
		return "agency", "bc_err_agency"
	case strings.HasPrefix(path, "audience."):
		return "audience", "bc_err_audience_code"
	case path == "reason":
		return "reason", "bc_err_reason"
	}
	return "form", "why_invalid"
}

// textProblem says which of a text's problems the workflow found, reading
// the text again with the parser the workflow used.
func textProblem(f *form, lang string) string {
	text := f.V("text_" + lang)
	switch {
	case strings.TrimSpace(text) == "":
		return "bc_err_text_empty"
	case !validHTML(text):
		return "bc_err_text_html"
	case strings.TrimSpace(f.V("photo_url_"+lang)) != "":
		return "bc_err_text_caption"
	case f.V("split") != "":
		return "bc_err_text_parts"
	}
	return "bc_err_text_long"
}

// broadcastPreview is the previews alone, for the editor's script.
func (c *Console) broadcastPreview(w http.ResponseWriter, r *http.Request) {
	df := c.readDraftForm(r)
	p := c.newPage(r, "bc_new_title")
	p.Data = buildPreviews(p, df.draft, df.f.V("preview_name"))
	c.fragment(w, r, "broadcastedit", "previews", p)
}

// broadcastCount is the exact count of the audience chosen, for the
// editor's script (without it, the count button reloads the form).
func (c *Console) broadcastCount(w http.ResponseWriter, r *http.Request) {
	df := c.readDraftForm(r)
	p := c.newPage(r, "bc_new_title")
	n, err := c.d.Workflow.CountAudience(r.Context(), c.actor(r), df.draft.Audience)
	if err != nil {
		if we, ok := broadcast.ErrorOf(err); ok {
			p.Message = "why_" + string(we.Code)
		} else {
			c.d.Log.Error("console: count", "staff_id", who(r).ID, "err", err)
			p.Message = "error_internal"
		}
	}
	p.Data = n
	c.fragment(w, r, "broadcastedit", "count", p)
}

// broadcastCountOf counts a stored broadcast's audience (the view page
// loads it apart: counting a million subscribers is the slow part).
func (c *Console) broadcastCountOf(w http.ResponseWriter, r *http.Request) {
	b, ok := c.broadcastByPath(w, r)
	if !ok {
		return
	}
	p := c.newPage(r, "bc_view_title")
	n, err := c.d.Workflow.CountOf(r.Context(), c.actor(r), b.ID)
	if err != nil {
		if c.wfRefused(w, r, err) {
			return
		}
		c.fail(w, r, err)
		return
	}
	p.Data = n
	if r.URL.Query().Get("fragment") == "1" {
		c.fragment(w, r, "broadcastedit", "count", p)
		return
	}
	c.sessions.Put(r.Context(), keyCount, strconv.Itoa(n))
	http.Redirect(w, r, Prefix+"broadcasts/"+strconv.FormatInt(b.ID, 10)+"#audience", http.StatusSeeOther)
}

// keyCount carries a count from the count link to the page it returns to.
const keyCount = "bc_count"

// fragment renders one template of a page alone (for a script to put in place).
func (c *Console) fragment(w http.ResponseWriter, r *http.Request, pageName, name string, p *page) {
	t, ok := c.pages[pageName]
	if !ok {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf strings.Builder
	if err := t.ExecuteTemplate(&buf, name, p); err != nil {
		c.d.Log.Error("console: fragment", "name", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(buf.String()))
}

// With is the page with other data, for a partial template.
func (p *page) With(data any) *page {
	q := *p
	q.Data = data
	return &q
}

// List makes a list in a template.
func (p *page) List(v ...string) []string { return v }
