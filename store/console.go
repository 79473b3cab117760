package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/loa-vn/loa/store/fold"
)

// The browser console's accounts: a sign-in name and password (stored as an
// argon2id PHC string that web/console computes), an optional TOTP second
// factor with recovery codes, one-time set-password links and the failure
// counters behind the lock-out. The hashing and the rules about who needs a
// second factor live in web/console; this file only keeps the rows.

// PasswordLinkTTL is how long a set-password link stays valid.
const PasswordLinkTTL = 72 * time.Hour

var loginRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._@+-]{1,99}$`)

// NormalizeLogin lower-cases and trims a sign-in name and checks its shape:
// 2-100 characters of a-z 0-9 . _ @ + -, starting with a letter or digit.
func NormalizeLogin(login string) (string, error) {
	l := strings.ToLower(strings.TrimSpace(login))
	if !loginRe.MatchString(l) {
		return l, fmt.Errorf("sign-in name %q: %w", login, ErrInvalid)
	}
	return l, nil
}

// Credential is a staff member's console sign-in record.
type Credential struct {
	StaffID       int64      `db:"staff_id"`
	Login         string     `db:"login"`
	PasswordHash  *string    `db:"password_hash"`
	PasswordSetAt *time.Time `db:"password_set_at"`
	TOTPSecret    *string    `db:"totp_secret"`
	TOTPEnabledAt *time.Time `db:"totp_enabled_at"`
	TOTPLastStep  int64      `db:"totp_last_step"`
}

// HasTOTP reports whether the second factor is enrolled.
func (c Credential) HasTOTP() bool { return c.TOTPSecret != nil && c.TOTPEnabledAt != nil }

const credCols = `c.staff_id, c.login, c.password_hash, c.password_set_at, c.totp_secret, c.totp_enabled_at, c.totp_last_step`

// PasswordLink is a freshly made one-time set-password link's secret part.
type PasswordLink struct {
	StaffID   int64
	Login     string
	Token     string // shown once, only its hash is stored
	ExpiresAt time.Time
}

// CreateConsoleStaff adds a staff member who will sign in to the console (no
// API token) and makes their set-password link, in one transaction. An empty
// login is derived from the name ("Nguyễn Lan" → "nguyen.lan").
func (s *Store) CreateConsoleStaff(ctx context.Context, actor Actor, n NewStaff, login string) (Staff, PasswordLink, error) {
	var st Staff
	var link PasswordLink
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
		if st, err = staffByID(ctx, tx, id); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, "staff.create", "staff", id, nil, st); err != nil {
			return err
		}
		link, err = s.passwordLink(ctx, tx, actor, st, login)
		return err
	})
	return st, link, err
}

// CreatePasswordLink makes a one-time link for an existing staff member to
// set (or reset) their console password; older unused links stop working.
// An empty login keeps the current one, or derives one from the name.
func (s *Store) CreatePasswordLink(ctx context.Context, actor Actor, staffID int64, login string) (PasswordLink, error) {
	var link PasswordLink
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		st, err := staffByID(ctx, tx, staffID)
		if err != nil {
			return err
		}
		link, err = s.passwordLink(ctx, tx, actor, st, login)
		return err
	})
	return link, err
}

func (s *Store) passwordLink(ctx context.Context, tx *sqlx.Tx, actor Actor, st Staff, login string) (PasswordLink, error) {
	link := PasswordLink{StaffID: st.ID}
	var current string
	err := tx.GetContext(ctx, &current, `SELECT login FROM console_credentials WHERE staff_id = $1`, st.ID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return link, fmt.Errorf("credential: %w", translate(err))
	}
	switch {
	case login != "":
		if login, err = NormalizeLogin(login); err != nil {
			return link, err
		}
	case current != "":
		login = current
	default:
		if login, err = freeLogin(ctx, tx, st); err != nil {
			return link, err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO console_credentials (staff_id, login) VALUES ($1, $2)
		ON CONFLICT (staff_id) DO UPDATE SET login = EXCLUDED.login`, st.ID, login)
	if err != nil {
		return link, fmt.Errorf("sign-in name %q: %w", login, translate(err))
	}
	now := s.Now()
	if _, err := tx.ExecContext(ctx, `UPDATE console_password_links SET used_at = $2
		WHERE staff_id = $1 AND used_at IS NULL`, st.ID, now); err != nil {
		return link, fmt.Errorf("retire old links: %w", translate(err))
	}
	link.Login, link.Token = login, newSecret(20)
	link.ExpiresAt = now.Add(PasswordLinkTTL).UTC().Truncate(time.Second)
	if _, err := tx.ExecContext(ctx, `INSERT INTO console_password_links (token_hash, staff_id, expires_at) VALUES ($1, $2, $3)`,
		HashToken(link.Token), st.ID, link.ExpiresAt); err != nil {
		return link, fmt.Errorf("password link: %w", translate(err))
	}
	return link, audit(ctx, tx, actor, "staff.password_link", "staff", st.ID, nil,
		map[string]any{"login": login, "expires_at": link.ExpiresAt})
}

