package api

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loa-vn/loa/store"
)

type membersResp struct {
	Total   int            `json:"total"`
	Members []store.Member `json:"members"`
}

// importResp answers an import. A dry run of a file with bad lines sets
// Refused and leaves out added/updated/unchanged/matched: the real import
// would write nothing, so there is nothing to count.
type importResp struct {
	DryRun     bool        `json:"dry_run"`
	Refused    bool        `json:"refused"`
	Total      int         `json:"total"`
	Valid      int         `json:"valid"`
	Added      *int        `json:"added,omitempty"`
	Updated    *int        `json:"updated,omitempty"`
	Unchanged  *int        `json:"unchanged,omitempty"`
	Matched    *int        `json:"matched,omitempty"`
	ImportID   int64       `json:"import_id,omitempty"`
	DurationMS int64       `json:"duration_ms"`
	Bad        []LineError `json:"bad_lines"`
	Ignored    []string    `json:"ignored_columns,omitempty"`
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := s.agency(r, c)
	if err != nil {
		return err
	}
	status := r.URL.Query().Get("status")
	if status != "" && status != store.MemberJoined && status != store.MemberPending {
		return errBadRequest("status must be joined or pending", FieldError{Path: "status", Message: "joined or pending"})
	}
	limit, err := queryInt(r, "limit", 100)
	if err != nil {
		return err
	}
	offset, err := queryInt(r, "offset", 0)
	if err != nil {
		return err
	}
	list, total, err := s.d.Store.ListMembers(ctx(r), a.ID, store.MemberFilter{Status: status, Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, membersResp{Total: total, Members: list})
	return nil
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := s.agency(r, c)
	if err != nil {
		return err
	}
	if err := s.d.Store.RemoveMember(ctx(r), c.Actor(), a.ID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// importMembers reads a CSV member list. A dry run reports every bad line
// and the counts a real import would give; a real import with any bad line
// writes nothing and answers 422 with every line.
func (s *Server) importMembers(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := s.agency(r, c)
	if err != nil {
		return err
	}
	dry, err := dryRunParam(r)
	if err != nil {
		return err
	}
	if err := requireType(r, "text/csv", "application/csv"); err != nil {
		return err
	}
	filename := r.URL.Query().Get("filename")
	if e := filenameError(filename); e != nil {
		return errInvalid("the filename is not valid", *e)
	}
	start := time.Now()
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxCSVBody))
	if err != nil {
		if isTooLarge(err) {
			return errTooLarge(MaxCSVBody)
		}
		return errBadRequest("cannot read the body")
	}
	resolve, err := s.newLocalityResolver(ctx(r))
	if err != nil {
		return err
	}
	parsed, err := parseMembersCSV(data, resolve)
	if err != nil {
		return err
	}
	c.log.Info("member import parsed", "agency", a.Code, "lines", parsed.Total, "bad", len(parsed.Bad), "dry_run", dry)
	resp := importResp{DryRun: dry, Total: parsed.Total, Valid: len(parsed.Rows), Bad: parsed.Bad, Ignored: parsed.Ignored}
	if resp.Bad == nil {
		resp.Bad = []LineError{}
	}
	if len(parsed.Bad) > 0 {
		if !dry {
			return badLinesError(parsed.Bad)
		}
		resp.Refused = true
		resp.DurationMS = time.Since(start).Milliseconds()
		writeJSON(w, http.StatusOK, resp)
		return nil
	}
	var res store.ImportResult
	if len(parsed.Rows) > 0 {
		sum := sha256.Sum256(data)
		src := store.ImportSource{SHA256: sum[:], Filename: filename, DryRun: dry}
		progress := func(n int) { c.log.Info("member import progress", "agency", a.Code, "rows", n) }
		if res, err = s.d.Store.ImportMembers(ctx(r), c.Actor(), a.ID, s.d.Key, src, parsed.Rows, progress); err != nil {
			return err
		}
	}
	resp.Added, resp.Updated, resp.Unchanged, resp.Matched, resp.ImportID = &res.Added, &res.Updated, &res.Unchanged, &res.Matched, res.ImportID
	resp.DurationMS = time.Since(start).Milliseconds()
	c.log.Info("member import done", "agency", a.Code, "dry_run", dry, "added", res.Added, "updated", res.Updated,
		"unchanged", res.Unchanged, "ms", resp.DurationMS)
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// filenameError checks the optional ?filename= of an import: it is stored
// and shown, so it follows the rule for names, and a NUL never reaches SQL.
func filenameError(name string) *FieldError {
	switch {
	case !utf8.ValidString(name):
		return &FieldError{Path: "filename", Message: "is not valid UTF-8"}
	case strings.IndexByte(name, 0) >= 0:
		return &FieldError{Path: "filename", Message: "contains a NUL character"}
	case utf8.RuneCountInString(name) > 200:
		return &FieldError{Path: "filename", Message: "at most 200 characters"}
	}
	return nameError("filename", name)
}

func dryRunParam(r *http.Request) (bool, error) {
	switch r.URL.Query().Get("dry_run") {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, errBadRequest("dry_run must be true or false", FieldError{Path: "dry_run", Message: "true or false"})
}

// badLinesError lists every bad line as a field error "line.<n>.<column>".
func badLinesError(bad []LineError) error {
	e := errInvalid(fmt.Sprintf("%d line(s) are not valid; nothing was imported", len(bad)))
	e.Code = "invalid_lines"
	for _, b := range bad {
		path := fmt.Sprintf("line.%d", b.Line)
		if b.Column != "" {
			path += "." + b.Column
		}
		e.Fields = append(e.Fields, FieldError{Path: path, Message: b.Reason})
	}
	return e
}
