// Package seed reads the reference data Loa ships (Hanoi's localities, former
// districts and wards, agencies) and checks every row before anything is written.
package seed

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"github.com/loa-vn/loa/store/fold"
)

//go:embed data/*.csv
var dataFS embed.FS

// Hanoi returns the embedded Hanoi data set.
func Hanoi() fs.FS {
	sub, err := fs.Sub(dataFS, "data")
	if err != nil {
		panic(err) // guaranteed by the embed pattern
	}
	return sub
}

// Dataset is one city's reference data, validated.
type Dataset struct {
	City        Locality
	Localities  []Locality
	Districts   []FormerUnit
	FormerUnits []FormerUnit // wards, communes, townships
	Links       []Link
	Agencies    []Agency
}

// Locality is a current administrative unit.
type Locality struct {
	Code, NameVi, NameASCII, Kind, GSOCode, Source string
}

// FormerUnit is a unit that existed before 1 July 2025.
type FormerUnit struct {
	Code, NameVi, Kind, DistrictCode, Source string
}

// Link says a current unit took over (part of) a former unit or district.
type Link struct {
	LocalityCode, FormerCode, Relation string
	Rank, Clause                       int
}

// Agency is a city body; ParentCode is empty for a root.
type Agency struct {
	Code, ParentCode, NameVi, NameEn, Note, Source string
}

var codeRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Slug turns a Vietnamese name into a code: "Phường Hàng Bạc" → "phuong-hang-bac".
func Slug(name string) string { return strings.ReplaceAll(fold.String(name), " ", "-") }

// Load reads and checks the four files of a city's data set in fsys.
func Load(fsys fs.FS, city Locality) (*Dataset, error) {
	ds := &Dataset{City: city}
	steps := []struct {
		file string
		fn   func(row) error
	}{
		{"hanoi-former-districts.csv", ds.addDistrict},
		{"hanoi-localities.csv", ds.addLocality},
		{"hanoi-former-units-mapping.csv", ds.addMapping()},
		{"hanoi-agencies.csv", ds.addAgency},
	}
	for _, s := range steps {
		if err := readCSV(fsys, s.file, s.fn); err != nil {
			return nil, err
		}
	}
	if err := ds.checkAgencies(); err != nil {
		return nil, err
	}
	return ds, nil
}

// row is one CSV record addressed by column name.
type row struct {
	cols map[string]int
	rec  []string
}

func (r row) get(name string) string { return strings.TrimSpace(r.rec[r.cols[name]]) }

// readCSV calls fn for each record, naming the file and line of any problem.
func readCSV(fsys fs.FS, name string, fn func(row) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("seed: %s: reading header: %w", name, err)
	}
	cols := make(map[string]int, len(header))
	for i, h := range header {
		cols[strings.TrimPrefix(h, "\ufeff")] = i
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return fmt.Errorf("seed: %s: %w", name, err)
		}
		if err := fn(row{cols: cols, rec: rec}); err != nil {
			return fmt.Errorf("seed: %s line %d: %w", name, line, err)
		}
	}
}

func need(r row, names ...string) error {
	for _, n := range names {
		if _, ok := r.cols[n]; !ok {
			return fmt.Errorf("column %q is missing", n)
		}
		if r.get(n) == "" {
			return fmt.Errorf("%s is empty", n)
		}
	}
	return nil
}

func (ds *Dataset) addDistrict(r row) error {
	if err := need(r, "code", "name_vi", "kind"); err != nil {
		return err
	}
	code, kind := r.get("code"), r.get("kind")
	if !codeRe.MatchString(code) {
		return fmt.Errorf("code %q is not a lower-case slug", code)
	}
	if kind != "urban_district" && kind != "rural_district" && kind != "town" {
		return fmt.Errorf("kind %q is not urban_district, rural_district or town", kind)
	}
	ds.Districts = append(ds.Districts, FormerUnit{Code: code, NameVi: r.get("name_vi"), Kind: kind, Source: r.get("source")})
	return nil
}

func (ds *Dataset) districtByName(name string) (string, bool) {
	for _, d := range ds.Districts {
		if d.NameVi == name || fold.String(d.NameVi) == fold.String(name) {
			return d.Code, true
		}
	}
	return "", false
}

