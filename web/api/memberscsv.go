package api

import (
	"github.com/loa-vn/loa/members"
)

// LineError is one refused CSV line (members.LineError: the rules live in
// package members, which the console calls too).
type LineError = members.LineError

// parseMembersCSV reads a member list with members.ParseCSV and turns a
// file that cannot be read into the API's 422.
func parseMembersCSV(data []byte, resolve members.LocalityResolver) (members.Result, error) {
	res, err := members.ParseCSV(data, resolve)
	if fe, ok := err.(*members.FileError); ok {
		e := errInvalid(fe.Message)
		if fe.Kind == "invalid_csv" {
			e.Fields = []FieldError{{Path: "line." + itoa(fe.Line), Message: fe.Reason}}
			e.Code = "invalid_csv"
			e.cause = fe.Err
		}
		return res, e
	}
	return res, err
}
