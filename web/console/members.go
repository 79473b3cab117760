package console

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/skip2/go-qrcode"

	"github.com/loa-vn/loa/bot/invite"
	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/members"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// Who may do what on the member pages: the staff API's roles (web/api
// routes.go memberRd and memberMgr); an agency manager is further limited to
// their agency and the agencies below it (store.AgencyWithin, the one scope
// rule the API and the broadcast workflow use too).
var (
	memberReaders  = []string{store.RoleAdmin, store.RoleAgencyManager, store.RoleViewer}
	memberManagers = []string{store.RoleAdmin, store.RoleAgencyManager}
	faqCurators    = []string{store.RoleAdmin, store.RoleEditor}
	admins         = []string{store.RoleAdmin}
)

const memberPageSize = 50

// memberFAQAuditRoutes adds the member, FAQ, audit and queue pages.
func (c *Console) memberFAQAuditRoutes(mux *http.ServeMux) {
	m := Prefix + "members"
	mux.Handle("GET "+m, c.staffOnly(memberReaders, c.agencyList))
	mux.Handle("GET "+m+"/{code}", c.staffOnly(memberReaders, c.withAgency(c.memberList)))
	mux.Handle("GET "+m+"/{code}/import", c.staffOnly(memberManagers, c.withAgency(c.importPage)))
	mux.Handle("POST "+m+"/{code}/import", c.staffOnly(memberManagers, c.withAgency(c.importUpload)))
	mux.Handle("GET "+m+"/{code}/import/{id}", c.staffOnly(memberManagers, c.withAgency(c.importStatus)))
	mux.Handle("POST "+m+"/{code}/import/{id}", c.staffOnly(memberManagers, c.withAgency(c.importStart)))
	mux.Handle("GET "+m+"/{code}/invites", c.staffOnly(memberManagers, c.withAgency(c.inviteList)))
	mux.Handle("POST "+m+"/{code}/invites", c.staffOnly(memberManagers, c.withAgency(c.inviteCreate)))
	mux.Handle("POST "+m+"/{code}/invites/{id}/revoke", c.staffOnly(memberManagers, c.withAgency(c.inviteRevoke)))
	mux.Handle("GET "+m+"/{code}/invites/{id}/qr.png", c.staffOnly(memberManagers, c.withAgency(c.inviteQR)))
	mux.Handle("GET "+m+"/{code}/message", c.staffOnly(memberManagers, c.withAgency(c.messagePage)))
	mux.Handle("POST "+m+"/{code}/message", c.staffOnly(memberManagers, c.withAgency(c.messageCreate)))
	c.faqRoutes(mux)
	mux.Handle("GET "+Prefix+"audit", c.staffOnly(admins, c.auditPage))
	mux.Handle("GET "+Prefix+"queues", c.staffOnly(admins, c.queuesPage))
}

type agencyCtxKey struct{}

func agencyOf(r *http.Request) store.Agency {
	a, _ := r.Context().Value(agencyCtxKey{}).(store.Agency)
	return a
}

// withAgency loads the agency in the path and refuses one outside an
// agency manager's reach with 403, as the API does.
func (c *Console) withAgency(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, err := c.d.Store.AgencyByCode(r.Context(), r.PathValue("code"))
		if err != nil {
			c.fail(w, r, err)
			return
		}
		if st := who(r); st.Role == store.RoleAgencyManager {
			ok := false
			if st.AgencyID != nil {
				if ok, err = c.d.Store.AgencyWithin(r.Context(), *st.AgencyID, a.ID); err != nil {
					c.fail(w, r, err)
					return
				}
			}
			if !ok {
				c.d.Log.Info("console: agency outside scope", "staff_id", st.ID, "agency", a.Code)
				c.renderError(w, r, http.StatusForbidden, "members_outside")
				return
			}
		}
		h(w, r.WithContext(context.WithValue(r.Context(), agencyCtxKey{}, a)))
	}
}

