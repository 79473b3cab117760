package api

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/loa-vn/loa/store"
)

type agencyReq struct {
	Code   string `json:"code"`
	Parent string `json:"parent,omitempty"`
	NameVi string `json:"name_vi"`
	NameEn string `json:"name_en,omitempty"`
	Note   string `json:"note,omitempty"`
}

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func validateAgency(in agencyReq, create bool) error {
	var fe []FieldError
	if create && (!slugRe.MatchString(in.Code) || len(in.Code) > 64) {
		fe = append(fe, FieldError{Path: "code", Message: "lowercase letters, digits and single dashes, at most 64"})
	}
	if n := strings.TrimSpace(in.NameVi); n == "" || len(n) > 300 {
		fe = append(fe, FieldError{Path: "name_vi", Message: "required, at most 300 characters"})
	}
	if len(in.NameEn) > 300 {
		fe = append(fe, FieldError{Path: "name_en", Message: "at most 300 characters"})
	}
	if len(in.Note) > 2000 {
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
	a, err := s.d.Store.UpdateAgency(ctx(r), c.Actor(), r.PathValue("code"), toAgencyInput(in))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func toAgencyInput(in agencyReq) store.AgencyInput {
	return store.AgencyInput{Code: in.Code, ParentCode: in.Parent, NameVi: in.NameVi, NameEn: in.NameEn, Note: in.Note}
}
