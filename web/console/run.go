package console

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/store"
)

// The run page: a run's counts in total and per channel, failures by
// reason, a chart of messages per minute (SVG drawn here), pause, resume
// and cancel as the workflow allows, and the report. Its live part is a
// fragment the page's script fetches every few seconds while the run is
// going; without the script, a link reloads it.

// chartWindow is how much of a run the chart shows: the last hour.
const chartWindow = time.Hour

func (c *Console) runRoutes(mux *http.ServeMux) {
	base := Prefix + "broadcasts/{id}/runs/{run}"
	mux.Handle("GET "+Prefix+"broadcasts/{id}/run", c.staffOnly(nil, c.latestRun))
	mux.Handle("GET "+base, c.staffOnly(nil, c.runPage))
	mux.Handle("GET "+base+"/live", c.staffOnly(nil, c.runLive))
	mux.Handle("GET "+base+"/report.csv", c.staffOnly(nil, c.runReport))
	mux.Handle("POST "+base+"/{step}", c.staffOnly(nil, c.runStep))
}

type runData struct {
	B        store.BroadcastDraft
	Run      store.Run
	Live     bool // still going: the page polls
	Finished bool
	Totals   []countCell
	Channels []channelRow
	Reasons  []store.ReasonCount
	Chart    template.HTML
	Steps    []stepView
	Alert    string
	Done     int
	Percent  int
}

type countCell struct {
	Status string
	N      int
}

type channelRow struct {
	Channel string
	Cells   []countCell
}

// runStatuses are the columns: pending is waiting or in flight.
var runStatuses = []string{store.DeliverySent, "pending", store.DeliveryBlocked, store.DeliveryFailed,
	store.DeliverySkipped, store.DeliveryUnknown}

func cells(by map[string]int) []countCell {
	out := make([]countCell, 0, len(runStatuses))
	for _, s := range runStatuses {
		n := by[s]
		if s == "pending" {
			n = by[store.DeliveryPending] + by[store.DeliverySending]
		}
		out = append(out, countCell{Status: s, N: n})
	}
	return out
}

func (c *Console) runByPath(w http.ResponseWriter, r *http.Request) (store.BroadcastDraft, store.Run, bool) {
	id, err1 := strconv.ParseInt(r.PathValue("id"), 10, 64)
	runID, err2 := strconv.ParseInt(r.PathValue("run"), 10, 64)
	if err1 != nil || err2 != nil || id <= 0 || runID <= 0 {
		c.renderError(w, r, http.StatusNotFound, "error_not_found")
		return store.BroadcastDraft{}, store.Run{}, false
	}
	b, run, err := c.d.Workflow.Run(r.Context(), c.actor(r), id, runID)
	if err != nil {
		if !c.wfRefused(w, r, err) {
			c.fail(w, r, err)
		}
		return b, run, false
	}
	return b, run, true
}

func (c *Console) latestRun(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		c.renderError(w, r, http.StatusNotFound, "error_not_found")
		return
	}
	_, run, err := c.d.Workflow.Run(r.Context(), c.actor(r), id, 0)
	if err != nil {
		if !c.wfRefused(w, r, err) {
			c.fail(w, r, err)
		}
		return
	}
	http.Redirect(w, r, runURL(run), http.StatusSeeOther)
}

func runURL(run store.Run) string {
	return fmt.Sprintf("%sbroadcasts/%d/runs/%d", Prefix, run.BroadcastID, run.ID)
}

