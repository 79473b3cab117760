package api

import (
	"net/http"
	"strconv"

	"github.com/loa-vn/loa/store"
)

// pathID reads a positive integer path parameter.
func pathID(r *http.Request, name string) (int64, error) {
	v, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || v <= 0 {
		return 0, errNotFound(name + " must be a positive integer")
	}
	return v, nil
}

// queryInt reads an optional integer query parameter.
func queryInt(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errBadRequest("query parameter "+name+" must be a non-negative integer",
			FieldError{Path: name, Message: "must be a non-negative integer"})
	}
	return n, nil
}

// nameError applies the one rule for names that people read in lists
// (store.InvisibleRune) and returns nil for a clean name, else a field error
// for path.
func nameError(path, s string) *FieldError {
	r, ok := store.InvisibleRune(s)
	if !ok {
		return nil
	}
	return &FieldError{Path: path, Message: store.InvisibleMessage(r)}
}