// agencyName is an agency's name in the page's language.
func (p *page) AgencyName(a store.Agency) string {
	if p.Lang == "en" && a.NameEn != "" {
		return a.NameEn
	}
	return a.NameVi
}

type agencyListData struct {
	Agencies []store.Agency
	Manage   bool
}

// agencyList is the agencies whose members the staff member may see: an
// agency manager's own and those below it, everyone's for admins and viewers.
func (c *Console) agencyList(w http.ResponseWriter, r *http.Request) {
	st := who(r)
	var within int64
	if st.Role == store.RoleAgencyManager {
		if st.AgencyID == nil {
			c.renderError(w, r, http.StatusForbidden, "members_outside")
			return
		}
		within = *st.AgencyID
	}
	list, err := c.d.Store.ListAgencies(r.Context(), within)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p := c.newPage(r, "members_title")
	p.Data = agencyListData{Agencies: list, Manage: allowed(memberManagers, st.Role)}
	c.render(w, r, "agencies", p)
}

type memberListData struct {
	Agency    store.Agency
	Page      store.MemberPage
	Next      string
	First     bool
	Status, Q string
	Manage    bool
}

func encodeMemberCursor(cur store.MemberCursor) string {
	b, _ := json.Marshal(cur)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeMemberCursor(v string) (*store.MemberCursor, bool) {
	var cur store.MemberCursor
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) > 1024 || json.Unmarshal(b, &cur) != nil || (cur.Sort != 0 && cur.Sort != 1) || !utf8.ValidString(cur.Name) {
		return nil, false
	}
	return &cur, true
}

// memberList is who is on the agency's list and who has joined, keyset-paged.
func (c *Console) memberList(w http.ResponseWriter, r *http.Request) {
	a := agencyOf(r)
	q := r.URL.Query()
	d := memberListData{Agency: a, Status: q.Get("status"), Q: strings.TrimSpace(q.Get("q")), First: q.Get("after") == "",
		Manage: allowed(memberManagers, who(r).Role)}
	if d.Status != store.MemberJoined && d.Status != store.MemberPending {
		d.Status = ""
	}
	if utf8.RuneCountInString(d.Q) > 200 || !utf8.ValidString(d.Q) || strings.IndexByte(d.Q, 0) >= 0 {
		d.Q = ""
	}
	f := store.MemberFilter{Status: d.Status, Name: d.Q, Limit: memberPageSize}
	if v := q.Get("after"); v != "" {
		cur, ok := decodeMemberCursor(v)
		if !ok {
			c.renderError(w, r, http.StatusBadRequest, "error_not_found")
			return
		}
		f.After = cur
	}
	page, err := c.d.Store.ListMembers(r.Context(), a.ID, f)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.Page = page
	if page.Next != nil {
		d.Next = encodeMemberCursor(*page.Next)
	}
	p := c.newPage(r, "members_list_title")
	p.Data = d
	c.render(w, r, "members", p)
}

// Import -----------------------------------------------------------------------

type importData struct {
	Agency   store.Agency
	Filename string
	Result   members.Result
	Bad      []badLine
	Dry      store.ImportResult
	UploadID int64
	MaxMB    int64
	Job      *importView
}

// badLine is a bad line of the dry run, with its reason in the page's language.
type badLine struct {
	Line          int
	Column, Cause string
}

func (c *Console) importPage(w http.ResponseWriter, r *http.Request) {
	p := c.newPage(r, "import_title")
	p.Form = newForm()
	p.Data = importData{Agency: agencyOf(r), MaxMB: members.MaxCSVBytes >> 20}
	c.render(w, r, "import", p)
}