func (c *Console) runData(r *http.Request, p *page, b store.BroadcastDraft, run store.Run) (runData, error) {
	ctx := r.Context()
	_, prog, err := c.d.Workflow.Progress(ctx, c.actor(r), b.ID, run.ID)
	if err != nil {
		return runData{}, err
	}
	run = prog.Run
	d := runData{B: b, Run: run, Totals: cells(prog.ByStatus), Done: prog.Done()}
	d.Live = run.Status == store.RunPlanning || run.Status == store.RunSending || run.Status == store.RunPaused
	d.Finished = run.Status == store.RunDone || run.Status == store.RunCancelled
	if run.Total > 0 {
		d.Percent = d.Done * 100 / run.Total
	}
	chans := make([]string, 0, len(prog.ByChannel))
	for ch := range prog.ByChannel {
		chans = append(chans, ch)
	}
	slices.Sort(chans)
	for _, ch := range chans {
		d.Channels = append(d.Channels, channelRow{Channel: channelLabel(p, ch), Cells: cells(prog.ByChannel[ch])})
	}
	for _, rc := range prog.Reasons {
		if rc.Status != store.DeliverySent && rc.Status != store.DeliveryPending && rc.Status != store.DeliverySending {
			d.Reasons = append(d.Reasons, rc)
		}
	}
	end := c.d.Now()
	if run.FinishedAt != nil {
		end = *run.FinishedAt
	}
	end = end.Truncate(time.Minute).Add(time.Minute)
	start := end.Add(-chartWindow)
	if run.StartedAt != nil && run.StartedAt.After(start) {
		start = run.StartedAt.Truncate(time.Minute)
	}
	if end.Sub(start) < 10*time.Minute {
		start = end.Add(-10 * time.Minute)
	}
	if run.StartedAt != nil {
		mins, err := c.d.Store.RunMinutes(ctx, run.ID, start, end)
		if err != nil {
			return d, err
		}
		d.Chart = minuteChart(p, mins, start, end)
	}
	actor := c.actor(r)
	for _, s := range []struct {
		act  broadcast.Action
		path string
	}{{broadcast.PauseRun, "pause"}, {broadcast.ResumeRun, "resume"}, {broadcast.CancelRun, "cancel"}} {
		err := c.d.Workflow.CanRun(ctx, actor, s.act, b, run)
		if we, ok := broadcast.ErrorOf(err); ok && (we.Code == broadcast.Forbidden || we.Code == broadcast.OutOfScope || we.Code == broadcast.WrongState) {
			continue
		}
		sv := stepView{Path: s.path, Label: "bc_step_" + string(s.act), Action: s.act, Danger: s.act == broadcast.CancelRun}
		if err != nil {
			sv.Disabled, sv.Why = true, whyOf(err)
		}
		d.Steps = append(d.Steps, sv)
	}
	return d, nil
}

func (c *Console) runPage(w http.ResponseWriter, r *http.Request) {
	b, run, ok := c.runByPath(w, r)
	if !ok {
		return
	}
	c.renderRun(w, r, http.StatusOK, b, run, "")
}

func (c *Console) renderRun(w http.ResponseWriter, r *http.Request, status int, b store.BroadcastDraft, run store.Run, alert string) {
	p := c.newPage(r, "run_title")
	d, err := c.runData(r, p, b, run)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.Alert = alert
	p.Data = d
	c.renderStatus(w, r, status, "run", p)
}

// runLive is the page's live part alone, for its script.
func (c *Console) runLive(w http.ResponseWriter, r *http.Request) {
	b, run, ok := c.runByPath(w, r)
	if !ok {
		return
	}
	p := c.newPage(r, "run_title")
	d, err := c.runData(r, p, b, run)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p.Data = d
	c.fragment(w, r, "run", "runlive", p)
}

func (c *Console) runStep(w http.ResponseWriter, r *http.Request) {
	b, run, ok := c.runByPath(w, r)
	if !ok {
		return
	}
	ctx, actor := r.Context(), c.actor(r)
	var err error
	switch r.PathValue("step") {
	case "pause":
		_, err = c.d.Workflow.PauseRun(ctx, actor, b.ID, run.ID)
	case "resume":
		_, err = c.d.Workflow.ResumeRun(ctx, actor, b.ID, run.ID)
	case "cancel":
		_, err = c.d.Workflow.CancelRun(ctx, actor, b.ID, run.ID)
	default:
		c.renderError(w, r, http.StatusNotFound, "error_not_found")
		return
	}
	if err != nil {
		if c.wfRefused(w, r, err) {
			return
		}
		if _, ok := broadcast.ErrorOf(err); !ok {
			c.fail(w, r, err)
			return
		}
		c.renderRun(w, r, http.StatusConflict, b, run, whyOf(err))
		return
	}
	c.d.Log.Info("console: run step", "staff_id", who(r).ID, "run_id", run.ID, "step", r.PathValue("step"))
	c.sessions.Put(ctx, keyFlash, "run_done_"+r.PathValue("step"))
	http.Redirect(w, r, runURL(run), http.StatusSeeOther)
}

