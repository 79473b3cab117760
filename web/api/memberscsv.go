package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/fold"
)

// LineError is one refused CSV line, numbered as a spreadsheet shows it
// (the header is line 1).
type LineError struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
}

// column names accepted in the header, folded (no diacritics, lower case).
var headerAliases = map[string]string{
	"name": "name", "full name": "name", "fullname": "name", "ho ten": "name", "ho va ten": "name", "ten": "name",
	"phone": "phone", "phone number": "phone", "mobile": "phone", "so dien thoai": "phone", "dien thoai": "phone",
	"sdt": "phone", "so dt": "phone",
	"position": "position", "title": "position", "job title": "position", "chuc vu": "position", "vi tri": "position",
	"locality": "locality", "ward": "locality", "commune": "locality", "phuong xa": "locality", "phuong/xa": "locality",
	"xa/phuong": "locality", "dia ban": "locality", "dia phuong": "locality",
}

// localityResolver maps a CSV locality cell to a current unit.
type localityResolver func(cell string) (*int64, error)

// csvResult is a parsed member file.
type csvResult struct {
	Rows    []store.MemberRow
	Bad     []LineError
	Total   int      // data lines read
	Ignored []string // header columns that are not used
}

// parseMembersCSV reads a member list: UTF-8 with or without BOM, comma or
// semicolon (sniffed from the header), header names in Vietnamese or English.
// Every bad line is reported (no cap: the totals are true). A line that is
// not CSV at all (a stray or unclosed quote) makes the whole file unreadable:
// that is an error naming the line, since what follows it cannot be trusted.
func parseMembersCSV(data []byte, resolve localityResolver) (csvResult, error) {
	var res csvResult
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return res, errInvalid("the file is not UTF-8 text; save it from the spreadsheet as \"CSV UTF-8\"")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sniffDelimiter(data)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	cols, width, err := readHeader(r, &res)
	if err != nil {
		return res, err
	}
	seen := map[string]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, csvSyntaxError(err)
		}
		line, _ := r.FieldPos(0) // only after a successful Read: a failed one has no fields
		if blank(rec) {
			continue
		}
		res.Total++
		if len(rec) != width {
			res.addBad(LineError{Line: line, Reason: fmt.Sprintf("expected %d columns, found %d", width, len(rec))})
			continue
		}
		res.parseLine(line, rec, cols, seen, resolve)
	}
	if res.Total == 0 {
		return res, errInvalid("the file has a header but no members")
	}
	return res, nil
}

// csvSyntaxError is the 422 for a file the CSV reader cannot read.
func csvSyntaxError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return errInvalid("the file cannot be read as CSV: " + err.Error())
	}
	reason := pe.Err.Error()
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		reason = fmt.Sprintf("a quote character (\") in a cell that is not enclosed in quotes, at column %d; "+
			"enclose the cell in quotes and double each quote inside it (\"\")", pe.Column)
	case errors.Is(pe.Err, csv.ErrQuote):
		reason = fmt.Sprintf("a quoted cell that starts on this line is not closed (no matching quote character by line %d); "+
			"close the quote, and double each quote inside the cell (\"\")", pe.Line)
	}
	line := pe.StartLine
	if line == 0 {
		line = pe.Line
	}
	e := errInvalid(fmt.Sprintf("line %d is not valid CSV: %s; nothing was imported", line, reason),
		FieldError{Path: fmt.Sprintf("line.%d", line), Message: reason})
	e.Code = "invalid_csv"
	e.cause = err
	return e
}

func (res *csvResult) addBad(e LineError) { res.Bad = append(res.Bad, e) }

func sniffDelimiter(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		return ';'
	}
	return ','
}