// freeLogin derives an unused sign-in name from the staff member's name.
func freeLogin(ctx context.Context, tx *sqlx.Tx, st Staff) (string, error) {
	base := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r == ' ':
			return '.'
		}
		return -1
	}, fold.String(st.Name))
	base = strings.Trim(base, ".")
	if len(base) > 90 {
		base = base[:90]
	}
	if len(base) < 2 {
		base = fmt.Sprintf("staff%d", st.ID)
	}
	for i := 1; i < 1000; i++ {
		cand := base
		if i > 1 {
			cand = fmt.Sprintf("%s%d", base, i)
		}
		var taken bool
		if err := tx.GetContext(ctx, &taken, `SELECT EXISTS (SELECT 1 FROM console_credentials WHERE login = $1)`, cand); err != nil {
			return "", fmt.Errorf("sign-in name: %w", translate(err))
		}
		if !taken {
			return cand, nil
		}
	}
	return fmt.Sprintf("staff%d", st.ID), nil
}

// PasswordLinkStaff returns whom a set-password link is for, while it is
// unused and unexpired; anything else is ErrNotFound.
func (s *Store) PasswordLinkStaff(ctx context.Context, token string) (Staff, Credential, error) {
	var staffID int64
	err := s.db.GetContext(ctx, &staffID, `SELECT staff_id FROM console_password_links
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, HashToken(token), s.Now())
	if err != nil {
		return Staff{}, Credential{}, fmt.Errorf("password link: %w", translate(err))
	}
	return s.consoleAccount(ctx, s.db, staffID)
}

// SetPasswordWithLink uses a set-password link once: it stores the new
// password hash (a PHC string) for the link's enabled staff member.
func (s *Store) SetPasswordWithLink(ctx context.Context, token, passwordHash string) (Staff, error) {
	var st Staff
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var staffID int64
		err := tx.GetContext(ctx, &staffID, `UPDATE console_password_links SET used_at = $2
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING staff_id`, HashToken(token), s.Now())
		if err != nil {
			return fmt.Errorf("password link: %w", translate(err))
		}
		if st, err = staffByID(ctx, tx, staffID); err != nil {
			return err
		}
		if st.DisabledAt != nil {
			return fmt.Errorf("staff %d is disabled: %w", staffID, ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE console_credentials SET password_hash = $2, password_set_at = $3
			WHERE staff_id = $1`, staffID, passwordHash, s.Now()); err != nil {
			return fmt.Errorf("set password: %w", translate(err))
		}
		return audit(ctx, tx, StaffActor(staffID, ""), "staff.password_set", "staff", staffID, nil, nil)
	})
	return st, err
}

func (s *Store) consoleAccount(ctx context.Context, q sqlx.QueryerContext, staffID int64) (Staff, Credential, error) {
	st, err := staffByID(ctx, q, staffID)
	if err != nil {
		return st, Credential{}, err
	}
	var c Credential
	if err := sqlx.GetContext(ctx, q, &c, `SELECT `+credCols+` FROM console_credentials c WHERE c.staff_id = $1`, staffID); err != nil {
		return st, c, fmt.Errorf("credential of staff %d: %w", staffID, translate(err))
	}
	return st, c, nil
}

