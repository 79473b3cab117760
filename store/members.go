package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Phone numbers ---------------------------------------------------------------

// Reasons NormalizePhone refuses a number; the CSV report shows them.
var (
	ErrPhoneEmpty    = errors.New("phone number is empty")
	ErrPhoneChars    = errors.New("phone number has characters other than digits, spaces, dots, dashes, parentheses and a leading +")
	ErrPhoneLength   = errors.New("a Vietnamese mobile number has 9 digits after 0 or +84")
	ErrPhoneLandline = errors.New("not a Vietnamese mobile number (landline or unknown prefix); mobiles start with 03, 05, 07, 08 or 09")
	ErrPhoneCountry  = errors.New("not a Vietnamese number (+84)")
)

// NormalizePhone turns a Vietnamese mobile number in any common written form
// (0912 345 678, +84 912-345-678, 84912345678, 912.345.678, (091) 2345678)
// into +84XXXXXXXXX, or says why it cannot.
func NormalizePhone(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", ErrPhoneEmpty
	}
	var d strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", ErrPhoneChars
		}
	}
	digits := d.String()
	switch {
	case strings.HasPrefix(s, "+"):
		if !strings.HasPrefix(digits, "84") {
			return "", ErrPhoneCountry
		}
		digits = strings.TrimPrefix(digits[2:], "0") // "+84 (0)912..." is common
	case strings.HasPrefix(digits, "0084"):
		digits = digits[4:]
	case strings.HasPrefix(digits, "84") && len(digits) == 11:
		digits = digits[2:]
	case strings.HasPrefix(digits, "0"):
		digits = digits[1:]
	}
	if strings.HasPrefix(digits, "2") {
		return "", ErrPhoneLandline // 02x: fixed lines (024 Hanoi, 028 HCMC, ...)
	}
	if len(digits) != 9 {
		return "", ErrPhoneLength
	}
	switch digits[0] {
	case '3', '5', '7', '8', '9':
	default:
		return "", ErrPhoneLandline
	}
	return "+84" + digits, nil
}

// PhoneHash is the only stored form of a member's phone: HMAC-SHA256 keyed
// with LOA_SECRET_KEY over the normalised number, so a leaked table cannot be
// reversed by hashing every possible number without the key.
func PhoneHash(key []byte, normalized string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(normalized))
	return m.Sum(nil)
}

// PhoneHint is the last three digits, enough for staff to tell rows apart.
func PhoneHint(normalized string) string {
	if len(normalized) < 3 {
		return ""
	}
	return normalized[len(normalized)-3:]
}

// Member list import -------------------------------------------------------------

// MemberRow is one CSV line. The phone may be in any common form: the
// import normalises it, so a caller cannot store a hash nothing will match.
type MemberRow struct {
	Name       string
	Phone      string
	Position   string
	LocalityID *int64
}

// ImportResult reports what an import did.
type ImportResult struct {
	ImportID  int64         `json:"import_id,omitempty"`
	Total     int           `json:"total"`
	Added     int           `json:"added"`
	Updated   int           `json:"updated"`
	Unchanged int           `json:"unchanged"`
	Matched   int           `json:"matched"`
	Duration  time.Duration `json:"-"`
}

// ImportSource describes the uploaded file for member_imports.
type ImportSource struct {
	SHA256   []byte
	Filename string
	// DryRun computes the counts in a transaction that is rolled back.
	DryRun bool
}

// errNoChange rolls back an import that would change nothing, so that
// re-importing the same file leaves no trace at all.
var errNoChange = errors.New("import changes nothing")

// errDryRun rolls back a dry run after counting.
var errDryRun = errors.New("dry run")

