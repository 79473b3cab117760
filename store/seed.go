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

// Seed writes a city's reference data in one transaction with set-based upserts:
// a second run changes nothing, and a failure leaves the database as it was.
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

// countUpsert runs an upsert whose RETURNING yields (xmax = 0) per changed row:
// true for an insert, false for an update; unchanged rows return nothing.
func countUpsert(ctx context.Context, tx *sqlx.Tx, c *SeedCount, q string, args ...any) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var inserted bool
		if err := rows.Scan(&inserted); err != nil {
			return err
		}
		if inserted {
			c.Added++
		} else {
			c.Updated++
		}
	}
	return rows.Err()
}

func seedLocalities(ctx context.Context, tx *sqlx.Tx, ds *seed.Dataset) (SeedCount, error) {
	c := SeedCount{Kind: "current units", Total: len(ds.Localities)}
	city := ds.City
	var cityCount SeedCount
	if err := countUpsert(ctx, tx, &cityCount, `
		INSERT INTO localities (code, kind, name_vi, name_ascii, search_name, source)
		VALUES ($1, 'city', $2, $3, $4, $5)
		ON CONFLICT (code) DO UPDATE SET name_vi = EXCLUDED.name_vi, name_ascii = EXCLUDED.name_ascii,
			search_name = EXCLUDED.search_name, source = EXCLUDED.source, updated_at = now()
		WHERE (localities.name_vi, localities.name_ascii, localities.search_name, localities.source)
			IS DISTINCT FROM (EXCLUDED.name_vi, EXCLUDED.name_ascii, EXCLUDED.search_name, EXCLUDED.source)
		RETURNING (xmax = 0)`, city.Code, city.NameVi, city.NameASCII, SearchName(city.NameVi), city.Source); err != nil {
		return c, err
	}
	n := len(ds.Localities)
	code, name, ascii, kind, gso, src, search := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, l := range ds.Localities {
		code[i], name[i], ascii[i], kind[i], gso[i], src[i] = l.Code, l.NameVi, l.NameASCII, l.Kind, l.GSOCode, l.Source
		search[i] = SearchName(l.NameVi)
	}
	err := countUpsert(ctx, tx, &c, `
		INSERT INTO localities (code, parent_id, kind, name_vi, name_ascii, search_name, gso_code, source)
		SELECT u.code, (SELECT id FROM localities WHERE code = $1), u.kind, u.name, u.ascii, u.search,
			NULLIF(u.gso, ''), u.src
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
			AS u(code, kind, name, ascii, search, gso, src)
		ON CONFLICT (code) DO UPDATE SET parent_id = EXCLUDED.parent_id, kind = EXCLUDED.kind,
			name_vi = EXCLUDED.name_vi, name_ascii = EXCLUDED.name_ascii, search_name = EXCLUDED.search_name,
			gso_code = EXCLUDED.gso_code, source = EXCLUDED.source, updated_at = now()
		WHERE (localities.parent_id, localities.kind, localities.name_vi, localities.name_ascii,
				localities.search_name, localities.gso_code, localities.source)
			IS DISTINCT FROM (EXCLUDED.parent_id, EXCLUDED.kind, EXCLUDED.name_vi, EXCLUDED.name_ascii,
				EXCLUDED.search_name, EXCLUDED.gso_code, EXCLUDED.source)
		RETURNING (xmax = 0)`,
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
	return countUpsert(ctx, tx, c, `
		INSERT INTO former_units (code, city_id, district_id, kind, name_vi, search_name, source)
		SELECT u.code, (SELECT id FROM localities WHERE code = $1),
			(SELECT id FROM former_units d WHERE d.code = NULLIF(u.district, '')),
			u.kind, u.name, u.search, u.src
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
			AS u(code, kind, name, search, district, src)
		ON CONFLICT (code) DO UPDATE SET district_id = EXCLUDED.district_id, kind = EXCLUDED.kind,
			name_vi = EXCLUDED.name_vi, search_name = EXCLUDED.search_name, source = EXCLUDED.source
		WHERE (former_units.district_id, former_units.kind, former_units.name_vi, former_units.search_name,
				former_units.source)
			IS DISTINCT FROM (EXCLUDED.district_id, EXCLUDED.kind, EXCLUDED.name_vi, EXCLUDED.search_name,
				EXCLUDED.source)
		RETURNING (xmax = 0)`,
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
	err := countUpsert(ctx, tx, &c, `
		INSERT INTO locality_former_units (locality_id, former_unit_id, relation, rank, clause)
		SELECT l.id, f.id, u.rel, u.rank, NULLIF(u.clause, 0)
		FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[]) AS u(loc, former, rel, rank, clause)
		JOIN localities l ON l.code = u.loc
		JOIN former_units f ON f.code = u.former
		ON CONFLICT (locality_id, former_unit_id) DO UPDATE SET relation = EXCLUDED.relation,
			rank = EXCLUDED.rank, clause = EXCLUDED.clause
		WHERE (locality_former_units.relation, locality_former_units.rank, locality_former_units.clause)
			IS DISTINCT FROM (EXCLUDED.relation, EXCLUDED.rank, EXCLUDED.clause)
		RETURNING (xmax = 0)`,
		pq.Array(loc), pq.Array(former), pq.Array(rel), pq.Array(rank), pq.Array(clause))
	return c, err
}

func seedAgencies(ctx context.Context, tx *sqlx.Tx, ds *seed.Dataset) (SeedCount, error) {
	c := SeedCount{Kind: "agencies", Total: len(ds.Agencies)}
	n := len(ds.Agencies)
	code, parent, nameVi, nameEn, note, src := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n)
	for i, a := range ds.Agencies {
		code[i], parent[i], nameVi[i], nameEn[i], note[i], src[i] = a.Code, a.ParentCode, a.NameVi, a.NameEn, a.Note, a.Source
	}
	if err := countUpsert(ctx, tx, &c, `
		INSERT INTO agencies (code, name_vi, name_en, note, source)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
		ON CONFLICT (code) DO UPDATE SET name_vi = EXCLUDED.name_vi, name_en = EXCLUDED.name_en,
			note = EXCLUDED.note, source = EXCLUDED.source, updated_at = now()
		WHERE (agencies.name_vi, agencies.name_en, agencies.note, agencies.source)
			IS DISTINCT FROM (EXCLUDED.name_vi, EXCLUDED.name_en, EXCLUDED.note, EXCLUDED.source)
		RETURNING (xmax = 0)`,
		pq.Array(code), pq.Array(nameVi), pq.Array(nameEn), pq.Array(note), pq.Array(src)); err != nil {
		return c, err
	}
	// Parents in a second statement: a parent may be new in this same run.
	res, err := tx.ExecContext(ctx, `
		UPDATE agencies a SET parent_id = p.id, updated_at = now()
		FROM unnest($1::text[], $2::text[]) AS u(code, parent)
		LEFT JOIN agencies p ON p.code = NULLIF(u.parent, '')
		WHERE a.code = u.code AND a.parent_id IS DISTINCT FROM p.id`,
		pq.Array(code), pq.Array(parent))
	if err != nil {
		return c, err
	}
	if moved, _ := res.RowsAffected(); moved > 0 && c.Added == 0 {
		c.Updated += int(moved)
	}
	return c, nil
}
