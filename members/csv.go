// Package members holds the rules for an agency's member list that every
// front end shares: reading an uploaded CSV file into rows the store can
// import, with every bad line numbered and its reason. The staff API
// (web/api) and the console (web/console) both call ParseCSV; neither has a
// copy of these rules.
package members

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

// MaxCSVBytes bounds a member-list upload (100,000 lines are about 6 MB).
const MaxCSVBytes = 32 << 20

// Reason codes of a bad line. Reason is the English sentence the API shows;
// a front end in another language translates Code (with Data) instead.
const (
	BadColumns        = "columns"            // Data: Want, Got
	BadNameEmpty      = "name_empty"         //
	BadNameLong       = "name_long"          //
	BadNameInvisible  = "name_invisible"     // Data: Char
	BadPositionLong   = "position_long"      //
	BadPositionHidden = "position_invisible" // Data: Char
	BadPhoneEmpty     = "phone_empty"
	BadPhoneChars     = "phone_chars"
	BadPhoneLength    = "phone_length"
	BadPhoneLandline  = "phone_landline"
	BadPhoneCountry   = "phone_country"
	BadPhoneDuplicate = "phone_duplicate"    // Data: Line
	BadLocality       = "locality_unknown"   // Data: Cell
	BadLocalityMany   = "locality_ambiguous" // Data: Cell
	BadLocalitySplit  = "locality_split"     // Data: Cell
)

// LineError is one refused CSV line, numbered as a spreadsheet shows it
// (the header is line 1).
type LineError struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
	// Code and Data name the reason for translation (not part of the API).
	Code string         `json:"-"`
	Data map[string]any `json:"-"`
}

// FileError is a file that cannot be read at all: not UTF-8, no header, a
// header without the needed columns, no members, or a line that is not CSV
// (then Line names it and Kind is "invalid_csv"). Nothing is imported.
type FileError struct {
	Kind    string // "invalid_csv" for a CSV syntax error, else ""
	Code    string // for translation: not_utf8, no_header, duplicate_column, missing_columns, no_members, syntax
	Line    int
	Reason  string // the line's reason (syntax errors)
	Message string // the whole sentence, in English
	Data    map[string]any
	Err     error
}

func (e *FileError) Error() string { return e.Message }
func (e *FileError) Unwrap() error { return e.Err }

// LocalityResolver maps a CSV locality cell to a current unit; its error
// is a *LocalityError.
type LocalityResolver func(cell string) (*int64, error)

// LocalityError says why a locality cell names no single current unit.
type LocalityError struct {
	Code string // BadLocality, BadLocalityMany, BadLocalitySplit
	Cell string
}

func (e *LocalityError) Error() string {
	switch e.Code {
	case BadLocalityMany:
		return fmt.Sprintf("%q names more than one ward/commune; use its code", e.Cell)
	case BadLocalitySplit:
		return fmt.Sprintf("%q was split between several wards/communes; use the current one's name or code", e.Cell)
	}
	return fmt.Sprintf("unknown ward/commune %q", e.Cell)
}

// Result is a parsed member file.
type Result struct {
	Rows    []store.MemberRow
	Bad     []LineError
	Total   int      // data lines read
	Ignored []string // header columns that are not used
}

// BadLines is how many distinct lines are bad (a line may have several reasons).
func (r Result) BadLines() int {
	n, last := 0, -1
	for _, b := range r.Bad {
		if b.Line != last {
			n++
			last = b.Line
		}
	}
	return n
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

// ParseCSV reads a member list: UTF-8 with or without BOM, comma or
// semicolon (sniffed from the header), header names in Vietnamese or English.
// Every bad line is reported (no cap: the totals are true). A line that is
// not CSV at all (a stray or unclosed quote) makes the whole file unreadable:
// that is a *FileError naming the line, since what follows it cannot be trusted.
func ParseCSV(data []byte, resolve LocalityResolver) (Result, error) {
	var res Result
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return res, &FileError{Code: "not_utf8", Message: "the file is not UTF-8 text; save it from the spreadsheet as \"CSV UTF-8\""}
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
			return res, syntaxError(err)
		}
		line, _ := r.FieldPos(0) // only after a successful Read: a failed one has no fields
		if blank(rec) {
			continue
		}
		res.Total++
		if len(rec) != width {
			res.Bad = append(res.Bad, LineError{Line: line, Reason: fmt.Sprintf("expected %d columns, found %d", width, len(rec)),
				Code: BadColumns, Data: map[string]any{"Want": width, "Got": len(rec)}})
			continue
		}
		res.parseLine(line, rec, cols, seen, resolve)
	}
	if res.Total == 0 {
		return res, &FileError{Code: "no_members", Message: "the file has a header but no members"}
	}
	return res, nil
}

// syntaxError is the error of a file the CSV reader cannot read.
func syntaxError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &FileError{Code: "syntax", Message: "the file cannot be read as CSV: " + err.Error(), Err: err}
	}
	reason := pe.Err.Error()
	code := "syntax"
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		code = "bare_quote"
		reason = fmt.Sprintf("a quote character (\") in a cell that is not enclosed in quotes, at column %d; "+
			"enclose the cell in quotes and double each quote inside it (\"\")", pe.Column)
	case errors.Is(pe.Err, csv.ErrQuote):
		code = "open_quote"
		reason = fmt.Sprintf("a quoted cell that starts on this line is not closed (no matching quote character by line %d); "+
			"close the quote, and double each quote inside the cell (\"\")", pe.Line)
	}
	line := pe.StartLine
	if line == 0 {
		line = pe.Line
	}
	return &FileError{Kind: "invalid_csv", Code: code, Line: line, Reason: reason,
		Message: fmt.Sprintf("line %d is not valid CSV: %s; nothing was imported", line, reason),
		Data:    map[string]any{"Line": line, "Column": pe.Column, "EndLine": pe.Line}, Err: err}
}