// runReport downloads the run's report (the workflow's WriteReport): one
// CSV line per recipient.
func (c *Console) runReport(w http.ResponseWriter, r *http.Request) {
	_, run, ok := c.runByPath(w, r)
	if !ok {
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="loa-run-%d.csv"`, run.ID))
	h.Set("Cache-Control", "no-store")
	if err := c.d.Workflow.WriteReport(r.Context(), run, w); err != nil {
		// the header may be out already: log, and cut the answer short
		c.d.Log.Error("console: report", "staff_id", who(r).ID, "run_id", run.ID, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// minuteChart draws messages per minute from start to end as an SVG bar
// chart, with its numbers in a table for screen readers.
func minuteChart(p *page, mins []store.MinuteCount, start, end time.Time) template.HTML {
	const w, h, left, bottom, top = 640.0, 200.0, 48.0, 28.0, 10.0
	n := int(end.Sub(start) / time.Minute)
	if n <= 0 {
		return ""
	}
	counts := make([]int, n)
	peak := 0
	total := 0
	for _, m := range mins {
		i := int(m.At.Sub(start) / time.Minute)
		if i >= 0 && i < n {
			counts[i] += m.N
			total += m.N
			peak = max(peak, counts[i])
		}
	}
	scale := peak
	if scale == 0 {
		scale = 1
	}
	var b strings.Builder
	title := p.T("run_chart_title")
	desc := p.T("run_chart_desc", "From", p.When(start), "To", p.When(end), "Peak", p.Num(peak), "Total", p.Num(total))
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="none">`, w, h)
	fmt.Fprintf(&b, `<title id="chart-title">%s</title><desc id="chart-desc">%s</desc>`, template.HTMLEscapeString(title), template.HTMLEscapeString(desc))
	plotW, plotH := w-left-8, h-bottom-top
	fmt.Fprintf(&b, `<line class="axis" x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f"/>`, left, h-bottom, w-8, h-bottom)
	fmt.Fprintf(&b, `<line class="axis" x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f"/>`, left, top, left, h-bottom)
	fmt.Fprintf(&b, `<text class="tick" x="%.0f" y="%.0f" text-anchor="end">%s</text>`, left-4, top+10, template.HTMLEscapeString(p.Num(peak)))
	fmt.Fprintf(&b, `<text class="tick" x="%.0f" y="%.0f" text-anchor="end">0</text>`, left-4, h-bottom)
	bw := plotW / float64(n)
	for i, v := range counts {
		if v == 0 {
			continue
		}
		bh := plotH * float64(v) / float64(scale)
		fmt.Fprintf(&b, `<rect class="bar" x="%.2f" y="%.2f" width="%.2f" height="%.2f"><title>%s: %d</title></rect>`,
			left+float64(i)*bw+bw*0.1, h-bottom-bh, bw*0.8, bh, start.Add(time.Duration(i)*time.Minute).In(p.tz).Format("15:04"), v)
	}
	for _, i := range []int{0, n / 2, n - 1} {
		fmt.Fprintf(&b, `<text class="tick" x="%.2f" y="%.0f" text-anchor="middle">%s</text>`, left+float64(i)*bw+bw/2, h-8,
			start.Add(time.Duration(i)*time.Minute).In(p.tz).Format("15:04"))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Num writes a count with the page language's thousands separator.
func (p *page) Num(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := "."
	if p.Lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