// readHeader maps column positions to field names and returns how many
// columns every line must have.
func readHeader(r *csv.Reader, res *csvResult) (map[string]int, int, error) {
	head, err := r.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, 0, csvSyntaxError(err)
	}
	if err != nil {
		return nil, 0, errInvalid("the file is empty or its header line cannot be read; the first line must name the columns (name, phone, position, locality)")
	}
	cols := map[string]int{}
	for i, h := range head {
		key := strings.Join(strings.Fields(fold.String(h)), " ")
		field, ok := headerAliases[key]
		if !ok {
			res.Ignored = append(res.Ignored, strings.TrimSpace(h))
			continue
		}
		if _, dup := cols[field]; dup {
			return nil, 0, errInvalid(fmt.Sprintf("line 1: two columns mean %q", field))
		}
		cols[field] = i
	}
	var missing []string
	for _, f := range []string{"name", "phone"} {
		if _, ok := cols[f]; !ok {
			missing = append(missing, f)
		}
	}
	if missing != nil {
		return nil, 0, errInvalid("line 1: the header needs the columns " + strings.Join(missing, " and ") +
			" (\"họ tên\"/\"name\", \"số điện thoại\"/\"phone\"; optional \"chức vụ\"/\"position\", \"phường/xã\"/\"locality\")")
	}
	return cols, len(head), nil
}

func (res *csvResult) parseLine(line int, rec []string, cols map[string]int, seen map[string]int, resolve localityResolver) {
	cell := func(f string) string {
		i, ok := cols[f]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	row := store.MemberRow{Name: strings.Join(strings.Fields(cell("name")), " "), Position: cell("position")}
	ok := true
	bad := func(col, reason string) { res.addBad(LineError{Line: line, Column: col, Reason: reason}); ok = false }
	switch {
	case row.Name == "":
		bad("name", "the name is empty")
	case utf8.RuneCountInString(row.Name) > 200:
		bad("name", "the name is longer than 200 characters")
	default:
		if e := nameError("name", row.Name); e != nil {
			bad("name", "the name "+e.Message)
		}
	}
	switch {
	case utf8.RuneCountInString(row.Position) > 200:
		bad("position", "the position is longer than 200 characters")
	default:
		if e := nameError("position", row.Position); e != nil {
			bad("position", "the position "+e.Message)
		}
	}
	phone, err := store.NormalizePhone(cell("phone"))
	if err != nil {
		bad("phone", err.Error())
	} else if prev, dup := seen[phone]; dup {
		bad("phone", fmt.Sprintf("the same phone number as line %d", prev))
	} else {
		seen[phone] = line
		row.Phone = phone
	}
	if loc := cell("locality"); loc != "" {
		id, err := resolve(loc)
		if err != nil {
			bad("locality", err.Error())
		}
		row.LocalityID = id
	}
	if ok {
		res.Rows = append(res.Rows, row)
	}
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// newLocalityResolver matches a cell by code, then by exact folded name,
// then by an exact (folded) former ward or district name through
// store.SearchLocalities; results are cached, since a list repeats few places.
func (s *Server) newLocalityResolver(c context.Context) (localityResolver, error) {
	names, err := s.d.Store.LoadLocalityNames(c)
	if err != nil {
		return nil, err
	}
	type answer struct {
		id  *int64
		err error
	}
	cache := map[string]answer{}
	return func(cellv string) (*int64, error) {
		if a, ok := cache[cellv]; ok {
			return a.id, a.err
		}
		id, err := s.resolveLocality(c, names, cellv)
		cache[cellv] = answer{id, err}
		return id, err
	}, nil
}

func (s *Server) resolveLocality(c context.Context, names store.LocalityNames, cellv string) (*int64, error) {
	if id, ok := names.ByCode[strings.ToLower(cellv)]; ok {
		return &id, nil
	}
	q := store.SearchName(cellv)
	if id, ok := names.ByName[q]; ok {
		if id == 0 {
			return nil, fmt.Errorf("%q names more than one ward/commune; use its code", cellv)
		}
		return &id, nil
	}
	if q == "" {
		return nil, fmt.Errorf("unknown ward/commune %q", cellv)
	}
	matches, err := s.d.Store.SearchLocalities(c, cellv, 3)
	if err != nil {
		return nil, fmt.Errorf("unknown ward/commune %q", cellv)
	}
	var exact []store.LocalityMatch
	for _, m := range matches {
		if store.SearchName(m.Matched) == q {
			exact = append(exact, m)
		}
	}
	switch len(exact) {
	case 1:
		return &exact[0].ID, nil
	case 0:
		return nil, fmt.Errorf("unknown ward/commune %q", cellv)
	}
	return nil, fmt.Errorf("%q was split between several wards/communes; use the current one's name or code", cellv)
}