// ImportMembers upserts rows into the agency's pending members in one
// transaction: COPY into a temporary table, then one INSERT ... SELECT ...
// ON CONFLICT that touches only rows whose data differ. Residents who already
// shared a matching phone join the list at once. Rows must have distinct
// phones (the CSV reader reports duplicates as bad lines).
func (s *Store) ImportMembers(ctx context.Context, actor Actor, agencyID int64, key []byte, src ImportSource, rows []MemberRow, progress func(done int)) (ImportResult, error) {
	start := time.Now()
	res := ImportResult{Total: len(rows)}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := copyMembers(ctx, tx, key, rows, progress); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &res.ImportID, `INSERT INTO member_imports
			(agency_id, file_sha256, filename, rows_total, rows_added, created_by)
			VALUES ($1, $2, left($3, 200), $4, 0, $5) RETURNING id`,
			agencyID, src.SHA256, src.Filename, len(rows), nullID(actor.StaffID))
		if err != nil {
			return fmt.Errorf("member import: %w", translate(err))
		}
		if err := upsertMembers(ctx, tx, agencyID, res.ImportID, &res); err != nil {
			return err
		}
		if src.DryRun {
			return errDryRun
		}
		if res.Added+res.Updated == 0 {
			return errNoChange
		}
		if res.Matched, err = matchImported(ctx, tx, agencyID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE member_imports SET rows_added = $2, rows_updated = $3 WHERE id = $1`,
			res.ImportID, res.Added, res.Updated); err != nil {
			return fmt.Errorf("member import counts: %w", translate(err))
		}
		return audit(ctx, tx, actor, "member.import", "agency", agencyID, nil, map[string]any{
			"import_id": res.ImportID, "filename": src.Filename, "total": res.Total, "added": res.Added,
			"updated": res.Updated, "unchanged": res.Unchanged, "matched": res.Matched})
	})
	if errors.Is(err, errDryRun) {
		res.ImportID, err = 0, nil
	}
	if errors.Is(err, errNoChange) {
		res.ImportID, res.Added, res.Updated, res.Unchanged, err = 0, 0, 0, len(rows), nil
	}
	res.Duration = time.Since(start)
	return res, err
}

// copyMembers streams the rows into a temporary table with COPY; progress is
// called every 10,000 rows.
func copyMembers(ctx context.Context, tx *sqlx.Tx, key []byte, rows []MemberRow, progress func(int)) error {
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE import_members (
			phone_hash bytea, phone_hint text, full_name text, position text, locality_id bigint) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("temp table: %w", translate(err))
	}
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("import_members", "phone_hash", "phone_hint", "full_name", "position", "locality_id"))
	if err != nil {
		return fmt.Errorf("copy: %w", translate(err))
	}
	defer stmt.Close()
	for i, r := range rows {
		phone, err := NormalizePhone(r.Phone)
		if err != nil {
			return fmt.Errorf("%w: row %d: %w", ErrInvalid, i+1, err)
		}
		if _, err := stmt.ExecContext(ctx, PhoneHash(key, phone), PhoneHint(phone), r.Name, r.Position, r.LocalityID); err != nil {
			return fmt.Errorf("copy row %d: %w", i+1, translate(err))
		}
		if progress != nil && (i+1)%10000 == 0 {
			progress(i + 1)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy flush: %w", translate(err))
	}
	return nil
}

func upsertMembers(ctx context.Context, tx *sqlx.Tx, agencyID, importID int64, res *ImportResult) error {
	var c struct {
		Added   int `db:"added"`
		Updated int `db:"updated"`
	}
	err := tx.GetContext(ctx, &c, `WITH up AS (
			INSERT INTO pending_members (agency_id, phone_hash, phone_hint, full_name, position, locality_id, import_id)
			SELECT $1, phone_hash, phone_hint, full_name, position, locality_id, $2 FROM import_members
			ON CONFLICT (agency_id, phone_hash) DO UPDATE
			SET full_name = EXCLUDED.full_name, position = EXCLUDED.position, locality_id = EXCLUDED.locality_id,
				phone_hint = EXCLUDED.phone_hint, import_id = EXCLUDED.import_id
			WHERE (pending_members.full_name, pending_members.position, pending_members.locality_id, pending_members.phone_hint)
				IS DISTINCT FROM (EXCLUDED.full_name, EXCLUDED.position, EXCLUDED.locality_id, EXCLUDED.phone_hint)
			RETURNING (xmax = 0) AS inserted)
		SELECT count(*) FILTER (WHERE inserted) AS added, count(*) FILTER (WHERE NOT inserted) AS updated FROM up`,
		agencyID, importID)
	if err != nil {
		return fmt.Errorf("upsert members: %w", translate(err))
	}
	res.Added, res.Updated = c.Added, c.Updated
	res.Unchanged = res.Total - c.Added - c.Updated
	return nil
}

// matchImported joins residents who already shared a phone that the import
// just listed.
func matchImported(ctx context.Context, tx *sqlx.Tx, agencyID int64) (int, error) {
	var n int
	err := tx.GetContext(ctx, &n, `WITH m AS (
			UPDATE pending_members p SET matched_subscriber_id = s.id, matched_at = now()
			FROM subscribers s
			WHERE p.agency_id = $1 AND p.matched_subscriber_id IS NULL AND s.phone_hash = p.phone_hash
			RETURNING p.agency_id, s.id AS subscriber_id),
		j AS (INSERT INTO agency_members (agency_id, subscriber_id, via)
			SELECT DISTINCT agency_id, subscriber_id, 'phone' FROM m ON CONFLICT DO NOTHING RETURNING 1)
		SELECT count(*) FROM m`, agencyID)
	if err != nil {
		return 0, fmt.Errorf("match imported: %w", translate(err))
	}
	return n, nil
}

// Locality lookup for imports ---------------------------------------------------------

// LocalityNames maps codes and folded names (without the kind word) of
// current units to their ids, so a 100,000-line import resolves localities
// in memory. A name shared by two units maps to 0 (ambiguous).
type LocalityNames struct {
	ByCode map[string]int64
	ByName map[string]int64
}

// LoadLocalityNames reads every current unit.
func (s *Store) LoadLocalityNames(ctx context.Context) (LocalityNames, error) {
	var rows []struct {
		ID         int64  `db:"id"`
		Code       string `db:"code"`
		SearchName string `db:"search_name"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT id, code, search_name FROM localities WHERE kind <> 'city'`); err != nil {
		return LocalityNames{}, fmt.Errorf("locality names: %w", translate(err))
	}
	ln := LocalityNames{ByCode: map[string]int64{}, ByName: map[string]int64{}}
	for _, r := range rows {
		ln.ByCode[r.Code] = r.ID
		if _, dup := ln.ByName[r.SearchName]; dup {
			ln.ByName[r.SearchName] = 0
		} else {
			ln.ByName[r.SearchName] = r.ID
		}
	}
	return ln, nil
}

// Member lists ---------------------------------------------------------------------

// Member statuses in a listing.
const (
	MemberJoined  = "joined"
	MemberPending = "pending"
)

// Member is one row of an agency's list: an imported person (pending until
// they share their phone with the bot) or a resident who joined.
type Member struct {
	ID        string     `db:"id" json:"id"` // "p<pending id>" or "s<subscriber id>"
	Status    string     `db:"status" json:"status"`
	Name      string     `db:"name" json:"name"`
	PhoneHint string     `db:"phone_hint" json:"phone_hint,omitempty"`
	Position  string     `db:"position" json:"position,omitempty"`
	Locality  *string    `db:"locality" json:"locality,omitempty"`
	Via       *string    `db:"via" json:"via,omitempty"`
	JoinedAt  *time.Time `db:"joined_at" json:"joined_at,omitempty"`
	AddedAt   time.Time  `db:"added_at" json:"added_at"`
}

// MemberFilter narrows a listing; Status is "", "joined" or "pending".
// Name matches part of the name, case-insensitively; PhoneHint the last
// digits (1-3, as stored) and PhoneHash a whole number (its keyed hash).
// Pages are keyset pages: After is the Next of the previous page, never an
// offset, so a page costs the same at the end of a 100,000-member list and
// rows added meanwhile do not shift the pages.
type MemberFilter struct {
	Status    string
	Name      string
	PhoneHint string
	PhoneHash []byte
	Limit     int
	After     *MemberCursor
}

// MemberCursor is the position after which the next page starts.
type MemberCursor struct {
	Sort int    `json:"s"`
	Name string `json:"n"`
	ID   string `json:"i"`
}

// MemberPage is one page of a listing, with the total for the whole filter.
type MemberPage struct {
	Members []Member
	Total   int
	Next    *MemberCursor // nil on the last page
}

// ListMembers returns a page of the agency's members, imported ones first,
// by name; Total counts every member the filter matches. The two kinds are
// read separately, each in its own index order (imported: agency, name, id),
// so a page costs the same at any depth of a 100,000-member list.
func (s *Store) ListMembers(ctx context.Context, agencyID int64, f MemberFilter) (MemberPage, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	after := MemberCursor{Sort: -1}
	if f.After != nil {
		after = *f.After
	}
	var hash any
	if f.PhoneHash != nil {
		hash = f.PhoneHash
	}
	// $1 agency, $2 status, $3 name, $4 phone hint, $5 phone hash
	// the name is matched with LIKE, so a trigram index finds it; its own
	// wildcards are escaped
	name := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(f.Name)
	args := []any{agencyID, f.Status, name, f.PhoneHint, hash}
	const pendingFrom = ` FROM pending_members p
		LEFT JOIN agency_members am ON am.agency_id = p.agency_id AND am.subscriber_id = p.matched_subscriber_id
		WHERE p.agency_id = $1
			AND ($2 = '' OR ($2 = 'joined') = (p.matched_subscriber_id IS NOT NULL AND am.subscriber_id IS NOT NULL))
			AND ($3 = '' OR lower(p.full_name) LIKE '%' || lower($3) || '%')
			AND ($4 = '' OR right(p.phone_hint, length($4)) = $4)
			AND ($5::bytea IS NULL OR p.phone_hash = $5)`
	// residents who joined without being on an imported list
	joinedFrom := ` FROM agency_members am`
	if f.Name != "" || f.PhoneHash != nil {
		joinedFrom += ` JOIN subscribers s ON s.id = am.subscriber_id`
	}
	joinedWhere := ` WHERE am.agency_id = $1 AND ($2 = '' OR $2 = 'joined') AND $4 = ''
			AND NOT EXISTS (SELECT 1 FROM pending_members p
				WHERE p.agency_id = am.agency_id AND p.matched_subscriber_id = am.subscriber_id)`
	if f.Name != "" {
		joinedWhere += ` AND lower(s.first_name) LIKE '%' || lower($3) || '%'`
	}
	if f.PhoneHash != nil {
		joinedWhere += ` AND s.phone_hash = $5`
	}
	var page MemberPage
	if err := s.db.GetContext(ctx, &page.Total, `SELECT (SELECT count(*)`+pendingFrom+`) + (SELECT count(*)`+joinedFrom+joinedWhere+`)`,
		args...); err != nil {
		return MemberPage{}, fmt.Errorf("count members: %w", translate(err))
	}
	type row struct {
		Member
		Sort int   `db:"sort"`
		Num  int64 `db:"num"`
	}
	var rows []row
	num := func(id string) int64 {
		n, _ := strconv.ParseInt(strings.TrimLeft(id, "ps"), 10, 64)
		return n
	}
	if after.Sort <= 0 {
		name, id := "", int64(0)
		if after.Sort == 0 {
			name, id = after.Name, num(after.ID)
		}
		// a name search finds its few rows through the trigram index and
		// sorts them; walking the whole list in name order to filter it
		// would read every row (the planner cannot tell which is cheaper)
		order := "p.full_name, p.id"
		if f.Name != "" {
			order = "p.full_name || '', p.id"
		}
		var pend []row
		if err := s.db.SelectContext(ctx, &pend, `SELECT 'p' || p.id AS id,
				CASE WHEN am.subscriber_id IS NOT NULL THEN 'joined' ELSE 'pending' END AS status,
				p.full_name AS name, p.phone_hint, p.position,
				(SELECT l.code FROM localities l WHERE l.id = p.locality_id) AS locality,
				am.via, am.joined_at, p.created_at AS added_at, 0 AS sort, p.id AS num`+pendingFrom+`
			AND (p.full_name, p.id) > ($6, $7) ORDER BY `+order+` LIMIT $8`,
			append(args, name, id, f.Limit+1)...); err != nil {
			return MemberPage{}, fmt.Errorf("list members: %w", translate(err))
		}
		rows = pend
		after = MemberCursor{Sort: 1}
	}
	if len(rows) <= f.Limit {
		name, id := after.Name, num(after.ID)
		if after.ID == "" {
			id = 0
		}
		// every parameter is used here, so PostgreSQL knows each one's type
		from := ` FROM agency_members am JOIN subscribers s ON s.id = am.subscriber_id`
		where := ` WHERE am.agency_id = $1 AND ($2 = '' OR $2 = 'joined') AND $4 = ''
			AND ($3 = '' OR lower(s.first_name) LIKE '%' || lower($3) || '%') AND ($5::bytea IS NULL OR s.phone_hash = $5)
			AND NOT EXISTS (SELECT 1 FROM pending_members p
				WHERE p.agency_id = am.agency_id AND p.matched_subscriber_id = am.subscriber_id)`
		var joined []row
		if err := s.db.SelectContext(ctx, &joined, `SELECT 's' || am.subscriber_id AS id, 'joined' AS status,
				s.first_name AS name, '' AS phone_hint, '' AS position,
				(SELECT l.code FROM localities l WHERE l.id = s.locality_id) AS locality,
				am.via, am.joined_at, am.joined_at AS added_at, 1 AS sort, am.subscriber_id AS num`+from+where+`
			AND (s.first_name, am.subscriber_id) > ($6, $7) ORDER BY s.first_name, am.subscriber_id LIMIT $8`,
			append(args, name, id, f.Limit+1-len(rows))...); err != nil {
			return MemberPage{}, fmt.Errorf("list members: %w", translate(err))
		}
		rows = append(rows, joined...)
	}
	page.Members = make([]Member, 0, min(len(rows), f.Limit))
	for i, r := range rows {
		if i == f.Limit {
			last := rows[i-1]
			page.Next = &MemberCursor{Sort: last.Sort, Name: last.Name, ID: last.ID}
			break
		}
		page.Members = append(page.Members, r.Member)
	}
	return page, nil
}

// RemoveMember takes someone off the agency's list: an imported person
// ("p<id>", and their membership if they had joined) or a joined resident
// ("s<id>", and the imported row that matched them).
func (s *Store) RemoveMember(ctx context.Context, actor Actor, agencyID int64, memberID string) error {
	var id int64
	if len(memberID) < 2 || (memberID[0] != 'p' && memberID[0] != 's') {
		return fmt.Errorf("member id %q: %w", memberID, ErrNotFound)
	}
	if _, err := fmt.Sscanf(memberID[1:], "%d", &id); err != nil {
		return fmt.Errorf("member id %q: %w", memberID, ErrNotFound)
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var subID *int64
		var n int
		var err error
		if memberID[0] == 'p' {
			err = tx.GetContext(ctx, &subID, `DELETE FROM pending_members WHERE id = $1 AND agency_id = $2
				RETURNING matched_subscriber_id`, id, agencyID)
			if err != nil {
				return fmt.Errorf("remove member %s: %w", memberID, translate(err))
			}
		} else {
			subID = &id
			if _, err := tx.ExecContext(ctx, `DELETE FROM pending_members WHERE agency_id = $1 AND matched_subscriber_id = $2`,
				agencyID, id); err != nil {
				return fmt.Errorf("remove member %s: %w", memberID, translate(err))
			}
			n = -1
		}
		if subID != nil {
			res, err := tx.ExecContext(ctx, `DELETE FROM agency_members WHERE agency_id = $1 AND subscriber_id = $2`, agencyID, *subID)
			if err != nil {
				return fmt.Errorf("remove membership: %w", translate(err))
			}
			if k, _ := res.RowsAffected(); n == -1 && k == 0 {
				return fmt.Errorf("member %s: %w", memberID, ErrNotFound)
			}
		}
		return audit(ctx, tx, actor, "member.remove", "agency", agencyID, map[string]any{"member": memberID}, nil)
	})
}

// Phone matching -------------------------------------------------------------------

// MatchPhone records the phone a resident chose to share (as its keyed hash)
// and puts them on every agency list that imported that number and had not
// matched them yet. It returns the agencies newly joined; a number that is
// not a valid Vietnamese mobile is ErrInvalid.
func (s *Store) MatchPhone(ctx context.Context, key []byte, subscriberID int64, phone string) ([]AgencyName, error) {
	norm, err := NormalizePhone(phone)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	hash := PhoneHash(key, norm)
	out := []AgencyName{}
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE subscribers SET phone_hash = $2, updated_at = now() WHERE id = $1`, subscriberID, hash)
		if err != nil {
			return fmt.Errorf("subscriber phone: %w", translate(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("subscriber %d: %w", subscriberID, ErrNotFound)
		}
		err = tx.SelectContext(ctx, &out, `WITH m AS (
				UPDATE pending_members SET matched_subscriber_id = $2, matched_at = now()
				WHERE phone_hash = $1 AND matched_subscriber_id IS NULL RETURNING agency_id),
			j AS (INSERT INTO agency_members (agency_id, subscriber_id, via)
				SELECT DISTINCT agency_id, $2::bigint, 'phone' FROM m ON CONFLICT DO NOTHING RETURNING agency_id)
			SELECT a.id, a.name_vi, a.name_en FROM agencies a WHERE a.id IN (SELECT agency_id FROM m) ORDER BY a.name_vi`,
			hash, subscriberID)
		if err != nil {
			return fmt.Errorf("match phone: %w", translate(err))
		}
		if len(out) == 0 {
			return nil
		}
		ids := make([]int64, len(out))
		for i, a := range out {
			ids[i] = a.ID
		}
		return audit(ctx, tx, Actor{Kind: ActorSystem}, "member.phone_match", "subscriber", subscriberID,
			nil, map[string]any{"agency_ids": ids})
	})
	return out, err
}

