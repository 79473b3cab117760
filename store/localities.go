package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/loa-vn/loa/store/fold"
)

// Locality is a current administrative unit (a ward or commune, or the city).
type Locality struct {
	ID     int64  `db:"id"`
	Code   string `db:"code"`
	Kind   string `db:"kind"`
	NameVi string `db:"name_vi"`
}

// LocalityMatch is one ranked answer to a locality search. Via says what the
// query matched: the unit's own name, a former ward/commune it took over, or a
// former district; Matched is that name, so the bot can say "since 1/7/2025
// Hàng Bạc belongs to Phường Hoàn Kiếm".
type LocalityMatch struct {
	Locality
	Via     string  `db:"via"`
	Matched string  `db:"matched"`
	Score   float64 `db:"score"`
}

// Via values.
const (
	ViaCurrent        = "current"
	ViaFormerUnit     = "former_unit"
	ViaFormerDistrict = "former_district"
)

// kindWords are the words people put before a place name; they carry no
// information for matching ("phuong hang bac" is "hang bac").
var kindWords = []string{"thanh pho ", "thi tran ", "thi xa ", "phuong ", "xa ", "quan ", "huyen ", "tp ", "p ", "q "}

// SearchName folds a place name or query and drops its leading kind word.
func SearchName(s string) string {
	f := fold.String(s)
	for _, w := range kindWords {
		if strings.HasPrefix(f, w) && len(f) > len(w) {
			return f[len(w):]
		}
	}
	return f
}

// SearchLocalities finds current units by their name, a former ward/commune's
// name or a former district's name, with or without diacritics and with small
// typos, best first. Scores: an exact name beats a prefix, which beats a fuzzy
// match; the unit's own name beats a former ward, which beats a former district.
func (s *Store) SearchLocalities(ctx context.Context, query string, limit int) ([]LocalityMatch, error) {
	q := SearchName(query)
	if q == "" {
		return nil, fmt.Errorf("%w: the place name is empty", ErrInvalid)
	}
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	stmt, err := s.searchStmt(ctx)
	if err != nil {
		return nil, fmt.Errorf("search localities: %w", err)
	}
	var out []LocalityMatch
	err = stmt.SelectContext(ctx, &out, q, limit)
	if err != nil {
		return nil, fmt.Errorf("search localities %q: %w", q, translate(err))
	}
	return out, nil
}

// searchStmt prepares the search once: planning the query costs more than
// running it on a few hundred names.
func (s *Store) searchStmt(ctx context.Context) (*sqlx.Stmt, error) {
	s.prepMu.Lock()
	defer s.prepMu.Unlock()
	if s.searchPrep == nil {
		stmt, err := s.db.PreparexContext(ctx, searchLocalitiesSQL)
		if err != nil {
			return nil, err
		}
		s.searchPrep = stmt
	}
	return s.searchPrep, nil
}

const searchLocalitiesSQL = `
WITH names AS (
	SELECT l.id AS locality_id, 'current' AS via, l.name_vi AS matched, l.search_name AS term, 1.0 AS weight
	FROM localities l WHERE l.kind <> 'city'
	UNION ALL
	SELECT lf.locality_id, 'former_unit', f.name_vi, f.search_name,
		CASE lf.relation WHEN 'whole' THEN 0.95 WHEN 'part_area_only' THEN 0.8 ELSE 0.9 END
	FROM former_units f JOIN locality_former_units lf ON lf.former_unit_id = f.id
	WHERE f.district_id IS NOT NULL
	UNION ALL
	SELECT lf.locality_id, 'former_district', f.name_vi, f.search_name, 0.85 - 0.02 * least(lf.rank, 5)
	FROM former_units f JOIN locality_former_units lf ON lf.former_unit_id = f.id
	WHERE f.district_id IS NULL
), scored AS (
	SELECT locality_id, via, matched, weight * CASE
		WHEN term = $1 THEN 1.0
		WHEN term LIKE $1 || '%' THEN 0.8
		ELSE 0.7 * greatest(similarity(term, $1), word_similarity(term, $1))
	END AS score
	FROM names
	WHERE term = $1 OR term LIKE $1 || '%' OR term % $1 OR term <% $1
), best AS (
	SELECT DISTINCT ON (locality_id) locality_id, via, matched, score
	FROM scored ORDER BY locality_id, score DESC
)
SELECT l.id, l.code, l.kind, l.name_vi, b.via, b.matched, round(b.score::numeric, 4)::float8 AS score
FROM best b JOIN localities l ON l.id = b.locality_id
ORDER BY b.score DESC, l.name_vi
LIMIT $2`

// LocalityByCode returns a current unit by its code.
func (s *Store) LocalityByCode(ctx context.Context, code string) (Locality, error) {
	var l Locality
	err := s.db.GetContext(ctx, &l, `SELECT id, code, kind, name_vi FROM localities WHERE code = $1`, code)
	if err != nil {
		return l, fmt.Errorf("locality %q: %w", code, translate(err))
	}
	return l, nil
}

// LocalityByID returns a current unit by id.
func (s *Store) LocalityByID(ctx context.Context, id int64) (Locality, error) {
	var l Locality
	err := s.db.GetContext(ctx, &l, `SELECT id, code, kind, name_vi FROM localities WHERE id = $1`, id)
	if err != nil {
		return l, fmt.Errorf("locality %d: %w", id, translate(err))
	}
	return l, nil
}

// CountLocalities returns how many current units, former districts and former
// wards/communes the database holds.
func (s *Store) CountLocalities(ctx context.Context) (current, districts, former int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM localities WHERE kind <> 'city'),
		(SELECT count(*) FROM former_units WHERE district_id IS NULL),
		(SELECT count(*) FROM former_units WHERE district_id IS NOT NULL)`).Scan(&current, &districts, &former)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("count localities: %w", translate(err))
	}
	return current, districts, former, nil
}