// importUpload reads the file, checks every line and shows the dry run:
// every bad line with its number and reason (nothing can be imported then),
// or what the import would do, with the button that imports it.
func (c *Console) importUpload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := agencyOf(r)
	p := c.newPage(r, "import_title")
	p.Form = newForm()
	d := importData{Agency: a, MaxMB: members.MaxCSVBytes >> 20}
	p.Data = &d
	r.Body = http.MaxBytesReader(w, r.Body, members.MaxCSVBytes+64<<10)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			p.Form.fail("file", "import_too_large")
		default:
			p.Form.fail("file", "import_file_required")
		}
		c.renderStatus(w, r, http.StatusUnprocessableEntity, "import", p)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, members.MaxCSVBytes+1))
	if err != nil || len(data) > members.MaxCSVBytes {
		p.Form.fail("file", "import_too_large")
		c.renderStatus(w, r, http.StatusRequestEntityTooLarge, "import", p)
		return
	}
	d.Filename = hdr.Filename
	if _, bad := store.InvisibleRune(d.Filename); bad || utf8.RuneCountInString(d.Filename) > 200 || !utf8.ValidString(d.Filename) {
		d.Filename = "members.csv"
	}
	resolve, err := members.NewLocalityResolver(ctx, c.d.Store)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	res, err := members.ParseCSV(data, resolve)
	var fe *members.FileError
	if errors.As(err, &fe) {
		p.Form.fail("file", "import_file_"+fe.Code)
		p.Message = "import_file_" + fe.Code
		p.Form.Values["file_line"] = strconv.Itoa(fe.Line)
		c.renderStatus(w, r, http.StatusUnprocessableEntity, "import", p)
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.Result = res
	for _, b := range res.Bad {
		d.Bad = append(d.Bad, badLine{Line: b.Line, Column: b.Column, Cause: p.T("import_bad_"+b.Code, mapKV(b.Data)...)})
	}
	c.d.Log.Info("console: member import checked", "staff_id", who(r).ID, "agency", a.Code, "lines", res.Total, "bad", len(res.Bad))
	if len(res.Bad) > 0 {
		c.renderStatus(w, r, http.StatusUnprocessableEntity, "importcheck", p)
		return
	}
	sum := sha256.Sum256(data)
	src := store.ImportSource{SHA256: sum[:], Filename: d.Filename, DryRun: true}
	if d.Dry, err = c.d.Store.ImportMembers(ctx, store.StaffActor(who(r).ID, ""), a.ID, c.d.Key, src, res.Rows, nil); err != nil {
		c.fail(w, r, err)
		return
	}
	if d.UploadID, err = c.d.Store.SaveUpload(ctx, who(r).ID, a.ID, d.Filename, data); err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, "importcheck", p)
}

func mapKV(m map[string]any) []any {
	var kv []any
	for k, v := range m {
		kv = append(kv, k, v)
	}
	return kv
}

func (c *Console) uploadByPath(w http.ResponseWriter, r *http.Request) (store.Upload, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		c.renderError(w, r, http.StatusNotFound, "error_not_found")
		return store.Upload{}, false
	}
	u, err := c.d.Store.UploadByID(r.Context(), who(r).ID, id)
	if err == nil && u.AgencyID != agencyOf(r).ID {
		err = store.ErrNotFound
	}
	if err != nil {
		c.fail(w, r, err)
		return u, false
	}
	return u, true
}

// importStart imports a checked upload in the background and sends the
// manager to its status page, which follows the import as it goes.
func (c *Console) importStart(w http.ResponseWriter, r *http.Request) {
	u, ok := c.uploadByPath(w, r)
	if !ok {
		return
	}
	a := agencyOf(r)
	status := Prefix + "members/" + a.Code + "/import/" + strconv.FormatInt(u.ID, 10)
	if err := c.d.Store.StartUpload(r.Context(), who(r).ID, u.ID); err != nil {
		if errors.Is(err, store.ErrConflict) { // a double click: the import is already under way
			http.Redirect(w, r, status, http.StatusSeeOther)
			return
		}
		c.fail(w, r, err)
		return
	}
	job := c.imports.start(u.ID)
	actor := store.StaffActor(who(r).ID, "")
	staffID := who(r).ID
	go c.runImport(job, actor, staffID, a, u)
	http.Redirect(w, r, status, http.StatusSeeOther)
}