// ConsoleAccount returns a staff member and their console credential.
func (s *Store) ConsoleAccount(ctx context.Context, staffID int64) (Staff, Credential, error) {
	return s.consoleAccount(ctx, s.db, staffID)
}

// ConsoleAccountByLogin finds the staff member who signs in with login.
func (s *Store) ConsoleAccountByLogin(ctx context.Context, login string) (Staff, Credential, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT staff_id FROM console_credentials WHERE login = $1`,
		strings.ToLower(strings.TrimSpace(login)))
	if err != nil {
		return Staff{}, Credential{}, fmt.Errorf("sign-in name: %w", translate(err))
	}
	return s.consoleAccount(ctx, s.db, id)
}

// EnableTOTP stores an enrolled TOTP secret, the step of the code that
// proved it, and the hashes of fresh recovery codes (replacing older ones).
func (s *Store) EnableTOTP(ctx context.Context, actor Actor, staffID int64, secret string, step int64, recoveryHashes [][]byte) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE console_credentials SET totp_secret = $2, totp_enabled_at = $3, totp_last_step = $4
			WHERE staff_id = $1`, staffID, secret, s.Now(), step)
		if err != nil {
			return fmt.Errorf("enable totp: %w", translate(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("credential of staff %d: %w", staffID, ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM console_recovery_codes WHERE staff_id = $1`, staffID); err != nil {
			return fmt.Errorf("recovery codes: %w", translate(err))
		}
		for _, h := range recoveryHashes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO console_recovery_codes (staff_id, code_hash) VALUES ($1, $2)`, staffID, h); err != nil {
				return fmt.Errorf("recovery code: %w", translate(err))
			}
		}
		return audit(ctx, tx, actor, "staff.totp_enable", "staff", staffID, nil, map[string]int{"recovery_codes": len(recoveryHashes)})
	})
}

// AcceptTOTPStep records that the code of a 30-second step was used; a step
// at or before the last accepted one is refused (false), so a code seen over
// someone's shoulder cannot be used again.
func (s *Store) AcceptTOTPStep(ctx context.Context, staffID, step int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE console_credentials SET totp_last_step = $2
		WHERE staff_id = $1 AND totp_last_step < $2`, staffID, step)
	if err != nil {
		return false, fmt.Errorf("totp step: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// UseRecoveryCode spends one recovery code; unknown or used is ErrNotFound.
func (s *Store) UseRecoveryCode(ctx context.Context, staffID int64, codeHash []byte) (remaining int, err error) {
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE console_recovery_codes SET used_at = $3
			WHERE staff_id = $1 AND code_hash = $2 AND used_at IS NULL`, staffID, codeHash, s.Now())
		if err != nil {
			return fmt.Errorf("recovery code: %w", translate(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("recovery code: %w", ErrNotFound)
		}
		if err := tx.GetContext(ctx, &remaining, `SELECT count(*) FROM console_recovery_codes
			WHERE staff_id = $1 AND used_at IS NULL`, staffID); err != nil {
			return fmt.Errorf("recovery codes: %w", translate(err))
		}
		return audit(ctx, tx, StaffActor(staffID, ""), "staff.recovery_code_use", "staff", staffID, nil, map[string]int{"remaining": remaining})
	})
	return remaining, err
}

// LockPolicy is when repeated failures lock a key, and for how long.
type LockPolicy struct {
	Failures int           // this many failures ...
	Window   time.Duration // ... within this window ...
	LockFor  time.Duration // ... lock the key this long
}

// LoginLockedUntil returns the latest lock among keys that is still in force
// at now, or the zero time.
func (s *Store) LoginLockedUntil(ctx context.Context, now time.Time, keys ...string) (time.Time, error) {
	var until sql.NullTime
	err := s.db.GetContext(ctx, &until, `SELECT max(locked_until) FROM console_login_failures
		WHERE key = ANY($1) AND locked_until > $2`, pq.Array(keys), now)
	if err != nil {
		return time.Time{}, fmt.Errorf("lock-out: %w", translate(err))
	}
	return until.Time, nil
}

