package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Agency is one node of the agency tree.
type Agency struct {
	ID         int64     `db:"id" json:"id"`
	Code       string    `db:"code" json:"code"`
	ParentID   *int64    `db:"parent_id" json:"parent_id"`
	ParentCode *string   `db:"parent_code" json:"parent_code"`
	NameVi     string    `db:"name_vi" json:"name_vi"`
	NameEn     string    `db:"name_en" json:"name_en"`
	Note       string    `db:"note" json:"note"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
	UpdatedAt  time.Time `db:"updated_at" json:"updated_at"`
}

const agencyCols = `g.id, g.code, g.parent_id, p.code AS parent_code, g.name_vi, g.name_en, g.note,
	g.created_at, g.updated_at`

const agencyFrom = ` FROM agencies g LEFT JOIN agencies p ON p.id = g.parent_id `

// AgencyInput is what staff may set on an agency.
type AgencyInput struct {
	Code       string
	ParentCode string // "" = top level
	NameVi     string
	NameEn     string
	Note       string
}

// ListAgencies returns agencies, the whole tree or (within > 0) one agency
// and its descendants, ordered by code.
func (s *Store) ListAgencies(ctx context.Context, within int64) ([]Agency, error) {
	out := []Agency{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+agencyCols+agencyFrom+`
		WHERE $1 = 0 OR g.id = ANY($2) ORDER BY g.code`, within, pq.Array(s.subtreeOrNil(ctx, within)))
	if err != nil {
		return nil, fmt.Errorf("list agencies: %w", translate(err))
	}
	return out, nil
}

func (s *Store) subtreeOrNil(ctx context.Context, root int64) []int64 {
	if root == 0 {
		return nil
	}
	ids, _ := s.AgencySubtree(ctx, root)
	return ids
}

// AgencyByCode returns one agency.
func (s *Store) AgencyByCode(ctx context.Context, code string) (Agency, error) {
	return agencyByCode(ctx, s.db, code)
}

func agencyByCode(ctx context.Context, q sqlx.QueryerContext, code string) (Agency, error) {
	var a Agency
	if err := sqlx.GetContext(ctx, q, &a, `SELECT `+agencyCols+agencyFrom+`WHERE g.code = $1`, code); err != nil {
		return a, fmt.Errorf("agency %q: %w", code, translate(err))
	}
	return a, nil
}

// AgencySubtree returns root and every agency below it.
func (s *Store) AgencySubtree(ctx context.Context, root int64) ([]int64, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, `WITH RECURSIVE t(id) AS (
			SELECT id FROM agencies WHERE id = $1
			UNION SELECT a.id FROM agencies a JOIN t ON a.parent_id = t.id)
		SELECT id FROM t`, root)
	if err != nil {
		return nil, fmt.Errorf("agency subtree %d: %w", root, translate(err))
	}
	return ids, nil
}

// AgencyWithin reports whether agency id is root or below it: an agency
// manager's reach.
func (s *Store) AgencyWithin(ctx context.Context, root, id int64) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `WITH RECURSIVE up(id, parent_id) AS (
			SELECT id, parent_id FROM agencies WHERE id = $2
			UNION SELECT a.id, a.parent_id FROM agencies a JOIN up ON a.id = up.parent_id)
		SELECT EXISTS (SELECT 1 FROM up WHERE id = $1)`, root, id)
	if err != nil {
		return false, fmt.Errorf("agency within: %w", translate(err))
	}
	return ok, nil
}

// CreateAgency adds an agency under its parent.
func (s *Store) CreateAgency(ctx context.Context, actor Actor, in AgencyInput) (Agency, error) {
	var a Agency
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO agencies (code, parent_id, name_vi, name_en, note, source)
			VALUES ($1, (SELECT id FROM agencies WHERE code = NULLIF($2, '')), $3, $4, $5, 'api')`,
			in.Code, in.ParentCode, strings.TrimSpace(in.NameVi), strings.TrimSpace(in.NameEn), in.Note)
		if err != nil {
			return fmt.Errorf("create agency %q: %w", in.Code, translate(err))
		}
		if a, err = agencyByCode(ctx, tx, in.Code); err != nil {
			return err
		}
		if in.ParentCode != "" && a.ParentID == nil {
			return fmt.Errorf("parent agency %q: %w", in.ParentCode, ErrNotFound)
		}
		return audit(ctx, tx, actor, "agency.create", "agency", a.Code, nil, a)
	})
	return a, err
}

