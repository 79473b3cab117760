// Package invite signs and checks the payloads of invite links
// (t.me/<bot>?start=<payload>). Telegram allows at most 64 characters of
// A-Z a-z 0-9 _ -, so a payload is base64url of a compact binary record and a
// truncated HMAC-SHA256. The record names a row of the invites table, so the
// bot can refuse a link staff revoked; the signature keeps anyone from
// walking the ids.
package invite

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"net/url"
	"time"
)

// Errors Verify returns; the bot turns each into its own message.
var (
	ErrInvalid = errors.New("invite: invalid payload")
	ErrExpired = errors.New("invite: expired")
)

// Invite is a verified payload: the invites row it names and its expiry.
type Invite struct {
	ID      int64
	Expires time.Time
}

const (
	version = 2
	kind    = 'i' // an invites row
	macLen  = 12  // 96 bits: forging by guessing is out of reach
	// MaxLen is Telegram's limit on a start parameter.
	MaxLen = 64
)

// Sign makes a payload for the invites row id, valid until expires.
func Sign(key []byte, id int64, expires time.Time) string {
	rec := make([]byte, 0, 2+2*binary.MaxVarintLen64+macLen)
	rec = append(rec, version, kind)
	rec = binary.AppendUvarint(rec, uint64(id))
	rec = binary.AppendUvarint(rec, uint64(expires.Unix()))
	rec = append(rec, mac(key, rec)...)
	return base64.RawURLEncoding.EncodeToString(rec)
}

// Verify checks payload's signature first, then its expiry against now.
func Verify(key []byte, payload string, now time.Time) (Invite, error) {
	if len(payload) == 0 || len(payload) > MaxLen {
		return Invite{}, ErrInvalid
	}
	rec, err := base64.RawURLEncoding.Strict().DecodeString(payload)
	if err != nil || len(rec) < 2+2+macLen {
		return Invite{}, ErrInvalid
	}
	body, sum := rec[:len(rec)-macLen], rec[len(rec)-macLen:]
	if !hmac.Equal(sum, mac(key, body)) {
		return Invite{}, ErrInvalid
	}
	inv, ok := parse(body)
	if !ok {
		return Invite{}, ErrInvalid
	}
	if !now.Before(inv.Expires) {
		return inv, ErrExpired
	}
	return inv, nil
}

func parse(body []byte) (Invite, bool) {
	if body[0] != version || body[1] != kind {
		return Invite{}, false
	}
	id, n := binary.Uvarint(body[2:])
	if n <= 0 || id == 0 || id > 1<<62 {
		return Invite{}, false
	}
	exp, m := binary.Uvarint(body[2+n:])
	if m <= 0 || 2+n+m != len(body) || exp > 1<<40 {
		return Invite{}, false
	}
	return Invite{ID: int64(id), Expires: time.Unix(int64(exp), 0)}, true
}

func mac(key, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("loa-invite\x00")) // domain separation from the phone hashes, same key
	h.Write(body)
	return h.Sum(nil)[:macLen]
}

// URL is the Telegram deep link of the invites row id: the same invite
// always gives the same link (and QR code). The staff API and the console
// both make links with it.
func URL(key []byte, botUsername string, id int64, expires time.Time) string {
	return "https://t.me/" + url.PathEscape(botUsername) + "?start=" + Sign(key, id, expires)
}