// Invites ---------------------------------------------------------------------------

// Invite is a signed invite link's record, for listing and revocation.
type Invite struct {
	ID           int64      `db:"id" json:"id"`
	AgencyID     *int64     `db:"agency_id" json:"agency_id,omitempty"`
	AgencyCode   *string    `db:"agency_code" json:"agency_code,omitempty"`
	LocalityID   *int64     `db:"locality_id" json:"locality_id,omitempty"`
	LocalityCode *string    `db:"locality_code" json:"locality_code,omitempty"`
	ExpiresAt    time.Time  `db:"expires_at" json:"expires_at"`
	RevokedAt    *time.Time `db:"revoked_at" json:"revoked_at,omitempty"`
	CreatedBy    *int64     `db:"created_by" json:"created_by,omitempty"`
	CreatedAt    time.Time  `db:"created_at" json:"created_at"`
}

const inviteSelect = `SELECT i.id, i.agency_id, a.code AS agency_code, i.locality_id, l.code AS locality_code,
	i.expires_at, i.revoked_at, i.created_by, i.created_at
	FROM invites i LEFT JOIN agencies a ON a.id = i.agency_id LEFT JOIN localities l ON l.id = i.locality_id `

// CreateInvite records an invite to an agency (agencyID > 0) or a locality.
func (s *Store) CreateInvite(ctx context.Context, actor Actor, agencyID, localityID int64, expires time.Time) (Invite, error) {
	var inv Invite
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var id int64
		err := tx.GetContext(ctx, &id, `INSERT INTO invites (agency_id, locality_id, expires_at, created_by)
			VALUES ($1, $2, $3, $4) RETURNING id`, nullID(agencyID), nullID(localityID), expires, nullID(actor.StaffID))
		if err != nil {
			return fmt.Errorf("create invite: %w", translate(err))
		}
		if err := tx.GetContext(ctx, &inv, inviteSelect+`WHERE i.id = $1`, id); err != nil {
			return fmt.Errorf("invite %d: %w", id, translate(err))
		}
		return audit(ctx, tx, actor, "invite.create", "invite", id, nil, inv)
	})
	return inv, err
}

