package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Staff roles, as the staff.role CHECK allows them.
const (
	RoleAdmin         = "admin"
	RoleEditor        = "editor"
	RoleApprover      = "approver"
	RoleAgencyManager = "agency_manager"
	RoleViewer        = "viewer"
)

// Roles lists every role, for validation and help texts.
var Roles = []string{RoleAdmin, RoleEditor, RoleApprover, RoleAgencyManager, RoleViewer}

// Staff is one member of staff. AgencyID is set for agency managers only.
type Staff struct {
	ID             int64      `db:"id" json:"id"`
	Name           string     `db:"name" json:"name"`
	Role           string     `db:"role" json:"role"`
	AgencyID       *int64     `db:"agency_id" json:"agency_id,omitempty"`
	AgencyCode     *string    `db:"agency_code" json:"agency_code,omitempty"`
	TelegramUserID *int64     `db:"telegram_user_id" json:"telegram_user_id,omitempty"`
	DisabledAt     *time.Time `db:"disabled_at" json:"disabled_at,omitempty"`
	CreatedAt      time.Time  `db:"created_at" json:"created_at"`
}

// Linked reports whether the staff member linked a Telegram account.
func (s Staff) Linked() bool { return s.TelegramUserID != nil }

const staffCols = `s.id, s.name, s.role, s.agency_id, a.code AS agency_code, s.telegram_user_id,
	s.disabled_at, s.created_at`

const staffFrom = ` FROM staff s LEFT JOIN agencies a ON a.id = s.agency_id `

// NewStaff describes a staff member to create.
type NewStaff struct {
	Name       string
	Role       string
	AgencyCode string // required for agency managers, refused otherwise
}

// tokenPrefixLen characters of a token are stored in clear so staff and
// operators can tell tokens apart and revoke one without the whole secret.
const tokenPrefixLen = 8

// newSecret returns n random bytes as lowercase base32 without padding:
// URL- and shell-safe, easy to copy.
func newSecret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// HashToken is the stored form of an API token or link code.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateStaff adds a staff member with a first API token and returns the
// token in clear: it is shown once and never stored.
func (s *Store) CreateStaff(ctx context.Context, actor Actor, n NewStaff) (Staff, string, error) {
	var st Staff
	var token string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var agencyID sql.NullInt64
		if n.AgencyCode != "" {
			if err := tx.GetContext(ctx, &agencyID, `SELECT id FROM agencies WHERE code = $1`, n.AgencyCode); err != nil {
				return fmt.Errorf("agency %q: %w", n.AgencyCode, translate(err))
			}
		}
		var id int64
		err := tx.GetContext(ctx, &id, `INSERT INTO staff (name, role, agency_id) VALUES ($1, $2, $3) RETURNING id`,
			strings.TrimSpace(n.Name), n.Role, agencyID)
		if err != nil {
			return fmt.Errorf("create staff: %w", translate(err))
		}
		if token, err = issueToken(ctx, tx, id); err != nil {
			return err
		}
		if st, err = staffByID(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "staff.create", "staff", id, nil, st)
	})
	return st, token, err
}

// issueToken creates an API token for a staff member: "loa_" + prefix + secret.
func issueToken(ctx context.Context, tx *sqlx.Tx, staffID int64) (string, error) {
	token := "loa_" + newSecret(25)
	prefix := token[:4+tokenPrefixLen]
	_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (staff_id, token_hash, prefix) VALUES ($1, $2, $3)`,
		staffID, HashToken(token), prefix)
	if err != nil {
		return "", fmt.Errorf("issue token: %w", translate(err))
	}
	return token, nil
}

// IssueToken gives an existing staff member an extra token (rotation).
func (s *Store) IssueToken(ctx context.Context, actor Actor, staffID int64) (string, error) {
	var token string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := staffByID(ctx, tx, staffID); err != nil {
			return err
		}
		var err error
		if token, err = issueToken(ctx, tx, staffID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "staff.token_issue", "staff", staffID, nil,
			map[string]string{"prefix": token[:4+tokenPrefixLen]})
	})
	return token, err
}

func staffByID(ctx context.Context, q sqlx.QueryerContext, id int64) (Staff, error) {
	var st Staff
	if err := sqlx.GetContext(ctx, q, &st, `SELECT `+staffCols+staffFrom+`WHERE s.id = $1`, id); err != nil {
		return st, translateAbout(err, "staff %d", id)
	}
	return st, nil
}

// StaffByID returns one staff member.
func (s *Store) StaffByID(ctx context.Context, id int64) (Staff, error) {
	return staffByID(ctx, s.db, id)
}

// StaffByToken authenticates an API token: the staff member behind a token
// that exists, is not revoked, and whose owner is not disabled. Anything else
// is ErrNotFound, so callers cannot tell a revoked token from a made-up one.
func (s *Store) StaffByToken(ctx context.Context, token string) (Staff, error) {
	var st Staff
	err := s.db.GetContext(ctx, &st, `WITH t AS (
			UPDATE api_tokens SET last_used_at = now()
			WHERE token_hash = $1 AND revoked_at IS NULL
			  AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
			RETURNING staff_id)
		SELECT `+staffCols+staffFrom+`
		WHERE s.id = (SELECT staff_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL)
		  AND s.disabled_at IS NULL`, HashToken(token))
	if err != nil {
		return st, fmt.Errorf("token: %w", translate(err))
	}
	return st, nil
}

// StaffByTelegram returns the enabled staff member linked to a Telegram user.
func (s *Store) StaffByTelegram(ctx context.Context, telegramUserID int64) (Staff, error) {
	var st Staff
	err := s.db.GetContext(ctx, &st, `SELECT `+staffCols+staffFrom+`
		WHERE s.telegram_user_id = $1 AND s.disabled_at IS NULL`, telegramUserID)
	if err != nil {
		return st, fmt.Errorf("staff for telegram user: %w", translate(err))
	}
	return st, nil
}

// StaffToken is a token's public description (never the token itself).
type StaffToken struct {
	ID         int64      `db:"id" json:"id"`
	StaffID    int64      `db:"staff_id" json:"staff_id"`
	Prefix     string     `db:"prefix" json:"prefix"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	LastUsedAt *time.Time `db:"last_used_at" json:"last_used_at"`
	RevokedAt  *time.Time `db:"revoked_at" json:"revoked_at"`
}

