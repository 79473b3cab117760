package console

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// The broadcast page: what it says (previews), to whom, when (the next
// three occurrences), what changed since the previous submission, its runs,
// and the steps the staff member may take, each asked of Workflow.Can first.

type viewData struct {
	B           store.BroadcastDraft
	State       string
	Content     messages.Content
	Audience    audienceView
	Schedule    string
	Next        []time.Time
	Previews    previewSet
	Diff        *diffView
	FirstSubmit bool
	Steps       []stepView
	Runs        []store.Run
	Count       string // a count the count link brought back
	Alert       string // message id of a refused step
	CanEdit     bool
	TestLangs   []string
	Author      string
	Approver    string
}

type audienceView struct {
	Localities, Former, Agencies, Languages, Channels []string
	Everyone                                          bool
}

// stepView is one step's button: shown when the staff member's role may
// take it in this state; disabled, with the reason, when the workflow
// would refuse it for another reason (the two-person rule, too late …).
type stepView struct {
	Path, Label string
	Action      broadcast.Action
	Disabled    bool
	Why         string // message id
	Danger      bool
	Reason      bool // asks for a reason (reject)
}

// steps in the order they are offered.
var viewSteps = []struct {
	act    broadcast.Action
	path   string
	danger bool
}{
	{broadcast.Submit, "submit", false},
	{broadcast.Approve, "approve", false},
	{broadcast.Reject, "reject", true},
	{broadcast.ToDraft, "to-draft", false},
	{broadcast.Schedule, "schedule", false},
	{broadcast.Unschedule, "unschedule", false},
	{broadcast.Skip, "skip", false},
	{broadcast.PauseYear, "pause-year", false},
	{broadcast.Uncancel, "uncancel", false},
	{broadcast.Cancel, "cancel", true},
}

// hidden: a refusal that means the step is not for this person or state,
// so no button at all. Everything else shows as a disabled button.
func hidden(err error) bool {
	we, ok := broadcast.ErrorOf(err)
	if !ok {
		return true
	}
	switch we.Code {
	case broadcast.Forbidden, broadcast.OutOfScope, broadcast.NotYearly:
		return true
	case broadcast.WrongState:
		return we.Action != broadcast.PauseYear // "nothing due this year" is worth saying
	}
	return false
}

func (c *Console) broadcastView(w http.ResponseWriter, r *http.Request) {
	b, ok := c.broadcastByPath(w, r)
	if !ok {
		return
	}
	c.renderView(w, r, http.StatusOK, b, nil, "")
}

func (c *Console) renderView(w http.ResponseWriter, r *http.Request, status int, b store.BroadcastDraft, f *form, alert string) {
	ctx := r.Context()
	actor := c.actor(r)
	p := c.newPage(r, "bc_view_title")
	d := viewData{B: b, State: string(broadcast.StateOf(b)), Alert: alert}
	if err := json.Unmarshal(b.Content, &d.Content); err != nil {
		c.fail(w, r, err)
		return
	}
	var aud messages.Audience
	if err := json.Unmarshal(b.Audience, &aud); err != nil {
		c.fail(w, r, err)
		return
	}
	av, err := c.audienceView(r, p, aud)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.Audience = av
	sch := b.Schedule()
	d.Schedule = describeSchedule(p, sch)
	if st := broadcast.StateOf(b); st != broadcast.StateCancelled && st != broadcast.StateFinished {
		after := c.d.Now()
		if b.NextRunAt != nil && b.NextRunAt.After(after) {
			after = b.NextRunAt.Add(-time.Nanosecond) // a skipped or paused occurrence is not next
		}
		d.Next = nextOccurrences(sch, after, 3)
	}
	d.Previews = buildPreviews(p, broadcast.Draft{Content: d.Content, Audience: aud}, "")
	for _, l := range messages.Locales() {
		if _, ok := d.Content.Variants[l]; ok {
			d.TestLangs = append(d.TestLangs, l)
		}
	}
	if d.Diff, d.FirstSubmit, err = c.diffSinceSubmit(r, p, b); err != nil {
		c.fail(w, r, err)
		return
	}
	d.CanEdit = c.d.Workflow.Can(ctx, actor, broadcast.Edit, b) == nil
	for _, s := range viewSteps {
		err := c.d.Workflow.Can(ctx, actor, s.act, b)
		if err != nil && hidden(err) {
			continue
		}
		sv := stepView{Path: s.path, Label: "bc_step_" + string(s.act), Action: s.act, Danger: s.danger, Reason: s.act == broadcast.Reject}
		if err != nil {
			sv.Disabled, sv.Why = true, whyOf(err)
		}
		d.Steps = append(d.Steps, sv)
	}
	if err := c.d.Workflow.Can(ctx, actor, broadcast.TestSend, b); err == nil || !hidden(err) {
		sv := stepView{Path: "test", Label: "bc_step_test_send", Action: broadcast.TestSend}
		if err != nil {
			sv.Disabled, sv.Why = true, whyOf(err)
		}
		d.Steps = append([]stepView{sv}, d.Steps...)
	}
	if d.Runs, err = c.d.Store.RunsOf(ctx, b.ID); err != nil {
		c.fail(w, r, err)
		return
	}
	if n := c.sessions.PopString(ctx, keyCount); n != "" {
		if v, err := strconv.Atoi(n); err == nil {
			d.Count = p.Num(v)
		}
	}
	d.Author = c.staffName(r, b.CreatedBy)
	d.Approver = c.staffName(r, b.ApprovedBy)
	if f == nil {
		f = newForm()
	}
	p.Form = f
	p.Data = d
	c.renderStatus(w, r, status, "broadcast", p)
}