func (ds *Dataset) addLocality(r row) error {
	if err := need(r, "code", "name_vi", "name_ascii", "kind"); err != nil {
		return err
	}
	l := Locality{Code: r.get("code"), NameVi: r.get("name_vi"), NameASCII: r.get("name_ascii"),
		Kind: r.get("kind"), Source: r.get("source")}
	if !codeRe.MatchString(l.Code) {
		return fmt.Errorf("code %q is not a lower-case slug", l.Code)
	}
	if l.Kind != "ward" && l.Kind != "commune" {
		return fmt.Errorf("kind %q is not ward or commune", l.Kind)
	}
	for rank, name := range strings.Split(r.get("former_districts"), "|") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		dc, ok := ds.districtByName(name)
		if !ok {
			return fmt.Errorf("former district %q is not in hanoi-former-districts.csv", name)
		}
		ds.Links = append(ds.Links, Link{LocalityCode: l.Code, FormerCode: dc, Relation: "district", Rank: rank})
	}
	ds.Localities = append(ds.Localities, l)
	return nil
}

var relations = map[string]bool{"whole": true, "part": true, "part_area_all_population": true,
	"part_area_only": true, "remainder": true}

// addMapping returns the row handler for the mapping file; it remembers the
// former units already seen, since one can go to several new units.
func (ds *Dataset) addMapping() func(row) error {
	seen := map[string]bool{}
	locs := map[string]int{}
	return func(r row) error {
		if len(locs) == 0 {
			for i, l := range ds.Localities {
				locs[l.Code] = i
			}
		}
		if err := need(r, "new_code", "former_unit_vi", "former_unit_type", "former_district_vi", "relation"); err != nil {
			return err
		}
		li, ok := locs[r.get("new_code")]
		if !ok {
			return fmt.Errorf("new_code %q is not in hanoi-localities.csv", r.get("new_code"))
		}
		if gso := r.get("new_gso_code"); gso != "" {
			ds.Localities[li].GSOCode = gso
		}
		dc, ok := ds.districtByName(r.get("former_district_vi"))
		if !ok {
			return fmt.Errorf("former district %q is not in hanoi-former-districts.csv", r.get("former_district_vi"))
		}
		kind, rel := r.get("former_unit_type"), r.get("relation")
		if kind != "ward" && kind != "commune" && kind != "township" {
			return fmt.Errorf("former_unit_type %q is not ward, commune or township", kind)
		}
		if !relations[rel] {
			return fmt.Errorf("relation %q is not one of whole, part, part_area_all_population, part_area_only, remainder", rel)
		}
		clause, err := strconv.Atoi(r.get("resolution_clause"))
		if err != nil || clause <= 0 {
			return fmt.Errorf("resolution_clause %q is not a positive number", r.get("resolution_clause"))
		}
		code := dc + "-" + Slug(r.get("former_unit_vi"))
		if !seen[code] {
			seen[code] = true
			ds.FormerUnits = append(ds.FormerUnits, FormerUnit{Code: code, NameVi: r.get("former_unit_vi"),
				Kind: kind, DistrictCode: dc, Source: r.get("source")})
		}
		ds.Links = append(ds.Links, Link{LocalityCode: r.get("new_code"), FormerCode: code, Relation: rel, Clause: clause})
		return nil
	}
}

func (ds *Dataset) addAgency(r row) error {
	if err := need(r, "code", "name_vi"); err != nil {
		return err
	}
	a := Agency{Code: r.get("code"), ParentCode: r.get("parent_code"), NameVi: r.get("name_vi"),
		NameEn: r.get("name_en"), Note: r.get("note"), Source: r.get("source")}
	if !codeRe.MatchString(a.Code) {
		return fmt.Errorf("code %q is not a lower-case slug", a.Code)
	}
	ds.Agencies = append(ds.Agencies, a)
	return nil
}

// checkAgencies refuses unknown parents and cycles before the database sees them.
func (ds *Dataset) checkAgencies() error {
	parent := map[string]string{}
	for _, a := range ds.Agencies {
		if _, dup := parent[a.Code]; dup {
			return fmt.Errorf("seed: hanoi-agencies.csv: agency %q appears twice", a.Code)
		}
		parent[a.Code] = a.ParentCode
	}
	for _, a := range ds.Agencies {
		seen := map[string]bool{a.Code: true}
		for p := a.ParentCode; p != ""; p = parent[p] {
			if _, ok := parent[p]; !ok {
				return fmt.Errorf("seed: hanoi-agencies.csv: agency %q has unknown parent %q", a.Code, p)
			}
			if seen[p] {
				return fmt.Errorf("seed: hanoi-agencies.csv: agency %q is its own ancestor", a.Code)
			}
			seen[p] = true
		}
	}
	return nil
}

// HanoiCity is the city row the Hanoi data set hangs from.
var HanoiCity = Locality{Code: "ha-noi", NameVi: "Thành phố Hà Nội", NameASCII: "Thanh pho Ha Noi", Kind: "city",
	Source: "https://xaydungchinhsach.chinhphu.vn/sap-xep-dvhc-danh-sach-126-xa-phuong-moi-cua-ha-noi-119250622193659228.htm"}
