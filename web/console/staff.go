package console

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loa-vn/loa/store"
)

// staffPageSize rows per page of the staff list.
const staffPageSize = 50

func (c *Console) home(w http.ResponseWriter, r *http.Request) {
	p := c.newPage(r, "home_title")
	c.render(w, r, "home", p)
}

// soon is the page of a section that comes in the next step.
func (c *Console) soon(sec section) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := c.newPage(r, sec.label)
		c.render(w, r, "soon", p)
	}
}

type staffListData struct {
	Rows      []store.ConsoleStaff
	NextAfter int64 // 0: no next page
	First     bool
}

// staffList is the admin's list of staff, keyset-paged by id.
func (c *Console) staffList(w http.ResponseWriter, r *http.Request) {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if after < 0 {
		after = 0
	}
	rows, err := c.d.Store.StaffPage(r.Context(), after, staffPageSize+1)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := staffListData{First: after == 0}
	if len(rows) > staffPageSize {
		rows = rows[:staffPageSize]
		d.NextAfter = rows[len(rows)-1].ID
	}
	d.Rows = rows
	p := c.newPage(r, "staff_title")
	p.Data = d
	c.render(w, r, "staff", p)
}

type staffFormData struct {
	Roles    []string
	Agencies []store.Agency
	Staff    *store.ConsoleStaff
	Link     string // a fresh set-password link, shown once
	LinkEnd  string
	Self     bool
}

func (c *Console) staffFormData(r *http.Request) (staffFormData, error) {
	ag, err := c.d.Store.ListAgencies(r.Context(), 0)
	return staffFormData{Roles: store.Roles, Agencies: ag}, err
}

func (c *Console) staffNewPage(w http.ResponseWriter, r *http.Request) {
	d, err := c.staffFormData(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p := c.newPage(r, "staff_new_title")
	p.Form = newForm()
	p.Form.Values["role"] = store.RoleEditor
	p.Data = d
	c.render(w, r, "staffnew", p)
}

// checkRole validates the role and agency fields into f.
func checkRole(f *form, role, agency string, agencies []store.Agency) {
	if !slices.Contains(store.Roles, role) {
		f.fail("role", "staff_role_bad")
	}
	if role == store.RoleAgencyManager {
		if agency == "" {
			f.fail("agency", "staff_agency_required")
		} else if !slices.ContainsFunc(agencies, func(a store.Agency) bool { return a.Code == agency }) {
			f.fail("agency", "staff_agency_bad")
		}
	} else if agency != "" {
		f.fail("agency", "staff_agency_only_managers")
	}
}

// staffCreate invites a staff member: the account and its one-time
// set-password link, shown once on the member's page.
func (c *Console) staffCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d, err := c.staffFormData(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p := c.newPage(r, "staff_new_title")
	p.Data = d
	f := newForm()
	p.Form = f
	for _, k := range []string{"name", "login", "role", "agency"} {
		f.Values[k] = r.PostFormValue(k)
	}
	name := strings.TrimSpace(f.Values["name"])
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		f.fail("name", "staff_name_required")
	case n > 200:
		f.fail("name", "staff_name_long")
	}
	login := strings.TrimSpace(f.Values["login"])
	if login != "" {
		if _, err := store.NormalizeLogin(login); err != nil {
			f.fail("login", "staff_login_bad")
		}
	}
	checkRole(f, f.Values["role"], f.Values["agency"], d.Agencies)
	if !f.ok() {
		c.renderStatus(w, r, http.StatusUnprocessableEntity, "staffnew", p)
		return
	}
	me := who(r)
	st, link, err := c.d.Store.CreateConsoleStaff(ctx, store.StaffActor(me.ID, ""),
		store.NewStaff{Name: name, Role: f.Values["role"], AgencyCode: f.Values["agency"]}, login)
	if errors.Is(err, store.ErrConflict) {
		f.fail("login", "staff_login_taken")
		c.renderStatus(w, r, http.StatusUnprocessableEntity, "staffnew", p)
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.d.Log.Info("console: staff invited", "staff_id", me.ID, "new_staff_id", st.ID)
	c.showLinkOnce(r, link)
	http.Redirect(w, r, Prefix+"staff/"+strconv.FormatInt(st.ID, 10), http.StatusSeeOther)
}

func (c *Console) showLinkOnce(r *http.Request, link store.PasswordLink) {
	c.sessions.Put(r.Context(), keyLink, []string{strconv.FormatInt(link.StaffID, 10),
		SetPasswordURL(c.d.BaseURL, link.Token), strconv.FormatInt(link.ExpiresAt.Unix(), 10)})
}

func (c *Console) staffByPath(w http.ResponseWriter, r *http.Request) (store.ConsoleStaff, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		c.renderError(w, r, http.StatusNotFound, "error_not_found")
		return store.ConsoleStaff{}, false
	}
	rows, err := c.d.Store.StaffPage(r.Context(), id-1, 1)
	if err != nil {
		c.fail(w, r, err)
		return store.ConsoleStaff{}, false
	}
	if len(rows) == 0 || rows[0].ID != id {
		c.renderError(w, r, http.StatusNotFound, "error_not_found")
		return store.ConsoleStaff{}, false
	}
	return rows[0], true
}