// RecordLoginFailure counts one failure for key and returns the lock it
// triggered (zero if none). The count starts again after the window, and
// after a lock.
func (s *Store) RecordLoginFailure(ctx context.Context, key string, now time.Time, p LockPolicy) (time.Time, error) {
	var lockedUntil sql.NullTime
	err := s.db.GetContext(ctx, &lockedUntil, `
		INSERT INTO console_login_failures AS f (key, failures, first_at) VALUES ($1, 1, $2)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN f.first_at <= $2 - make_interval(secs => $3) THEN 1 ELSE f.failures + 1 END,
			first_at = CASE WHEN f.first_at <= $2 - make_interval(secs => $3) THEN $2 ELSE f.first_at END
		RETURNING CASE WHEN failures >= $4 THEN $2 + make_interval(secs => $5) END`,
		key, now, p.Window.Seconds(), p.Failures, p.LockFor.Seconds())
	if err != nil {
		return time.Time{}, fmt.Errorf("count failure: %w", translate(err))
	}
	if !lockedUntil.Valid {
		return time.Time{}, nil
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE console_login_failures SET locked_until = $2, failures = 0, first_at = $3
		WHERE key = $1`, key, lockedUntil.Time, now); err != nil {
		return time.Time{}, fmt.Errorf("lock: %w", translate(err))
	}
	return lockedUntil.Time, nil
}

// ClearLoginFailures forgets a key's failures (after a successful sign-in).
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM console_login_failures WHERE key = $1 AND (locked_until IS NULL OR locked_until <= $2)`,
		key, s.Now()); err != nil {
		return fmt.Errorf("clear failures: %w", translate(err))
	}
	return nil
}

// AuditSignIn records a console sign-in event (signed in, locked out) for a
// staff member.
func (s *Store) AuditSignIn(ctx context.Context, staffID int64, action string, details any) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		return audit(ctx, tx, StaffActor(staffID, ""), action, "staff", staffID, nil, details)
	})
}

// ConsoleStaff is one row of the console's staff list.
type ConsoleStaff struct {
	Staff
	Login       *string `db:"login"`
	PasswordSet bool    `db:"password_set"`
	TOTP        bool    `db:"totp"`
}

// StaffPage returns up to limit staff members with ids above afterID, in id
// order: keyset paging, so page 1,000 costs what page 1 does.
func (s *Store) StaffPage(ctx context.Context, afterID int64, limit int) ([]ConsoleStaff, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	out := []ConsoleStaff{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+staffCols+`, c.login,
			c.password_hash IS NOT NULL AS password_set, c.totp_enabled_at IS NOT NULL AS totp`+staffFrom+`
		LEFT JOIN console_credentials c ON c.staff_id = s.id
		WHERE s.id > $1 ORDER BY s.id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("staff page: %w", translate(err))
	}
	return out, nil
}

// ChangeStaffRole sets a staff member's role and agency (agency managers
// only: the schema refuses an agency for any other role, and none for them).
func (s *Store) ChangeStaffRole(ctx context.Context, actor Actor, id int64, role, agencyCode string) (Staff, error) {
	var after Staff
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		before, err := staffByID(ctx, tx, id)
		if err != nil {
			return err
		}
		var agencyID sql.NullInt64
		if agencyCode != "" {
			if err := tx.GetContext(ctx, &agencyID, `SELECT id FROM agencies WHERE code = $1`, agencyCode); err != nil {
				return fmt.Errorf("agency %q: %w", agencyCode, translate(err))
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE staff SET role = $2, agency_id = $3 WHERE id = $1`, id, role, agencyID); err != nil {
			return fmt.Errorf("change role of staff %d: %w", id, translate(err))
		}
		if after, err = staffByID(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "staff.role_change", "staff", id, before, after)
	})
	return after, err
}
