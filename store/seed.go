package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/loa-vn/loa/store/seed"
)

// SeedCount says what seeding did to one kind of row.
type SeedCount struct {
	Kind                  string
	Total, Added, Updated int
}

// Unchanged is how many rows were already as the data set says.
func (c SeedCount) Unchanged() int { return c.Total - c.Added - c.Updated }

// Seed writes a city's reference data in one transaction with set-based
// statements: rows the data set has and the database lacks are inserted, rows
// that differ are updated, and a run that changes nothing writes nothing (no
// INSERT ... ON CONFLICT, which draws an id from the sequence for every row it
// tries). A failure leaves the database as it was. Agencies that staff created
// or edited through the API are theirs: the seed never updates them, as it
// never overwrites FAQ entries.
func (s *Store) Seed(ctx context.Context, ds *seed.Dataset) ([]SeedCount, error) {
	var out []SeedCount
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		steps := []func(context.Context, *sqlx.Tx, *seed.Dataset) (SeedCount, error){
			seedLocalities, seedDistricts, seedFormerUnits, seedLinks, seedAgencies,
		}
		for _, step := range steps {
			c, err := step(ctx, tx, ds)
			if err != nil {
				return fmt.Errorf("seed %s: %w", c.Kind, translate(err))
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// insertUpdate runs the insert of missing rows, then the update of changed
// ones, with the same arguments, and counts what each wrote.
func insertUpdate(ctx context.Context, tx *sqlx.Tx, c *SeedCount, insert, update string, args ...any) error {
	res, err := tx.ExecContext(ctx, insert, args...)
	if err != nil {
		return err
	}
	n, _ := res.RowsAffected()
	c.Added += int(n)
	if res, err = tx.ExecContext(ctx, update, args...); err != nil {
		return err
	}
	n, _ = res.RowsAffected()
	c.Updated += int(n)
	return nil
}

func seedLocalities(ctx context.Context, tx *sqlx.Tx, ds *seed.Dataset) (SeedCount, error) {
	c := SeedCount{Kind: "current units", Total: len(ds.Localities)}
	city := ds.City
	var cityCount SeedCount
	if err := insertUpdate(ctx, tx, &cityCount, `
		INSERT INTO localities (code, kind, name_vi, name_ascii, search_name, source)
		SELECT $1, 'city', $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM localities WHERE code = $1)`, `
		UPDATE localities SET name_vi = $2, name_ascii = $3, search_name = $4, source = $5, updated_at = now()
		WHERE code = $1 AND (name_vi, name_ascii, search_name, source) IS DISTINCT FROM ($2, $3, $4, $5)`,
		city.Code, city.NameVi, city.NameASCII, SearchName(city.NameVi), city.Source); err != nil {
		return c, err
	}
	n := len(ds.Localities)
	code, name, ascii, kind, gso, src, search := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, l := range ds.Localities {
		code[i], name[i], ascii[i], kind[i], gso[i], src[i] = l.Code, l.NameVi, l.NameASCII, l.Kind, l.GSOCode, l.Source
		search[i] = SearchName(l.NameVi)
	}
	const rows = `SELECT u.code, (SELECT id FROM localities WHERE code = $1) AS parent_id, u.kind, u.name, u.ascii,
			u.search, NULLIF(u.gso, '') AS gso, u.src
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
			AS u(code, kind, name, ascii, search, gso, src)`
	err := insertUpdate(ctx, tx, &c, `
		INSERT INTO localities (code, parent_id, kind, name_vi, name_ascii, search_name, gso_code, source)
		SELECT * FROM (`+rows+`) n WHERE NOT EXISTS (SELECT 1 FROM localities l WHERE l.code = n.code)`, `
		UPDATE localities l SET parent_id = n.parent_id, kind = n.kind, name_vi = n.name, name_ascii = n.ascii,
			search_name = n.search, gso_code = n.gso, source = n.src, updated_at = now()
		FROM (`+rows+`) n
		WHERE l.code = n.code AND (l.parent_id, l.kind, l.name_vi, l.name_ascii, l.search_name, l.gso_code, l.source)
			IS DISTINCT FROM (n.parent_id, n.kind, n.name, n.ascii, n.search, n.gso, n.src)`,
		city.Code, pq.Array(code), pq.Array(kind), pq.Array(name), pq.Array(ascii), pq.Array(search),
		pq.Array(gso), pq.Array(src))
	return c, err
}

func seedDistricts(ctx context.Context, tx *sqlx.Tx, ds *seed.Dataset) (SeedCount, error) {
	c := SeedCount{Kind: "former districts", Total: len(ds.Districts)}
	return c, upsertFormer(ctx, tx, &c, ds.City.Code, ds.Districts)
}

func seedFormerUnits(ctx context.Context, tx *sqlx.Tx, ds *seed.Dataset) (SeedCount, error) {
	c := SeedCount{Kind: "former units", Total: len(ds.FormerUnits)}
	return c, upsertFormer(ctx, tx, &c, ds.City.Code, ds.FormerUnits)
}

func upsertFormer(ctx context.Context, tx *sqlx.Tx, c *SeedCount, city string, units []seed.FormerUnit) error {
	n := len(units)
	code, kind, name, search, district, src := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n)
	for i, u := range units {
		code[i], kind[i], name[i], district[i], src[i] = u.Code, u.Kind, u.NameVi, u.DistrictCode, u.Source
		search[i] = SearchName(u.NameVi)
	}
	const rows = `SELECT u.code, (SELECT id FROM localities WHERE code = $1) AS city_id,
			(SELECT id FROM former_units d WHERE d.code = NULLIF(u.district, '')) AS district_id,
			u.kind, u.name, u.search, u.src
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
			AS u(code, kind, name, search, district, src)`
	return insertUpdate(ctx, tx, c, `
		INSERT INTO former_units (code, city_id, district_id, kind, name_vi, search_name, source)
		SELECT * FROM (`+rows+`) n WHERE NOT EXISTS (SELECT 1 FROM former_units f WHERE f.code = n.code)`, `
		UPDATE former_units f SET district_id = n.district_id, kind = n.kind, name_vi = n.name,
			search_name = n.search, source = n.src
		FROM (`+rows+`) n
		WHERE f.code = n.code AND (f.district_id, f.kind, f.name_vi, f.search_name, f.source)
			IS DISTINCT FROM (n.district_id, n.kind, n.name, n.search, n.src)`,
		city, pq.Array(code), pq.Array(kind), pq.Array(name), pq.Array(search), pq.Array(district), pq.Array(src))
}

func seedLinks(ctx context.Context, tx *sqlx.Tx, ds *seed.Dataset) (SeedCount, error) {
	c := SeedCount{Kind: "links to former units", Total: len(ds.Links)}
	n := len(ds.Links)
	loc, former, rel := make([]string, n), make([]string, n), make([]string, n)
	rank, clause := make([]int64, n), make([]int64, n)
	for i, l := range ds.Links {
		loc[i], former[i], rel[i], rank[i], clause[i] = l.LocalityCode, l.FormerCode, l.Relation, int64(l.Rank), int64(l.Clause)
	}
	const rows = `SELECT l.id AS locality_id, f.id AS former_unit_id, u.rel, u.rank::smallint AS rank,
			NULLIF(u.clause, 0)::smallint AS clause
		FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[]) AS u(loc, former, rel, rank, clause)
		JOIN localities l ON l.code = u.loc
		JOIN former_units f ON f.code = u.former`
	err := insertUpdate(ctx, tx, &c, `
		INSERT INTO locality_former_units (locality_id, former_unit_id, relation, rank, clause)
		SELECT * FROM (`+rows+`) n WHERE NOT EXISTS (SELECT 1 FROM locality_former_units x
			WHERE x.locality_id = n.locality_id AND x.former_unit_id = n.former_unit_id)`, `
		UPDATE locality_former_units x SET relation = n.rel, rank = n.rank, clause = n.clause
		FROM (`+rows+`) n
		WHERE x.locality_id = n.locality_id AND x.former_unit_id = n.former_unit_id
			AND (x.relation, x.rank, x.clause) IS DISTINCT FROM (n.rel, n.rank, n.clause)`,
		pq.Array(loc), pq.Array(former), pq.Array(rel), pq.Array(rank), pq.Array(clause))
	return c, err
}

// seedAgencies inserts missing agencies and updates only those the data set
// still owns: not created through the API (source 'api') and never edited by
// staff (staff_edited_at). Parents go in a second statement: a parent may be
// new in this same run.
func seedAgencies(ctx context.Context, tx *sqlx.Tx, ds *seed.Dataset) (SeedCount, error) {
	c := SeedCount{Kind: "agencies", Total: len(ds.Agencies)}
	n := len(ds.Agencies)
	code, parent, nameVi, nameEn, note, src := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n)
	for i, a := range ds.Agencies {
		code[i], parent[i], nameVi[i], nameEn[i], note[i], src[i] = a.Code, a.ParentCode, a.NameVi, a.NameEn, a.Note, a.Source
	}
	var added, changed []string
	err := tx.SelectContext(ctx, &added, `
		INSERT INTO agencies (code, name_vi, name_en, note, source)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(code, name_vi, name_en, note, source)
		WHERE NOT EXISTS (SELECT 1 FROM agencies a WHERE a.code = u.code)
		RETURNING code`,
		pq.Array(code), pq.Array(nameVi), pq.Array(nameEn), pq.Array(note), pq.Array(src))
	if err != nil {
		return c, err
	}
	const seedOwned = `a.staff_edited_at IS NULL AND a.source <> 'api'`
	if err := tx.SelectContext(ctx, &changed, `
		UPDATE agencies a SET name_vi = u.name_vi, name_en = u.name_en, note = u.note, source = u.source, updated_at = now()
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(code, name_vi, name_en, note, source)
		WHERE a.code = u.code AND `+seedOwned+`
			AND (a.name_vi, a.name_en, a.note, a.source) IS DISTINCT FROM (u.name_vi, u.name_en, u.note, u.source)
		RETURNING a.code`,
		pq.Array(code), pq.Array(nameVi), pq.Array(nameEn), pq.Array(note), pq.Array(src)); err != nil {
		return c, err
	}
	var moved []string
	if err := tx.SelectContext(ctx, &moved, `
		UPDATE agencies a SET parent_id = p.id, updated_at = now()
		FROM unnest($1::text[], $2::text[]) AS u(code, parent)
		LEFT JOIN agencies p ON p.code = NULLIF(u.parent, '')
		WHERE a.code = u.code AND a.parent_id IS DISTINCT FROM p.id AND `+seedOwned+`
		RETURNING a.code`,
		pq.Array(code), pq.Array(parent)); err != nil {
		return c, err
	}
	seen := map[string]bool{}
	for _, a := range added {
		seen[a] = true
	}
	c.Added = len(added)
	for _, a := range append(changed, moved...) {
		if !seen[a] {
			seen[a] = true
			c.Updated++
		}
	}
	return c, nil
}
