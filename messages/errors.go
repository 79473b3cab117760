package messages

import (
	"errors"
	"strings"
)

// FieldError is one problem with one field. Path names the field the way
// the staff API and campaign files spell it, e.g. "variants.en.button_url".
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// ValidationError lists every problem found, so an author can fix them all
// in one go rather than one per attempt.
type ValidationError struct {
	Fields []FieldError `json:"fields"`
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Path + ": " + f.Message
	}
	return "invalid content: " + strings.Join(parts, "; ")
}

func (e *ValidationError) add(path, msg string) {
	e.Fields = append(e.Fields, FieldError{Path: path, Message: msg})
}

// merge adds other's fields under prefix (e.g. "content.").
func (e *ValidationError) merge(prefix string, other error) {
	var ve *ValidationError
	if errors.As(other, &ve) {
		for _, f := range ve.Fields {
			e.add(prefix+f.Path, f.Message)
		}
		return
	}
	if other != nil {
		e.add(strings.TrimSuffix(prefix, "."), other.Error())
	}
}

// err returns nil when nothing was added, so callers can return it as is.
func (e *ValidationError) err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Sentinel errors of Render, wrapped with details; test with errors.Is.
var (
	ErrEmpty        = errors.New("message is empty")
	ErrTooLong      = errors.New("message is too long")
	ErrTooManyParts = errors.New("message splits into too many parts")
)
