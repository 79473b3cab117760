package broadcast

import (
	"errors"
	"fmt"

	"github.com/loa-vn/loa/messages"
)

// Code says what kind of refusal an Error is. Each adapter translates a
// code once: to an HTTP status in the API, a reply in Telegram, a line on
// the command line.
type Code string

const (
	// NotFound: no such broadcast or run (or none the actor may see).
	NotFound Code = "not_found"
	// Forbidden: the actor's role may not take this step.
	Forbidden Code = "forbidden"
	// OutOfScope: an agency manager reaching outside their agency.
	OutOfScope Code = "out_of_scope"
	// Invalid: the broadcast or the request has bad fields (Error.Fields).
	Invalid Code = "invalid"
	// WrongState: the step does not apply in the broadcast's or run's state;
	// the message says what is needed.
	WrongState Code = "wrong_state"
	// TwoPersonRule: whoever last changed it cannot approve it.
	TwoPersonRule Code = "two_person_rule"
	// NotYearly: the step is for yearly campaigns only.
	NotYearly Code = "not_yearly"
	// TooLate: the moment the step was possible has passed (undoing a
	// cancel after the occurrence it would have sent).
	TooLate Code = "too_late"
	// NoRun: the broadcast has not started a run yet.
	NoRun Code = "no_run"
	// NotLinked: a test send needs the actor's own linked chat.
	NotLinked Code = "not_linked"
	// Unavailable: this process cannot send test messages.
	Unavailable Code = "unavailable"
	// SendFailed: the channel refused the test message.
	SendFailed Code = "send_failed"
	// RateLimited: the actor made too many test sends in a short time.
	RateLimited Code = "rate_limited"
)

// Error is a refused step. Message is English, complete and says what is
// needed ("only a submitted broadcast can be approved (this one is a
// draft)"); the other fields let an adapter say it in another language.
type Error struct {
	Code    Code
	Message string
	// Fields names bad fields by their JSON path (Invalid).
	Fields []messages.FieldError
	// Action is the step that was refused, BroadcastID and RunID what it
	// was about, State the state that refused it.
	Action      Action
	BroadcastID int64
	RunID       int64
	State       string
	err         error
}

func (e *Error) Error() string {
	if e.err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.err)
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.err }

// ErrorOf returns the workflow error in err's chain, if there is one.
func ErrorOf(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsCode reports whether err is a workflow error with that code.
func IsCode(err error, c Code) bool {
	e, ok := ErrorOf(err)
	return ok && e.Code == c
}

func refuse(c Code, a Action, id int64, format string, args ...any) *Error {
	return &Error{Code: c, Action: a, BroadcastID: id, Message: fmt.Sprintf(format, args...)}
}
