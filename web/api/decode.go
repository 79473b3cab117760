package api

import (
	"github.com/loa-vn/loa/members"

	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxBody is the largest JSON body the API reads; CSV imports have their own limit.
const MaxBody = 1 << 20

// MaxCSVBody bounds a member-list upload: members.MaxCSVBytes, the limit the
// console's upload shares.
const MaxCSVBody = members.MaxCSVBytes

// requireType refuses a body that is not of the given media type (415).
func requireType(r *http.Request, want ...string) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil {
		for _, w := range want {
			if mt == w {
				return nil
			}
		}
	}
	return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
		Message: fmt.Sprintf("Content-Type must be %s", strings.Join(want, " or "))}
}

// decodeJSON reads exactly one JSON value into v, refusing unknown fields,
// wrong types, trailing data and bodies over MaxBody, each with a message
// that names the field. It also refuses, for every string of every request,
// what encoding/json would let through: invalid UTF-8 and lone surrogate
// escapes (400, instead of silently stored U+FFFD) and NUL characters (422
// naming the field, instead of a 500 from PostgreSQL).
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if err := requireType(r, "application/json"); err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		if isTooLarge(err) {
			return errTooLarge(MaxBody)
		}
		return errBadRequest("cannot read the body")
	}
	if err := checkEncoding(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return errBadRequest("the body must hold a single JSON value")
	}
	var fe []FieldError
	findNUL(reflect.ValueOf(v), "", &fe)
	if fe != nil {
		return errInvalid("a field contains a NUL character (\\u0000)", fe...)
	}
	if fe := missingRequired(body, reflect.TypeOf(v), r.Method); fe != nil {
		return errInvalid("required fields are missing", fe...)
	}
	return nil
}

// requiredFields lists the JSON names of t's fields tagged required for
// method: required:"true" always, required:"POST" (or "POST,PUT") for those
// methods. The OpenAPI document's required lists and the decoder's check
// both come from it, so the two cannot disagree. A field of an outer struct
// shadows an embedded one of the same name, as in encoding/json.
func requiredFields(t reflect.Type, method string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		var embedded []reflect.Type
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				embedded = append(embedded, f.Type)
				continue
			}
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if seen[name] {
				continue
			}
			seen[name] = true
			if req := f.Tag.Get("required"); req == "true" || slices.Contains(strings.Split(req, ","), method) {
				out = append(out, name)
			}
		}
		for _, e := range embedded {
			walk(e)
		}
	}
	walk(t)
	return out
}

// missingRequired names the required fields body does not hold (or holds as null).
func missingRequired(body []byte, t reflect.Type, method string) []FieldError {
	req := requiredFields(t, method)
	if len(req) == 0 {
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return nil // not an object: the decoder has said so
	}
	var fe []FieldError
	for _, name := range req {
		if v, ok := obj[name]; !ok || string(v) == "null" {
			fe = append(fe, FieldError{Path: name, Message: "required"})
		}
	}
	return fe
}

// checkEncoding refuses a body that is not UTF-8, or whose \u escapes
// name half of a surrogate pair alone: both would decode to U+FFFD.
func checkEncoding(body []byte) error {
	if !utf8.Valid(body) {
		i := 0
		for i < len(body) {
			r, n := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return errBadRequest(fmt.Sprintf("the body is not valid UTF-8 (byte %d); send text encoded as UTF-8", i))
	}
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' || i+1 >= len(body) {
			continue
		}
		i++ // skip the escaped character, so an escaped backslash before a u is no escape
		if body[i] != 'u' {
			continue
		}
		hi, ok := hex4(body, i+1)
		if !ok {
			continue // a syntax error the decoder reports
		}
		switch {
		case hi >= 0xDC00 && hi <= 0xDFFF:
			return errBadRequest(fmt.Sprintf("the JSON escape at byte %d is half of a UTF-16 surrogate pair; send valid Unicode", i-1))
		case hi >= 0xD800 && hi <= 0xDBFF:
			lo, ok := -1, i+6 < len(body) && body[i+5] == '\\' && body[i+6] == 'u'
			if ok {
				lo, ok = hex4(body, i+7)
			}
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				return errBadRequest(fmt.Sprintf("the JSON escape at byte %d is half of a UTF-16 surrogate pair; send valid Unicode", i-1))
			}
			i += 10
		default:
			i += 4
		}
	}
	return nil
}

func hex4(b []byte, at int) (int, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[at:at+4]), 16, 32)
	return int(n), err == nil
}

// findNUL adds a field error for every string under v that holds a NUL,
// with its JSON path: name, questions[1], variants.vi.text.
func findNUL(v reflect.Value, path string, fe *[]FieldError) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			findNUL(v.Elem(), path, fe)
		}
	case reflect.String:
		if strings.IndexByte(v.String(), 0) >= 0 {
			p := path
			if p == "" {
				p = "(body)"
			}
			*fe = append(*fe, FieldError{Path: p, Message: "contains a NUL character (\\u0000)"})
		}
	case reflect.Slice, reflect.Array:
		if v.Type() == rawType {
			var inner any
			if json.Unmarshal(v.Bytes(), &inner) == nil {
				findNUL(reflect.ValueOf(inner), path, fe)
			}
			return
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // []byte: not text
		}
		for i := 0; i < v.Len(); i++ {
			findNUL(v.Index(i), fmt.Sprintf("%s[%d]", path, i), fe)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := fmt.Sprint(iter.Key().Interface())
			if strings.IndexByte(k, 0) >= 0 {
				*fe = append(*fe, FieldError{Path: joinPath(path, strings.ReplaceAll(k, "\x00", `\u0000`)), Message: "the key contains a NUL character (\\u0000)"})
				continue
			}
			findNUL(iter.Value(), joinPath(path, k), fe)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case name == "-":
				continue
			case f.Anonymous && name == "":
				findNUL(v.Field(i), path, fe)
				continue
			case name == "":
				name = f.Name
			}
			findNUL(v.Field(i), joinPath(path, name), fe)
		}
	}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tpe *time.ParseError
	switch {
	case isTooLarge(err):
		return errTooLarge(MaxBody)
	case errors.As(err, &typ):
		path := typ.Field
		if path == "" {
			path = "(body)"
		}
		return errBadRequest("a field has the wrong type",
			FieldError{Path: path, Message: fmt.Sprintf("must be %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)})
	case errors.As(err, &tpe):
		return errBadRequest("a date and time is malformed: send " + timestampFormat)
	case errors.As(err, &syn):
		return errBadRequest(fmt.Sprintf("malformed JSON at byte %d", syn.Offset))
	case errors.Is(err, io.EOF):
		return errBadRequest("the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errBadRequest("the JSON body ends too early")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errBadRequest("unknown field "+name, FieldError{Path: name, Message: "unknown field"})
	}
	return errBadRequest("malformed JSON: " + err.Error())
}

func isTooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

func errTooLarge(limit int64) *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
		Message: fmt.Sprintf("the body is larger than %d bytes", limit)}
}

// jsonKind names Go kinds the way a JSON client thinks of them.
func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "map", "struct", "ptr":
		return "an object"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	}
	return k
}
