package api

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/loa-vn/loa/store"
)

// agencyReq creates an agency (POST: code and name_vi required) or edits
// one (PUT, with PATCH semantics: an omitted field keeps its value; "parent":
// "" moves the agency to the top level, "note": "" clears the note).
type agencyReq struct {
	Code   string  `json:"code,omitempty" required:"POST"`
	Parent *string `json:"parent,omitempty"`
	NameVi *string `json:"name_vi,omitempty" required:"POST"`
	NameEn *string `json:"name_en,omitempty"`
	Note   *string `json:"note,omitempty"`
}

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func validateAgency(in agencyReq, create bool) error {
	var fe []FieldError
	if create && (!slugRe.MatchString(in.Code) || len(in.Code) > 64) {
		fe = append(fe, FieldError{Path: "code", Message: "lowercase letters, digits and single dashes, at most 64"})
	}
	name := func(path string, v *string, required bool, max int) {
		switch {
		case v == nil && !required:
		case v == nil || (required && strings.TrimSpace(*v) == ""):
			fe = append(fe, FieldError{Path: path, Message: fmt.Sprintf("required, at most %d characters", max)})
		case utf8.RuneCountInString(*v) > max:
			fe = append(fe, FieldError{Path: path, Message: fmt.Sprintf("at most %d characters", max)})
		default:
			if e := nameError(path, *v); e != nil {
				fe = append(fe, *e)
			}
		}
	}
	name("name_vi", in.NameVi, create || in.NameVi != nil, 300)
	name("name_en", in.NameEn, false, 300)
	if in.Note != nil && utf8.RuneCountInString(*in.Note) > 2000 {
		fe = append(fe, FieldError{Path: "note", Message: "at most 2000 characters"})
	}
	if fe != nil {
		return errInvalid("the agency is not valid", fe...)
	}
	return nil
}

// agency loads the agency in the path and checks the caller may reach it:
// an agency manager only their own agency and those below it.
func (s *Server) agency(r *http.Request, c *call) (store.Agency, error) {
	a, err := s.d.Store.AgencyByCode(ctx(r), r.PathValue("code"))
	if err != nil {
		return a, err
	}
	return a, s.checkAgencyScope(r, c, a.ID)
}

func (s *Server) checkAgencyScope(r *http.Request, c *call, agencyID int64) error {
	if c.Staff.Role != store.RoleAgencyManager {
		return nil
	}
	ok, err := s.d.Store.AgencyWithin(ctx(r), *c.Staff.AgencyID, agencyID)
	if err != nil {
		return err
	}
	if !ok {
		return errForbidden("this agency is outside yours")
	}
	return nil
}

func (s *Server) listAgencies(w http.ResponseWriter, r *http.Request, c *call) error {
	var within int64
	if c.Staff.Role == store.RoleAgencyManager {
		within = *c.Staff.AgencyID
	}
	list, err := s.d.Store.ListAgencies(ctx(r), within)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) getAgency(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := s.agency(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) createAgency(w http.ResponseWriter, r *http.Request, c *call) error {
	var in agencyReq
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := validateAgency(in, true); err != nil {
		return err
	}
	a, err := s.d.Store.CreateAgency(ctx(r), c.Actor(), toAgencyInput(in))
	if err != nil {
		if isNotFound(err) {
			return errInvalid("unknown parent", FieldError{Path: "parent", Message: "no agency has this code"})
		}
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) updateAgency(w http.ResponseWriter, r *http.Request, c *call) error {
	var in agencyReq
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Code != "" && in.Code != r.PathValue("code") {
		return errInvalid("the code cannot change", FieldError{Path: "code", Message: "must match the path or be omitted"})
	}
	if err := validateAgency(in, false); err != nil {
		return err
	}
	a, err := s.d.Store.PatchAgency(ctx(r), c.Actor(), r.PathValue("code"),
		store.AgencyPatch{ParentCode: in.Parent, NameVi: in.NameVi, NameEn: in.NameEn, Note: in.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func toAgencyInput(in agencyReq) store.AgencyInput {
	v := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return store.AgencyInput{Code: in.Code, ParentCode: v(in.Parent), NameVi: v(in.NameVi), NameEn: v(in.NameEn), Note: v(in.Note)}
}
