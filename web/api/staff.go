package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/loa-vn/loa/store"
)

type staffReq struct {
	Name   string `json:"name" required:"true"`
	Role   string `json:"role" required:"true"`
	Agency string `json:"agency,omitempty"` // agency code, agency managers only
}

type staffCreated struct {
	Staff store.Staff `json:"staff"`
	// Token is shown once; only its hash is stored.
	Token string `json:"token"`
}

type tokenResp struct {
	Token string `json:"token"`
}

type revokedResp struct {
	Revoked int `json:"revoked"`
}

type linkCodeResp struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
	// Command is what to send the bot: /link <code>.
	Command string `json:"command"`
}

func (s *Server) getMe(w http.ResponseWriter, _ *http.Request, c *call) error {
	writeJSON(w, http.StatusOK, c.Staff)
	return nil
}

func (s *Server) postLinkCode(w http.ResponseWriter, r *http.Request, c *call) error {
	code, exp, err := s.d.Store.CreateLinkCode(ctx(r), c.Actor(), c.Staff.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, linkCodeResp{Code: code, ExpiresAt: exp, Command: "/link " + code})
	return nil
}

func (s *Server) listStaff(w http.ResponseWriter, r *http.Request, _ *call) error {
	list, err := s.d.Store.ListStaff(ctx(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// validateStaff checks a new staff member's fields with messages per field.
func validateStaff(in staffReq) error {
	var fe []FieldError
	if n := strings.TrimSpace(in.Name); n == "" || len(n) > 200 {
		fe = append(fe, FieldError{Path: "name", Message: "required, at most 200 characters"})
	} else if e := nameError("name", in.Name); e != nil {
		fe = append(fe, *e)
	}
	if !slices.Contains(store.Roles, in.Role) {
		fe = append(fe, FieldError{Path: "role", Message: "must be one of " + strings.Join(store.Roles, ", ")})
	}
	if in.Role == store.RoleAgencyManager && in.Agency == "" {
		fe = append(fe, FieldError{Path: "agency", Message: "an agency manager needs the code of their agency"})
	}
	if in.Role != store.RoleAgencyManager && in.Agency != "" {
		fe = append(fe, FieldError{Path: "agency", Message: "only agency managers belong to an agency"})
	}
	if fe != nil {
		return errInvalid("the staff member is not valid", fe...)
	}
	return nil
}

func (s *Server) createStaff(w http.ResponseWriter, r *http.Request, c *call) error {
	var in staffReq
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := validateStaff(in); err != nil {
		return err
	}
	st, token, err := s.d.Store.CreateStaff(ctx(r), c.Actor(), store.NewStaff{Name: in.Name, Role: in.Role, AgencyCode: in.Agency})
	if err != nil {
		if isNotFound(err) {
			return errInvalid("unknown agency", FieldError{Path: "agency", Message: "no agency has this code"})
		}
		return err
	}
	writeJSON(w, http.StatusCreated, staffCreated{Staff: st, Token: token})
	return nil
}

func (s *Server) disableStaff(disabled bool) handler {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if id == c.Staff.ID && disabled {
			return errInvalid("you cannot disable yourself; ask another admin")
		}
		st, err := s.d.Store.SetStaffDisabled(ctx(r), c.Actor(), id, disabled)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, st)
		return nil
	}
}

func (s *Server) issueToken(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tok, err := s.d.Store.IssueToken(ctx(r), c.Actor(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, tokenResp{Token: tok})
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, c *call) error {
	n, err := s.d.Store.RevokeTokens(ctx(r), c.Actor(), r.PathValue("prefix"), 0)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, revokedResp{Revoked: n})
	return nil
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, _ *call) error {
	q := r.URL.Query()
	before, err := queryInt(r, "before_id", 0)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 100)
	if err != nil {
		return err
	}
	list, err := s.d.Store.ListAudit(ctx(r), store.AuditFilter{Action: q.Get("action"), ObjectType: q.Get("object_type"),
		ObjectID: q.Get("object_id"), BeforeID: int64(before), Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}