// UpdateAgency replaces an agency's names, note and parent (the code is its
// identity and does not change).
func (s *Store) UpdateAgency(ctx context.Context, actor Actor, code string, in AgencyInput) (Agency, error) {
	return s.PatchAgency(ctx, actor, code, AgencyPatch{ParentCode: &in.ParentCode, NameVi: &in.NameVi,
		NameEn: &in.NameEn, Note: &in.Note})
}

// AgencyPatch is an edit of an agency: nil fields keep their value, an empty
// ParentCode moves the agency to the top level.
type AgencyPatch struct {
	ParentCode, NameVi, NameEn, Note *string
}

// PatchAgency changes the fields the patch sets, in one transaction, and
// marks the agency as edited by staff so that `loa seed` keeps the edit. An
// unknown parent, the agency itself or one of its descendants as parent is a
// FieldError on "parent".
func (s *Store) PatchAgency(ctx context.Context, actor Actor, code string, p AgencyPatch) (Agency, error) {
	var after Agency
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var before Agency
		if err := tx.GetContext(ctx, &before, `SELECT `+agencyCols+agencyFrom+`WHERE g.code = $1 FOR UPDATE OF g`, code); err != nil {
			return fmt.Errorf("agency %q: %w", code, translate(err))
		}
		parent := before.ParentID
		if p.ParentCode != nil {
			parent = nil
			if *p.ParentCode != "" {
				id, err := agencyParent(ctx, tx, before.ID, *p.ParentCode)
				if err != nil {
					return err
				}
				parent = &id
			}
		}
		set := func(v *string, old string) string {
			if v == nil {
				return old
			}
			return strings.TrimSpace(*v)
		}
		_, err := tx.ExecContext(ctx, `UPDATE agencies SET parent_id = $2, name_vi = $3, name_en = $4, note = $5,
			updated_at = now(), staff_edited_at = now() WHERE id = $1`, before.ID, parent,
			set(p.NameVi, before.NameVi), set(p.NameEn, before.NameEn), set(p.Note, before.Note))
		if err != nil {
			return fmt.Errorf("update agency %q: %w", code, translate(err))
		}
		if after, err = agencyByCode(ctx, tx, code); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "agency.update", "agency", code, before, after)
	})
	return after, err
}

// agencyParent resolves a new parent for agency id, refusing an unknown code
// and a cycle (the agency itself or one of its descendants) by name, before
// the database trigger would refuse it without saying which field.
func agencyParent(ctx context.Context, tx *sqlx.Tx, id int64, parentCode string) (int64, error) {
	var p struct {
		ID    int64 `db:"id"`
		Cycle bool  `db:"cycle"`
	}
	err := tx.GetContext(ctx, &p, `WITH RECURSIVE up(id) AS (
			SELECT id FROM agencies WHERE code = $2
			UNION SELECT a.parent_id FROM agencies a JOIN up ON a.id = up.id WHERE a.parent_id IS NOT NULL)
		SELECT COALESCE((SELECT id FROM agencies WHERE code = $2), 0) AS id, EXISTS (SELECT 1 FROM up WHERE id = $1) AS cycle`,
		id, parentCode)
	switch {
	case err != nil:
		return 0, fmt.Errorf("agency parent %q: %w", parentCode, translate(err))
	case p.ID == 0:
		return 0, InvalidField("parent", fmt.Sprintf("no agency has the code %q", parentCode))
	case p.ID == id:
		return 0, InvalidField("parent", "an agency cannot be its own parent")
	case p.Cycle:
		return 0, InvalidField("parent", fmt.Sprintf("%q is below this agency; an agency cannot be under one of its own sub-agencies", parentCode))
	}
	return p.ID, nil
}
