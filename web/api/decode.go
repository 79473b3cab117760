package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// MaxBody is the largest JSON body the API reads; CSV imports have their own limit.
const MaxBody = 1 << 20

// MaxCSVBody bounds a member-list upload (100,000 lines are about 6 MB).
const MaxCSVBody = 32 << 20

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
// that names the field.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if err := requireType(r, "application/json"); err != nil {
		return err
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		if err != nil && isTooLarge(err) {
			return errTooLarge(MaxBody)
		}
		return errBadRequest("the body must hold a single JSON value")
	}
	return nil
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
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