// runImport parses the kept file again (the rules may not be skipped by
// an old dry run) and imports it, reporting progress to job.
func (c *Console) runImport(job *importJob, actor store.Actor, staffID int64, a store.Agency, u store.Upload) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	log := c.d.Log.With("staff_id", staffID, "agency", a.Code, "upload_id", u.ID)
	var res store.ImportResult
	err := func() error {
		resolve, err := members.NewLocalityResolver(ctx, c.d.Store)
		if err != nil {
			return err
		}
		parsed, err := members.ParseCSV(u.Data, resolve)
		if err != nil {
			return err
		}
		if len(parsed.Bad) > 0 {
			return errors.New("the file has bad lines")
		}
		job.set(phaseCopy, 0, len(parsed.Rows))
		sum := sha256.Sum256(u.Data)
		res, err = c.d.Store.ImportMembers(ctx, actor, a.ID, c.d.Key, store.ImportSource{SHA256: sum[:], Filename: u.Filename},
			parsed.Rows, func(n int) {
				job.set(phaseCopy, n, len(parsed.Rows))
				if n == len(parsed.Rows) {
					job.set(phaseMerge, n, len(parsed.Rows))
				}
			})
		return err
	}()
	if err != nil {
		log.Error("console: member import", "err", err)
	} else {
		log.Info("console: member import done", "added", res.Added, "updated", res.Updated, "unchanged", res.Unchanged)
	}
	if ferr := c.d.Store.FinishUpload(ctx, u.ID, res, err); ferr != nil {
		log.Error("console: member import result", "err", ferr)
	}
	job.finish()
}

// import phases, as the status page names them.
const (
	phaseCheck = "check"
	phaseCopy  = "copy"
	phaseMerge = "merge"
)

// importJobs is the progress of the imports this process runs. The result
// is in PostgreSQL (store.FinishUpload), so any process can show it; only
// the live count is in memory.
type importJobs struct {
	mu   sync.Mutex
	jobs map[int64]*importJob
}

type importJob struct {
	mu          sync.Mutex
	phase       string
	done, total int
	finished    bool
}

func newImportJobs() *importJobs { return &importJobs{jobs: map[int64]*importJob{}} }

func (j *importJobs) start(id int64) *importJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	job := &importJob{phase: phaseCheck}
	j.jobs[id] = job
	return job
}

func (j *importJobs) get(id int64) *importJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.jobs[id]
}

func (j *importJob) set(phase string, done, total int) {
	j.mu.Lock()
	j.phase, j.done, j.total = phase, done, total
	j.mu.Unlock()
}

func (j *importJob) finish() {
	j.mu.Lock()
	j.finished = true
	j.mu.Unlock()
}

// importView is what the status page shows.
type importView struct {
	Running     bool
	Known       bool // the live count is known (this process runs the import)
	Phase       string
	Done, Total int
	Percent     int
	Result      *store.ImportResult
	Failed      bool
}

// importStatus shows an import: its progress while it runs (the page
// updates itself with a few lines of script, or with its refresh link), then
// what it did.
func (c *Console) importStatus(w http.ResponseWriter, r *http.Request) {
	u, ok := c.uploadByPath(w, r)
	if !ok {
		return
	}
	v := &importView{}
	switch {
	case u.FinishedAt != nil:
		var out struct {
			store.ImportResult
			Error string `json:"error"`
		}
		_ = json.Unmarshal(u.Result, &out)
		v.Failed = out.Error != ""
		v.Result = &out.ImportResult
	case u.StartedAt == nil:
		http.Redirect(w, r, Prefix+"members/"+agencyOf(r).Code+"/import", http.StatusSeeOther)
		return
	default:
		v.Running = true
		if job := c.imports.get(u.ID); job != nil {
			job.mu.Lock()
			v.Known, v.Phase, v.Done, v.Total = true, job.phase, job.done, job.total
			job.mu.Unlock()
			if v.Total > 0 {
				v.Percent = v.Done * 100 / v.Total
			}
		}
	}
	p := c.newPage(r, "import_title")
	p.Data = importData{Agency: agencyOf(r), Filename: u.Filename, UploadID: u.ID, Job: v}
	c.render(w, r, "importjob", p)
}

