package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// FieldError names one bad field of a request, by its JSON path.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Error is the API's one error shape. Handlers return it (or a store domain
// error) and writeError turns it into the response: nothing else writes errors.
type Error struct {
	Status  int          `json:"-"`
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  []FieldError `json:"fields,omitempty"`
	cause   error
}

func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.cause)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.cause }

type errorBody struct {
	Error *Error `json:"error"`
}

// Constructors for the errors handlers raise themselves.
func errBadRequest(msg string, fields ...FieldError) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: msg, Fields: fields}
}

func errInvalid(msg string, fields ...FieldError) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: msg, Fields: fields}
}

func errForbidden(msg string) *Error {
	return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: msg}
}

func errNotFound(msg string) *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: msg}
}

func errConflict(msg string) *Error {
	return &Error{Status: http.StatusConflict, Code: "conflict", Message: msg}
}

// errInternal is the 500 the client sees: the id finds the detail in the log.
func errInternal(errorID string) *Error {
	return &Error{Status: http.StatusInternalServerError, Code: "internal",
		Message: "internal error; see the server log (error id " + errorID + ")"}
}

var errUnauthenticated = &Error{Status: http.StatusUnauthorized, Code: "unauthenticated",
	Message: "send a valid API token: Authorization: Bearer loa_..."}

// workflowStatus is the HTTP status of each broadcast workflow refusal.
var workflowStatus = map[broadcast.Code]int{
	broadcast.NotFound:      http.StatusNotFound,
	broadcast.NoRun:         http.StatusNotFound,
	broadcast.Forbidden:     http.StatusForbidden,
	broadcast.OutOfScope:    http.StatusForbidden,
	broadcast.TwoPersonRule: http.StatusForbidden,
	broadcast.Invalid:       http.StatusUnprocessableEntity,
	broadcast.NotLinked:     http.StatusUnprocessableEntity,
	broadcast.WrongState:    http.StatusConflict,
	broadcast.NotYearly:     http.StatusConflict,
	broadcast.TooLate:       http.StatusConflict,
	broadcast.Unavailable:   http.StatusServiceUnavailable,
	broadcast.SendFailed:    http.StatusBadGateway,
	broadcast.RateLimited:   http.StatusTooManyRequests,
}

// toAPIError is the one translation from domain errors to HTTP: the
// broadcast workflow's refusals, store errors, message validation errors and anything unexpected (500, whose
// detail goes to the log, not to the client).
func toAPIError(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	if we, ok := broadcast.ErrorOf(err); ok {
		e := &Error{Status: workflowStatus[we.Code], Code: string(we.Code), Message: we.Message, cause: err}
		if e.Status == 0 {
			e.Status = http.StatusConflict
		}
		for _, f := range we.Fields {
			e.Fields = append(e.Fields, FieldError{Path: f.Path, Message: f.Message})
		}
		return e
	}
	var ve *messages.ValidationError
	if errors.As(err, &ve) {
		e := errInvalid("the request has invalid fields")
		for _, f := range ve.Fields {
			e.Fields = append(e.Fields, FieldError{Path: f.Path, Message: f.Message})
		}
		e.cause = err
		return e
	}
	var sfe *store.FieldError
	if errors.As(err, &sfe) {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "the request has an invalid field",
			Fields: []FieldError{{Path: sfe.Field, Message: sfe.Reason}}, cause: err}
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "not found", cause: err}
	case errors.Is(err, store.ErrIdempotencyMismatch):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "idempotency_mismatch",
			Message: "this Idempotency-Key was used with a different request body", cause: err}
	case errors.Is(err, store.ErrConflict):
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: "conflicts with an existing record", cause: err}
	case errors.Is(err, store.ErrInvalid):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid",
			Message: "the data breaks a rule of the system (for example an unknown reference or a value out of range)", cause: err}
	case errors.Is(err, context.Canceled):
		return &Error{Status: 499, Code: "canceled", Message: "request canceled", cause: err}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error; see the server log", cause: err}
}