func (c *Console) staffEditPage(w http.ResponseWriter, r *http.Request) {
	st, ok := c.staffByPath(w, r)
	if !ok {
		return
	}
	c.renderStaffEdit(w, r, http.StatusOK, st, nil)
}

func (c *Console) renderStaffEdit(w http.ResponseWriter, r *http.Request, status int, st store.ConsoleStaff, f *form) {
	d, err := c.staffFormData(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.Staff = &st
	d.Self = st.ID == who(r).ID
	p := c.newPage(r, "staff_edit_title")
	if v, _ := c.sessions.Get(r.Context(), keyLink).([]string); len(v) == 3 && v[0] == strconv.FormatInt(st.ID, 10) {
		c.sessions.Remove(r.Context(), keyLink)
		d.Link = v[1]
		if sec, err := strconv.ParseInt(v[2], 10, 64); err == nil {
			d.LinkEnd = p.When(time.Unix(sec, 0))
		}
	}
	if f == nil {
		f = newForm()
		f.Values["role"] = st.Role
		if st.AgencyCode != nil {
			f.Values["agency"] = *st.AgencyCode
		}
	}
	p.Form = f
	p.Data = d
	c.renderStatus(w, r, status, "staffedit", p)
}

func (c *Console) staffRole(w http.ResponseWriter, r *http.Request) {
	st, ok := c.staffByPath(w, r)
	if !ok {
		return
	}
	d, err := c.staffFormData(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	f := newForm()
	f.Values["role"], f.Values["agency"] = r.PostFormValue("role"), r.PostFormValue("agency")
	if st.ID == who(r).ID {
		f.fail("role", "staff_not_self")
	}
	checkRole(f, f.Values["role"], f.Values["agency"], d.Agencies)
	if !f.ok() {
		c.renderStaffEdit(w, r, http.StatusUnprocessableEntity, st, f)
		return
	}
	if _, err := c.d.Store.ChangeStaffRole(r.Context(), store.StaffActor(who(r).ID, ""), st.ID, f.Values["role"], f.Values["agency"]); err != nil {
		c.fail(w, r, err)
		return
	}
	c.sessions.Put(r.Context(), keyFlash, "staff_saved")
	http.Redirect(w, r, Prefix+"staff/"+strconv.FormatInt(st.ID, 10), http.StatusSeeOther)
}

func (c *Console) staffDisable(disable bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, ok := c.staffByPath(w, r)
		if !ok {
			return
		}
		if st.ID == who(r).ID {
			f := newForm()
			f.fail("disable", "staff_not_self")
			c.renderStaffEdit(w, r, http.StatusUnprocessableEntity, st, f)
			return
		}
		if _, err := c.d.Store.SetStaffDisabled(r.Context(), store.StaffActor(who(r).ID, ""), st.ID, disable); err != nil {
			c.fail(w, r, err)
			return
		}
		msg := "staff_enabled"
		if disable {
			msg = "staff_disabled"
		}
		c.sessions.Put(r.Context(), keyFlash, msg)
		http.Redirect(w, r, Prefix+"staff/"+strconv.FormatInt(st.ID, 10), http.StatusSeeOther)
	}
}

// staffPasswordLink makes a new set-password link (a forgotten password).
func (c *Console) staffPasswordLink(w http.ResponseWriter, r *http.Request) {
	st, ok := c.staffByPath(w, r)
	if !ok {
		return
	}
	link, err := c.d.Store.CreatePasswordLink(r.Context(), store.StaffActor(who(r).ID, ""), st.ID, "")
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.showLinkOnce(r, link)
	http.Redirect(w, r, Prefix+"staff/"+strconv.FormatInt(st.ID, 10), http.StatusSeeOther)
}