// Invites -----------------------------------------------------------------------

type inviteRow struct {
	store.Invite
	URL    string
	Active bool
}

type inviteListData struct {
	Agency  store.Agency
	Invites []inviteRow
}

const (
	defaultInviteDays = 30
	maxInviteDays     = 365
)

func (c *Console) inviteList(w http.ResponseWriter, r *http.Request) {
	p := c.newPage(r, "invites_title")
	p.Form = newForm()
	p.Form.Values["days"] = strconv.Itoa(defaultInviteDays)
	c.restoreForm(r, p.Form)
	c.renderInvites(w, r, http.StatusOK, p)
}

func (c *Console) renderInvites(w http.ResponseWriter, r *http.Request, status int, p *page) {
	a := agencyOf(r)
	list, err := c.d.Store.ListInvites(r.Context(), a.ID)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := inviteListData{Agency: a}
	now := c.d.Now()
	for _, inv := range list {
		d.Invites = append(d.Invites, inviteRow{Invite: inv, URL: invite.URL(c.d.Key, c.d.BotUsername, inv.ID, inv.ExpiresAt),
			Active: inv.RevokedAt == nil && inv.ExpiresAt.After(now)})
	}
	p.Data = d
	c.renderStatus(w, r, status, "invites", p)
}

func (c *Console) inviteCreate(w http.ResponseWriter, r *http.Request) {
	p := c.newPage(r, "invites_title")
	p.Form = newForm()
	p.Form.Values["days"] = r.PostFormValue("days")
	days, err := strconv.Atoi(strings.TrimSpace(p.Form.Values["days"]))
	if err != nil || days < 1 || days > maxInviteDays {
		p.Form.fail("days", "invites_days_bad")
		c.renderInvites(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	exp := c.d.Now().Add(time.Duration(days) * 24 * time.Hour).UTC().Truncate(time.Second)
	if _, err := c.d.Store.CreateInvite(r.Context(), store.StaffActor(who(r).ID, ""), agencyOf(r).ID, 0, exp); err != nil {
		c.fail(w, r, err)
		return
	}
	c.sessions.Put(r.Context(), keyFlash, "invites_created")
	http.Redirect(w, r, Prefix+"members/"+agencyOf(r).Code+"/invites", http.StatusSeeOther)
}

func (c *Console) agencyInvite(w http.ResponseWriter, r *http.Request) (store.Invite, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		c.renderError(w, r, http.StatusNotFound, "error_not_found")
		return store.Invite{}, false
	}
	inv, err := c.d.Store.InviteByID(r.Context(), id)
	if err == nil && (inv.AgencyID == nil || *inv.AgencyID != agencyOf(r).ID) {
		err = store.ErrNotFound
	}
	if err != nil {
		c.fail(w, r, err)
		return inv, false
	}
	return inv, true
}

func (c *Console) inviteRevoke(w http.ResponseWriter, r *http.Request) {
	inv, ok := c.agencyInvite(w, r)
	if !ok {
		return
	}
	if _, err := c.d.Store.RevokeInvite(r.Context(), store.StaffActor(who(r).ID, ""), inv.ID); err != nil {
		c.fail(w, r, err)
		return
	}
	c.sessions.Put(r.Context(), keyFlash, "invites_revoked")
	http.Redirect(w, r, Prefix+"members/"+agencyOf(r).Code+"/invites", http.StatusSeeOther)
}

// inviteQR is the invite link as a QR code to print (512 px).
func (c *Console) inviteQR(w http.ResponseWriter, r *http.Request) {
	inv, ok := c.agencyInvite(w, r)
	if !ok {
		return
	}
	if inv.RevokedAt != nil || !inv.ExpiresAt.After(c.d.Now()) {
		c.renderError(w, r, http.StatusGone, "invites_gone")
		return
	}
	png, err := qrcode.Encode(invite.URL(c.d.Key, c.d.BotUsername, inv.ID, inv.ExpiresAt), qrcode.Medium, 512)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = bytes.NewReader(png).WriteTo(w)
}

// Message my members -------------------------------------------------------------

type messageData struct {
	Agency store.Agency
}

func (c *Console) messagePage(w http.ResponseWriter, r *http.Request) {
	p := c.newPage(r, "message_title")
	p.Form = newForm()
	// tomorrow at 08:00, a good hour for a message from an agency
	d := c.d.Now().In(c.d.Timezone).AddDate(0, 0, 1)
	p.Form.Values["at"] = time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, c.d.Timezone).Format(DateLayout)
	if c.restoreForm(r, p.Form) {
		p.Flash = "restore_done"
	}
	p.Data = messageData{Agency: agencyOf(r)}
	c.render(w, r, "message", p)
}

