package zalofake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// maxBody bounds what one request may carry.
const maxBody = 10 << 20

// params is one call's arguments flattened to strings: the query string,
// then an urlencoded or multipart form or a JSON object (the four ways the
// platform documents). A JSON number or bool keeps its literal text.
type params map[string]string

func (p params) get(k string) string { return p[k] }

func (p params) has(k string) bool {
	_, ok := p[k]
	return ok
}

func parseParams(w http.ResponseWriter, r *http.Request) (params, *Fault) {
	p := make(params, 4)
	for k, vs := range r.URL.Query() {
		p[k] = vs[0]
	}
	if r.Body == nil || r.Body == http.NoBody {
		return p, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		return p, p.fromJSON(r.Body)
	case "multipart/form-data":
		err := r.ParseMultipartForm(maxBody)
		if errors.Is(err, io.EOF) {
			return p, nil
		}
		if err != nil {
			return p, badRequest("can't parse multipart form")
		}
		defer func() { _ = r.MultipartForm.RemoveAll() }()
		for k, vs := range r.MultipartForm.Value {
			if len(vs) > 0 {
				p[k] = vs[0]
			}
		}
		return p, nil
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return p, badRequest("can't parse form")
		}
		for k, vs := range r.PostForm {
			p[k] = vs[0]
		}
		return p, nil
	}
	// No or another content type: a GET-style call with an ignored body.
	_, _ = io.Copy(io.Discard, r.Body)
	return p, nil
}

func (p params) fromJSON(body io.Reader) *Fault {
	raw, err := io.ReadAll(body)
	if err != nil {
		return badRequest("request body too large or unreadable")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return badRequest("can't parse JSON object")
	}
	for k, v := range m {
		v = bytes.TrimSpace(v)
		var s string
		switch {
		case len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil:
			p[k] = s
		case string(v) == "null":
		default:
			p[k] = string(v)
		}
	}
	return nil
}

// required returns a non-empty parameter or a 400.
func (p params) required(k string) (string, *Fault) {
	v := p[k]
	if strings.TrimSpace(v) == "" {
		return "", badRequest(k + " is required")
	}
	return v, nil
}