func sniffDelimiter(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		return ';'
	}
	return ','
}

// readHeader maps column positions to field names and returns how many
// columns every line must have.
func readHeader(r *csv.Reader, res *Result) (map[string]int, int, error) {
	head, err := r.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, 0, syntaxError(err)
	}
	if err != nil {
		return nil, 0, &FileError{Code: "no_header", Message: "the file is empty or its header line cannot be read; " +
			"the first line must name the columns (name, phone, position, locality)"}
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
			return nil, 0, &FileError{Code: "duplicate_column", Message: fmt.Sprintf("line 1: two columns mean %q", field),
				Data: map[string]any{"Column": field}}
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
		return nil, 0, &FileError{Code: "missing_columns", Data: map[string]any{"Columns": strings.Join(missing, ", ")},
			Message: "line 1: the header needs the columns " + strings.Join(missing, " and ") +
				" (\"họ tên\"/\"name\", \"số điện thoại\"/\"phone\"; optional \"chức vụ\"/\"position\", \"phường/xã\"/\"locality\")"}
	}
	return cols, len(head), nil
}

// phoneCodes names store.NormalizePhone's reasons.
var phoneCodes = []struct {
	err  error
	code string
}{
	{store.ErrPhoneEmpty, BadPhoneEmpty}, {store.ErrPhoneChars, BadPhoneChars}, {store.ErrPhoneLength, BadPhoneLength},
	{store.ErrPhoneLandline, BadPhoneLandline}, {store.ErrPhoneCountry, BadPhoneCountry},
}

func (res *Result) parseLine(line int, rec []string, cols map[string]int, seen map[string]int, resolve LocalityResolver) {
	cell := func(f string) string {
		i, ok := cols[f]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	row := store.MemberRow{Name: strings.Join(strings.Fields(cell("name")), " "), Position: cell("position")}
	ok := true
	bad := func(col, code, reason string, data map[string]any) {
		res.Bad = append(res.Bad, LineError{Line: line, Column: col, Reason: reason, Code: code, Data: data})
		ok = false
	}
	switch {
	case row.Name == "":
		bad("name", BadNameEmpty, "the name is empty", nil)
	case utf8.RuneCountInString(row.Name) > 200:
		bad("name", BadNameLong, "the name is longer than 200 characters", nil)
	default:
		if r, found := store.InvisibleRune(row.Name); found {
			bad("name", BadNameInvisible, "the name "+store.InvisibleMessage(r), map[string]any{"Char": fmt.Sprintf("U+%04X", r)})
		}
	}
	switch {
	case utf8.RuneCountInString(row.Position) > 200:
		bad("position", BadPositionLong, "the position is longer than 200 characters", nil)
	default:
		if r, found := store.InvisibleRune(row.Position); found {
			bad("position", BadPositionHidden, "the position "+store.InvisibleMessage(r), map[string]any{"Char": fmt.Sprintf("U+%04X", r)})
		}
	}
	phone, err := store.NormalizePhone(cell("phone"))
	if err != nil {
		code := BadPhoneChars
		for _, pc := range phoneCodes {
			if errors.Is(err, pc.err) {
				code = pc.code
			}
		}
		bad("phone", code, err.Error(), nil)
	} else if prev, dup := seen[phone]; dup {
		bad("phone", BadPhoneDuplicate, fmt.Sprintf("the same phone number as line %d", prev), map[string]any{"Line": prev})
	} else {
		seen[phone] = line
		row.Phone = phone
	}
	if loc := cell("locality"); loc != "" {
		id, err := resolve(loc)
		if err != nil {
			code := BadLocality
			var le *LocalityError
			if errors.As(err, &le) {
				code = le.Code
			}
			bad("locality", code, err.Error(), map[string]any{"Cell": loc})
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

// NewLocalityResolver matches a cell by code, then by exact folded name,
// then by an exact (folded) former ward or district name through
// store.SearchLocalities; results are cached, since a list repeats few places.
func NewLocalityResolver(ctx context.Context, st *store.Store) (LocalityResolver, error) {
	names, err := st.LoadLocalityNames(ctx)
	if err != nil {
		return nil, err
	}
	type answer struct {
		id  *int64
		err error
	}
	cache := map[string]answer{}
	return func(cell string) (*int64, error) {
		if a, ok := cache[cell]; ok {
			return a.id, a.err
		}
		id, err := resolveLocality(ctx, st, names, cell)
		cache[cell] = answer{id, err}
		return id, err
	}, nil
}

func resolveLocality(ctx context.Context, st *store.Store, names store.LocalityNames, cell string) (*int64, error) {
	if id, ok := names.ByCode[strings.ToLower(cell)]; ok {
		return &id, nil
	}
	q := store.SearchName(cell)
	if id, ok := names.ByName[q]; ok {
		if id == 0 {
			return nil, &LocalityError{Code: BadLocalityMany, Cell: cell}
		}
		return &id, nil
	}
	if q == "" {
		return nil, &LocalityError{Code: BadLocality, Cell: cell}
	}
	matches, err := st.SearchLocalities(ctx, cell, 3)
	if err != nil {
		return nil, &LocalityError{Code: BadLocality, Cell: cell}
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
		return nil, &LocalityError{Code: BadLocality, Cell: cell}
	}
	return nil, &LocalityError{Code: BadLocalitySplit, Cell: cell}
}