func (c *Console) staffName(r *http.Request, id *int64) string {
	if id == nil {
		return ""
	}
	st, err := c.d.Store.StaffByID(r.Context(), *id)
	if err != nil {
		return "#" + strconv.FormatInt(*id, 10)
	}
	return st.Name
}

// whyOf is the message id saying why a step is refused.
func whyOf(err error) string {
	we, ok := broadcast.ErrorOf(err)
	if !ok {
		return "error_internal"
	}
	if we.Code == broadcast.WrongState && we.Action == broadcast.PauseYear {
		return "why_pause_year_nothing"
	}
	return "why_" + string(we.Code)
}

func (c *Console) audienceView(r *http.Request, p *page, a messages.Audience) (audienceView, error) {
	av := audienceView{Former: a.FormerDistricts}
	for _, code := range a.Localities {
		name := code
		if l, err := c.d.Store.LocalityByCode(r.Context(), code); err == nil {
			name = l.NameVi
		}
		av.Localities = append(av.Localities, name)
	}
	for _, code := range a.Agencies {
		name := code
		if ag, err := c.d.Store.AgencyByCode(r.Context(), code); err == nil {
			name = ag.NameVi
			if p.Lang == "en" && ag.NameEn != "" {
				name = ag.NameEn
			}
		}
		av.Agencies = append(av.Agencies, name)
	}
	for _, l := range a.Languages {
		av.Languages = append(av.Languages, p.T("bc_lang_"+l))
	}
	for _, ch := range a.Channels {
		av.Channels = append(av.Channels, channelLabel(p, ch))
	}
	av.Everyone = len(a.Localities)+len(a.FormerDistricts)+len(a.Agencies)+len(a.Languages)+len(a.Channels) == 0
	return av, nil
}

// broadcastStep takes one workflow step from the broadcast page's buttons.
// The workflow decides; a refusal shows on the page (or as the 403 page
// for a role that may not take it at all).
func (c *Console) broadcastStep(w http.ResponseWriter, r *http.Request) {
	b, ok := c.broadcastByPath(w, r)
	if !ok {
		return
	}
	ctx, actor, wf := r.Context(), c.actor(r), c.d.Workflow
	var err error
	flash := "bc_done_" + r.PathValue("step")
	switch r.PathValue("step") {
	case "submit":
		_, err = wf.Submit(ctx, actor, b.ID)
	case "approve":
		_, err = wf.Approve(ctx, actor, b.ID)
	case "reject":
		_, err = wf.Reject(ctx, actor, b.ID, r.PostFormValue("reason"))
	case "to-draft":
		_, err = wf.ToDraft(ctx, actor, b.ID)
	case "schedule":
		_, err = wf.Schedule(ctx, actor, b.ID, nil)
	case "unschedule":
		_, err = wf.Unschedule(ctx, actor, b.ID)
	case "skip":
		_, err = wf.Skip(ctx, actor, b.ID)
	case "pause-year":
		_, err = wf.PauseYear(ctx, actor, b.ID)
	case "uncancel":
		_, err = wf.Uncancel(ctx, actor, b.ID)
	case "cancel":
		_, err = wf.Cancel(ctx, actor, b.ID)
	case "test":
		_, err = wf.TestSend(ctx, actor, b.ID, r.PostFormValue("test_lang"))
	default:
		c.renderError(w, r, http.StatusNotFound, "error_not_found")
		return
	}
	if err != nil {
		if c.wfRefused(w, r, err) {
			return
		}
		f := newForm()
		f.Values["reason"] = r.PostFormValue("reason")
		if we, ok := broadcast.ErrorOf(err); ok && we.Code == broadcast.Invalid && r.PathValue("step") == "reject" {
			f.fail("reason", "bc_err_reason")
			c.renderView(w, r, http.StatusUnprocessableEntity, b, f, "")
			return
		}
		c.stepRefused(w, r, b, err)
		return
	}
	c.d.Log.Info("console: broadcast step", "staff_id", who(r).ID, "broadcast_id", b.ID, "step", r.PathValue("step"))
	c.sessions.Put(ctx, keyFlash, flash)
	http.Redirect(w, r, Prefix+"broadcasts/"+strconv.FormatInt(b.ID, 10), http.StatusSeeOther)
}

// stepRefused shows the broadcast page again with why the workflow refused.
func (c *Console) stepRefused(w http.ResponseWriter, r *http.Request, b store.BroadcastDraft, err error) {
	we, ok := broadcast.ErrorOf(err)
	if !ok {
		c.fail(w, r, err)
		return
	}
	why := whyOf(err)
	if we.Code == broadcast.Invalid {
		why = "why_not_ready"
		for _, fe := range we.Fields {
			switch fe.Path {
			case "audience":
				why = "bc_err_audience_empty"
			case "schedule.at":
				why = "bc_err_at_past"
			}
		}
	}
	status := http.StatusConflict
	if we.Code == broadcast.Invalid {
		status = http.StatusUnprocessableEntity
	}
	if fresh, gerr := c.d.Workflow.Get(r.Context(), c.actor(r), b.ID); gerr == nil {
		b = fresh
	}
	c.renderView(w, r, status, b, nil, why)
}
