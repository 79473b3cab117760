package tghtml

import "fmt"

// ParseError is a refusal of the parser. Offset is in bytes from the start
// of the input, as in Telegram's own messages, so editors can point at it.
type ParseError struct {
	Offset int
	// Reason is Telegram's wording without the offset, e.g.
	// `unsupported start tag "div"`.
	Reason string
	// Detail, when set, follows the offset, e.g.
	// `expected "</i>", found "</em>"`.
	Detail string
}

func (e *ParseError) Error() string {
	msg := fmt.Sprintf("can't parse entities: %s at byte offset %d", e.Reason, e.Offset)
	if e.Detail != "" {
		msg += ", " + e.Detail
	}
	return msg
}

func errAt(off int, format string, args ...any) *ParseError {
	return &ParseError{Offset: off, Reason: fmt.Sprintf(format, args...)}
}