// StaffWithTokens is a listing row.
type StaffWithTokens struct {
	Staff
	Tokens []StaffToken `json:"tokens"`
}

// ListStaff returns every staff member with their tokens' prefixes.
func (s *Store) ListStaff(ctx context.Context) ([]StaffWithTokens, error) {
	var staff []Staff
	if err := s.db.SelectContext(ctx, &staff, `SELECT `+staffCols+staffFrom+`ORDER BY s.id`); err != nil {
		return nil, fmt.Errorf("list staff: %w", translate(err))
	}
	var toks []StaffToken
	if err := s.db.SelectContext(ctx, &toks, `SELECT id, staff_id, prefix, created_at, last_used_at, revoked_at
		FROM api_tokens ORDER BY id`); err != nil {
		return nil, fmt.Errorf("list tokens: %w", translate(err))
	}
	by := map[int64][]StaffToken{}
	for _, t := range toks {
		by[t.StaffID] = append(by[t.StaffID], t)
	}
	out := make([]StaffWithTokens, len(staff))
	for i, st := range staff {
		out[i] = StaffWithTokens{Staff: st, Tokens: by[st.ID]}
		if out[i].Tokens == nil {
			out[i].Tokens = []StaffToken{}
		}
	}
	return out, nil
}

// RevokeTokens revokes by token prefix, or every token of a staff member
// (staffID > 0), and returns how many were revoked; none is ErrNotFound.
func (s *Store) RevokeTokens(ctx context.Context, actor Actor, prefix string, staffID int64) (int, error) {
	var ids []int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.SelectContext(ctx, &ids, `UPDATE api_tokens SET revoked_at = now()
			WHERE revoked_at IS NULL AND (($1 <> '' AND prefix = $1) OR ($2 > 0 AND staff_id = $2))
			RETURNING id`, prefix, staffID)
		if err != nil {
			return fmt.Errorf("revoke: %w", translate(err))
		}
		if len(ids) == 0 {
			return fmt.Errorf("no active token matches: %w", ErrNotFound)
		}
		return audit(ctx, tx, actor, "staff.token_revoke", "api_token", prefix,
			nil, map[string]any{"token_ids": ids, "staff_id": staffID, "prefix": prefix})
	})
	return len(ids), err
}

// SetStaffDisabled disables (or re-enables) a staff member; a disabled
// member's tokens and Telegram link stop working at once.
func (s *Store) SetStaffDisabled(ctx context.Context, actor Actor, id int64, disabled bool) (Staff, error) {
	var after Staff
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		before, err := staffByID(ctx, tx, id)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE staff SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END
			WHERE id = $1`, id, disabled)
		if err != nil {
			return fmt.Errorf("disable staff %d: %w", id, translate(err))
		}
		if after, err = staffByID(ctx, tx, id); err != nil {
			return err
		}
		action := "staff.enable"
		if disabled {
			action = "staff.disable"
		}
		return audit(ctx, tx, actor, action, "staff", id, before, after)
	})
	return after, err
}

// LinkCodeTTL is how long a Telegram link code stays valid.
const LinkCodeTTL = 15 * time.Minute

// CreateLinkCode makes a one-time code that links a staff member's Telegram
// account (/link <code>). Only its hash is stored.
func (s *Store) CreateLinkCode(ctx context.Context, actor Actor, staffID int64) (string, time.Time, error) {
	code := newSecret(10)
	expires := s.Now().Add(LinkCodeTTL).UTC().Truncate(time.Second)
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := staffByID(ctx, tx, staffID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO staff_link_codes (code_hash, staff_id, expires_at) VALUES ($1, $2, $3)`,
			HashToken(code), staffID, expires)
		if err != nil {
			return fmt.Errorf("link code: %w", translate(err))
		}
		return audit(ctx, tx, actor, "staff.link_code", "staff", staffID, nil, map[string]any{"expires_at": expires})
	})
	return code, expires, err
}

// RedeemLinkCode links the Telegram user to the code's staff member. A code
// works once, before it expires; anything else is ErrNotFound. A Telegram
// account already linked to another staff member is ErrConflict.
func (s *Store) RedeemLinkCode(ctx context.Context, code string, telegramUserID int64) (Staff, error) {
	var st Staff
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var staffID int64
		err := tx.GetContext(ctx, &staffID, `UPDATE staff_link_codes SET used_at = now()
			WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING staff_id`,
			HashToken(strings.ToLower(strings.TrimSpace(code))), s.Now())
		if err != nil {
			return fmt.Errorf("link code: %w", translate(err))
		}
		before, err := staffByID(ctx, tx, staffID)
		if err != nil {
			return err
		}
		if before.DisabledAt != nil {
			return fmt.Errorf("staff %d is disabled: %w", staffID, ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE staff SET telegram_user_id = $2 WHERE id = $1`, staffID, telegramUserID); err != nil {
			return fmt.Errorf("link staff %d: %w", staffID, translate(err))
		}
		if st, err = staffByID(ctx, tx, staffID); err != nil {
			return err
		}
		return audit(ctx, tx, StaffActor(staffID, ""), "staff.link_telegram", "staff", staffID, before, st)
	})
	return st, err
}
