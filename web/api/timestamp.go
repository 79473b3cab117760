package api

import (
	"encoding/json"
	"fmt"
	"time"
)

// timestamp is a date and time in a request: RFC 3339, with its UTC offset
// ("2027-01-01T09:00:00+07:00"). Decoding keeps whatever was sent, so the
// handler can refuse a time without an offset as a field error naming the
// field and the format, instead of encoding/json's parsing error, which
// names neither.
type timestamp struct {
	t   time.Time
	raw string
	bad bool
}

// timestampFormat says what a timestamp must look like.
const timestampFormat = "a date and time with its UTC offset (RFC 3339), for example 2027-01-01T09:00:00+07:00"

func (ts *timestamp) UnmarshalJSON(b []byte) error {
	ts.raw = string(b)
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		ts.bad = true
		return nil
	}
	ts.raw = s
	t, err := time.Parse(time.RFC3339, s)
	ts.t, ts.bad = t, err != nil
	return nil
}

func (ts timestamp) MarshalJSON() ([]byte, error) { return json.Marshal(ts.t.Format(time.RFC3339)) }

// check returns the field error of a bad timestamp at path, or nil.
func (ts *timestamp) check(path string) *FieldError {
	if ts == nil || !ts.bad {
		return nil
	}
	raw := ts.raw
	if len(raw) > 40 {
		raw = raw[:40] + "…"
	}
	return &FieldError{Path: path, Message: fmt.Sprintf("must be %s, not %q", timestampFormat, raw)}
}

// time is the timestamp as a *time.Time (nil when absent).
func (ts *timestamp) time() *time.Time {
	if ts == nil {
		return nil
	}
	t := ts.t
	return &t
}