// InviteByID returns one invite.
func (s *Store) InviteByID(ctx context.Context, id int64) (Invite, error) {
	var inv Invite
	if err := s.db.GetContext(ctx, &inv, inviteSelect+`WHERE i.id = $1`, id); err != nil {
		return inv, fmt.Errorf("invite %d: %w", id, translate(err))
	}
	return inv, nil
}

// RevokeInvite stops an invite link; revoking twice changes nothing.
func (s *Store) RevokeInvite(ctx context.Context, actor Actor, id int64) (Invite, error) {
	var inv Invite
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var before Invite
		if err := tx.GetContext(ctx, &before, inviteSelect+`WHERE i.id = $1 FOR UPDATE OF i`, id); err != nil {
			return fmt.Errorf("invite %d: %w", id, translate(err))
		}
		if before.RevokedAt != nil {
			inv = before
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invites SET revoked_at = now() WHERE id = $1`, id); err != nil {
			return fmt.Errorf("revoke invite %d: %w", id, translate(err))
		}
		if err := tx.GetContext(ctx, &inv, inviteSelect+`WHERE i.id = $1`, id); err != nil {
			return fmt.Errorf("invite %d: %w", id, translate(err))
		}
		return audit(ctx, tx, actor, "invite.revoke", "invite", id, before, inv)
	})
	return inv, err
}

// ListInvites returns an agency's invites, newest first.
func (s *Store) ListInvites(ctx context.Context, agencyID int64) ([]Invite, error) {
	out := []Invite{}
	if err := s.db.SelectContext(ctx, &out, inviteSelect+`WHERE i.agency_id = $1 ORDER BY i.id DESC`, agencyID); err != nil {
		return nil, fmt.Errorf("list invites: %w", translate(err))
	}
	return out, nil
}
