package api

import (
	"net/http"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/loa-vn/loa/bot/invite"
	"github.com/loa-vn/loa/bot/zalo"
	"github.com/loa-vn/loa/store"
)

type inviteReq struct {
	// ExpiresInDays defaults to 30; at most 365.
	ExpiresInDays int `json:"expires_in_days,omitempty"`
}

type inviteResp struct {
	store.Invite
	URL   string `json:"url"`
	QRURL string `json:"qr_url"`
	// Zalo, when it is on: the bot's zalo.me link (and its QR code) and the
	// text the resident sends the bot there, since a Zalo link carries no
	// start payload (see zalo.Link).
	ZaloURL   string `json:"zalo_url,omitempty"`
	ZaloText  string `json:"zalo_text,omitempty"`
	ZaloQRURL string `json:"zalo_qr_url,omitempty"`
}

const (
	defaultInviteDays = 30
	maxInviteDays     = 365
)

// inviteExpiry reads the optional body; a missing body means the default.
func inviteExpiry(w http.ResponseWriter, r *http.Request, now time.Time) (time.Time, error) {
	var in inviteReq
	if r.ContentLength != 0 || r.Header.Get("Content-Type") != "" {
		if err := decodeJSON(w, r, &in); err != nil {
			return time.Time{}, err
		}
	}
	switch {
	case in.ExpiresInDays == 0:
		in.ExpiresInDays = defaultInviteDays
	case in.ExpiresInDays < 0 || in.ExpiresInDays > maxInviteDays:
		return time.Time{}, errInvalid("bad expiry", FieldError{Path: "expires_in_days", Message: "between 1 and 365"})
	}
	return now.Add(time.Duration(in.ExpiresInDays) * 24 * time.Hour).UTC().Truncate(time.Second), nil
}

// inviteURL is the Telegram deep link. The payload is signed by bot/invite
// (base64url, at most 64 characters, as Telegram requires) and names the
// row, so the same invite always gives the same link and QR code, and
// revoking the row stops the link.
func (s *Server) inviteURL(inv store.Invite) string {
	return invite.URL(s.d.Key, s.d.BotUsername, inv.ID, inv.ExpiresAt)
}

func (s *Server) inviteResp(inv store.Invite) inviteResp {
	qr := "/api/v1/agencies/" + deref(inv.AgencyCode) + "/invites/" + itoa(int(inv.ID)) + "/qr.png"
	if inv.LocalityCode != nil {
		qr = "/api/v1/localities/" + *inv.LocalityCode + "/invites/" + itoa(int(inv.ID)) + "/qr.png"
	}
	resp := inviteResp{Invite: inv, URL: s.inviteURL(inv), QRURL: qr}
	if s.d.ZaloBotID != "" {
		resp.ZaloURL, resp.ZaloQRURL = zalo.Link(s.d.ZaloBotID), qr+"?channel=zalo"
		resp.ZaloText = zalo.InviteText(invite.Sign(s.d.Key, inv.ID, inv.ExpiresAt))
	}
	return resp
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *Server) createAgencyInvite(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := s.agency(r, c)
	if err != nil {
		return err
	}
	exp, err := inviteExpiry(w, r, s.d.Now())
	if err != nil {
		return err
	}
	inv, err := s.d.Store.CreateInvite(ctx(r), c.Actor(), a.ID, 0, exp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.inviteResp(inv))
	return nil
}

func (s *Server) listAgencyInvites(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := s.agency(r, c)
	if err != nil {
		return err
	}
	list, err := s.d.Store.ListInvites(ctx(r), a.ID)
	if err != nil {
		return err
	}
	out := make([]inviteResp, len(list))
	for i, inv := range list {
		out[i] = s.inviteResp(inv)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) createLocalityInvite(w http.ResponseWriter, r *http.Request, c *call) error {
	loc, err := s.d.Store.LocalityByCode(ctx(r), r.PathValue("code"))
	if err != nil {
		return err
	}
	exp, err := inviteExpiry(w, r, s.d.Now())
	if err != nil {
		return err
	}
	inv, err := s.d.Store.CreateInvite(ctx(r), c.Actor(), 0, loc.ID, exp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.inviteResp(inv))
	return nil
}

func (s *Server) revokeAgencyInvite(w http.ResponseWriter, r *http.Request, c *call) error {
	inv, err := s.agencyInvite(r, c)
	if err != nil {
		return err
	}
	inv, err = s.d.Store.RevokeInvite(ctx(r), c.Actor(), inv.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.inviteResp(inv))
	return nil
}

func (s *Server) agencyInviteQR(w http.ResponseWriter, r *http.Request, c *call) error {
	inv, err := s.agencyInvite(r, c)
	if err != nil {
		return err
	}
	return s.writeQR(w, r, inv)
}

// agencyInvite is the invite in the path, which must belong to the agency in
// the path (and that agency to the caller's scope).
func (s *Server) agencyInvite(r *http.Request, c *call) (store.Invite, error) {
	a, err := s.agency(r, c)
	if err != nil {
		return store.Invite{}, err
	}
	inv, err := s.invite(r)
	if err != nil {
		return store.Invite{}, err
	}
	if inv.AgencyID == nil || *inv.AgencyID != a.ID {
		return store.Invite{}, errNotFound("no such invite for this agency")
	}
	return inv, nil
}

func (s *Server) localityInviteQR(w http.ResponseWriter, r *http.Request, _ *call) error {
	inv, err := s.invite(r)
	if err != nil {
		return err
	}
	if inv.LocalityCode == nil || *inv.LocalityCode != r.PathValue("code") {
		return errNotFound("no such invite for this locality")
	}
	return s.writeQR(w, r, inv)
}

func (s *Server) invite(r *http.Request) (store.Invite, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return store.Invite{}, err
	}
	return s.d.Store.InviteByID(ctx(r), id)
}

// writeQR is the invite's QR code: the Telegram deep link, or with
// ?channel=zalo the Zalo bot's link (printed beside the text to send).
func (s *Server) writeQR(w http.ResponseWriter, r *http.Request, inv store.Invite) error {
	if inv.RevokedAt != nil || !inv.ExpiresAt.After(s.d.Now()) {
		return &Error{Status: http.StatusGone, Code: "expired", Message: "this invite has expired or was revoked"}
	}
	link := s.inviteURL(inv)
	switch r.URL.Query().Get("channel") {
	case "", "telegram":
	case "zalo":
		if s.d.ZaloBotID == "" {
			return errNotFound("Zalo is not on")
		}
		link = zalo.Link(s.d.ZaloBotID)
	default:
		return errBadRequest("channel must be telegram or zalo")
	}
	png, err := qrcode.Encode(link, qrcode.Medium, 512)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(png)
	return nil
}
