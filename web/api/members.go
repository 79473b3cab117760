package api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loa-vn/loa/members"
	"github.com/loa-vn/loa/store"
)

// membersResp is one page of a member list. Next, when present, is the
// ?after= of the following page; Total counts every member the filter matches.
type membersResp struct {
	Total   int            `json:"total"`
	Members []store.Member `json:"members"`
	Next    string         `json:"next,omitempty"`
}

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

// memberRoutes are the member-list search and export routes (issue 9, item
// 20). They are appended to the route table in New, so the router and the
// OpenAPI document get them; they may move into routes.go's table as is.
func (s *Server) memberRoutes() []route {
	const v = "/api/v1"
	return []route{
		{Method: "GET", Path: v + "/agencies/{code}/members/export.csv", Summary: "export an agency's member list as CSV",
			Roles: memberRd, RespCT: "text/csv", Query: []string{"status", "q", "phone"},
			Doc: "Every member the filter matches (status, q, phone as in the listing), streamed. Cells a spreadsheet would run as a formula (= + - @, tab, CR) are prefixed with '.", h: s.exportMembers},
	}
}

// memberFilter reads the search parameters shared by the listing and the
// export: status (joined, pending), q (part of the name) and phone (the last
// 1-3 digits, or a whole number, matched through its keyed hash).
func (s *Server) memberFilter(r *http.Request) (store.MemberFilter, error) {
	q := r.URL.Query()
	f := store.MemberFilter{Status: q.Get("status"), Name: strings.TrimSpace(q.Get("q"))}
	if f.Status != "" && f.Status != store.MemberJoined && f.Status != store.MemberPending {
		return f, errBadRequest("status must be joined or pending", FieldError{Path: "status", Message: "joined or pending"})
	}
	if !utf8.ValidString(f.Name) || strings.IndexByte(f.Name, 0) >= 0 || utf8.RuneCountInString(f.Name) > 200 {
		return f, errBadRequest("q must be text of at most 200 characters", FieldError{Path: "q", Message: "at most 200 characters of text"})
	}
	if phone := strings.TrimSpace(q.Get("phone")); phone != "" {
		if len(phone) <= 3 && strings.Trim(phone, "0123456789") == "" {
			f.PhoneHint = phone
		} else if norm, err := store.NormalizePhone(phone); err == nil {
			f.PhoneHash = store.PhoneHash(s.d.Key, norm)
		} else {
			return f, errBadRequest("phone must be the last 1-3 digits or a whole mobile number",
				FieldError{Path: "phone", Message: "the last 1-3 digits, or a whole Vietnamese mobile number"})
		}
	}
	return f, nil
}

// listMembers is a keyset-paged, searchable listing: ?after= takes the
// previous page's next; there is no offset.
func (s *Server) listMembers(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := s.agency(r, c)
	if err != nil {
		return err
	}
	f, err := s.memberFilter(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Has("offset") {
		return errBadRequest("offset paging is gone: pass the previous page's next as ?after=",
			FieldError{Path: "offset", Message: "use after"})
	}
	if f.Limit, err = queryInt(r, "limit", 100); err != nil {
		return err
	}
	if v := r.URL.Query().Get("after"); v != "" {
		cur, err := decodeCursor(v)
		if err != nil {
			return err
		}
		f.After = &cur
	}
	page, err := s.d.Store.ListMembers(ctx(r), a.ID, f)
	if err != nil {
		return err
	}
	resp := membersResp{Total: page.Total, Members: page.Members}
	if page.Next != nil {
		resp.Next = encodeCursor(*page.Next)
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func encodeCursor(c store.MemberCursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(v string) (store.MemberCursor, error) {
	var c store.MemberCursor
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) > 1024 || json.Unmarshal(b, &c) != nil || (c.Sort != 0 && c.Sort != 1) || !utf8.ValidString(c.Name) {
		return c, errBadRequest("after is not a cursor this API gave", FieldError{Path: "after", Message: "pass the next of the previous page"})
	}
	return c, nil
}

// exportMembers streams every member the filter matches as CSV, page by
// page (keyset), so a 100,000-member list is never held in memory. Cells that
// a spreadsheet would run as a formula (= + - @, tab, CR) are prefixed with '.
func (s *Server) exportMembers(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := s.agency(r, c)
	if err != nil {
		return err
	}
	f, err := s.memberFilter(r)
	if err != nil {
		return err
	}
	f.Limit = 1000
	page, err := s.d.Store.ListMembers(ctx(r), a.ID, f)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="members-`+a.Code+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "status", "name", "phone_last_digits", "position", "locality", "via", "joined_at", "added_at"})
	n := 0
	for {
		for _, m := range page.Members {
			joined := ""
			if m.JoinedAt != nil {
				joined = m.JoinedAt.UTC().Format(time.RFC3339)
			}
			_ = cw.Write([]string{m.ID, m.Status, safeCell(m.Name), m.PhoneHint, safeCell(m.Position), deref(m.Locality),
				deref(m.Via), joined, m.AddedAt.UTC().Format(time.RFC3339)})
			n++
		}
		if page.Next == nil {
			break
		}
		f.After = page.Next
		// once streaming started the status is sent: a later error can only be logged
		if page, err = s.d.Store.ListMembers(ctx(r), a.ID, f); err != nil {
			c.log.Error("member export", "agency", a.Code, "rows", n, "err", err)
			break
		}
	}
	cw.Flush()
	c.log.Info("member export", "agency", a.Code, "rows", n)
	return nil
}

func safeCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
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
	resolve, err := members.NewLocalityResolver(ctx(r), s.d.Store)
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
