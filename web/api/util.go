package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/loa-vn/loa/messages"
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

// nameError is the one rule for names that people read in lists (staff,
// agencies, broadcasts, member lists): it refuses control characters and the
// invisible ones that can disguise a name — format characters (Unicode
// category Cf: right-to-left overrides and isolates, zero-width spaces and
// joiners, soft hyphens, byte-order marks) and line or paragraph separators.
// It returns nil for a clean name, else a field error for path.
func nameError(path, s string) *FieldError {
	r, ok := invisibleRune(s)
	if !ok {
		return nil
	}
	return &FieldError{Path: path, Message: fmt.Sprintf(
		"contains an invisible or control character (U+%04X); type the name again without it", r)}
}

// invisibleRune returns the first character of s that nameError refuses:
// the one rule, shared with campaign names (messages.InvisibleRune).
func invisibleRune(s string) (rune, bool) { return messages.InvisibleRune(s) }