// messageCreate writes a draft to the agency's members through the
// broadcast workflow: the workflow checks the text, the manager's reach and
// binds the broadcast to the agency; it then goes through approval like any other.
func (c *Console) messageCreate(w http.ResponseWriter, r *http.Request) {
	a := agencyOf(r)
	p := c.newPage(r, "message_title")
	p.Form = newForm()
	p.Data = messageData{Agency: a}
	for _, k := range []string{"name", "text_vi", "text_en", "at"} {
		p.Form.Values[k] = r.PostFormValue(k)
	}
	name := strings.TrimSpace(p.Form.Values["name"])
	if name == "" {
		p.Form.fail("name", "message_name_required")
	}
	if strings.TrimSpace(p.Form.Values["text_vi"]) == "" {
		p.Form.fail("text_vi", "message_text_required")
	}
	at, err := time.ParseInLocation(DateLayout, strings.TrimSpace(p.Form.Values["at"]), c.d.Timezone)
	if err != nil {
		p.Form.fail("at", "message_at_bad")
	} else if !at.After(c.d.Now()) {
		p.Form.fail("at", "message_at_past")
	}
	if !p.Form.ok() {
		c.renderStatus(w, r, http.StatusUnprocessableEntity, "message", p)
		return
	}
	content := messages.Content{Variants: map[string]messages.Variant{"vi": {Text: p.Form.Values["text_vi"]}}}
	if t := strings.TrimSpace(p.Form.Values["text_en"]); t != "" {
		content.Variants["en"] = messages.Variant{Text: p.Form.Values["text_en"]}
	}
	b, err := c.d.Workflow.Create(r.Context(), broadcast.StaffActor(who(r), ""), broadcast.Draft{
		Name: name, Content: content, Audience: messages.Audience{Agencies: []string{a.Code}},
		Schedule: messages.Schedule{At: &at, Timezone: c.d.Timezone.String()}})
	if e, ok := broadcast.ErrorOf(err); ok && e.Code == broadcast.Invalid {
		for _, f := range e.Fields {
			field := "name"
			switch {
			case strings.HasPrefix(f.Path, "schedule"):
				field = "at"
			case strings.Contains(f.Path, ".en"):
				field = "text_en"
			case strings.Contains(f.Path, "content"), strings.Contains(f.Path, "variants"):
				field = "text_vi"
			}
			p.Form.fail(field, "message_invalid")
			p.Form.Values[field+"_why"] = f.Message
		}
		c.renderStatus(w, r, http.StatusUnprocessableEntity, "message", p)
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.d.Log.Info("console: member message drafted", "staff_id", who(r).ID, "agency", a.Code, "broadcast_id", b.ID)
	c.sessions.Put(r.Context(), keyFlash, "message_created")
	http.Redirect(w, r, Prefix+"members/"+a.Code, http.StatusSeeOther)
}
