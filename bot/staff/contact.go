package staff

import (
	"context"
	"errors"

	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/store"
)

// AgencyJoined is an agency whose member list a resident just joined.
type AgencyJoined struct {
	ID     int64
	NameVi string
	NameEn string
}

// Name is the agency's name in lang (Vietnamese when no English name).
func (a AgencyJoined) Name(lang string) string {
	if l10n.Pick(lang) == l10n.EN && a.NameEn != "" {
		return a.NameEn
	}
	return a.NameVi
}

// MatchContact is what the resident bot calls when a resident shares their
// phone through the contact button: the number is normalised to +84..., only
// its keyed hash is kept (on the subscriber and for matching), and the
// resident joins every agency list that imported it. A number that is not a
// Vietnamese mobile is store.ErrInvalid.
func MatchContact(ctx context.Context, st *store.Store, key []byte, subscriberID int64, phone string) ([]AgencyJoined, error) {
	names, err := st.MatchPhone(ctx, key, subscriberID, phone)
	if err != nil {
		return nil, err
	}
	out := make([]AgencyJoined, len(names))
	for i, n := range names {
		out[i] = AgencyJoined{ID: n.ID, NameVi: n.NameVi, NameEn: n.NameEn}
	}
	return out, nil
}

// ContactReply is the message for the resident after MatchContact: the
// agencies joined, none, or an invalid number (err from MatchContact).
func ContactReply(lang string, joined []AgencyJoined, err error) string {
	t := defaultTexts
	switch {
	case errors.Is(err, store.ErrInvalid):
		return t.T(lang, "contact_invalid")
	case err != nil:
		return t.T(lang, "error")
	case len(joined) == 0:
		return t.T(lang, "contact_none")
	}
	names := make([]string, len(joined))
	for i, a := range joined {
		names[i] = a.Name(lang)
	}
	return t.T(lang, "contact_joined", "Agencies", joinNames(names))
}
