package tgfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
)

// maxBody bounds what one request may upload (Telegram allows 10 MB photos).
const maxBody = 20 << 20

// params is one Bot API call's arguments, flattened the way Telegram sees
// them: every value is a string, nested objects are JSON text. Multipart,
// urlencoded, query-string and JSON bodies all end up here.
type params struct {
	v     map[string]string
	files map[string]*multipart.FileHeader
	form  *multipart.Form
}

func parseParams(w http.ResponseWriter, r *http.Request) (*params, *Fault) {
	p := &params{v: make(map[string]string, 8)}
	for k, vs := range r.URL.Query() {
		p.v[k] = vs[0]
	}
	if r.Body == nil || r.Method == http.MethodGet {
		return p, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		return p, p.fromMultipart(r)
	case "application/json":
		return p, p.fromJSON(r)
	default:
		if err := r.ParseForm(); err != nil {
			return p, badRequest("can't parse request body")
		}
		for k, vs := range r.PostForm {
			p.v[k] = vs[0]
		}
		return p, nil
	}
}

func (p *params) fromMultipart(r *http.Request) *Fault {
	err := r.ParseMultipartForm(maxBody)
	if errors.Is(err, io.EOF) {
		return nil // go-telegram/bot sends an empty multipart body for parameterless calls
	}
	if err != nil {
		return badRequest("can't parse multipart form")
	}
	p.form = r.MultipartForm
	for k, vs := range p.form.Value {
		if len(vs) > 0 {
			p.v[k] = vs[0]
		}
	}
	if len(p.form.File) > 0 {
		p.files = make(map[string]*multipart.FileHeader, len(p.form.File))
		for k, fs := range p.form.File {
			p.files[k] = fs[0]
		}
	}
	return nil
}

func (p *params) fromJSON(r *http.Request) *Fault {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return badRequest("can't parse JSON object")
	}
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		var s string
		if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
			p.v[k] = s
			continue
		}
		if string(v) == "null" {
			continue
		}
		p.v[k] = string(v)
	}
	return nil
}

// cleanup removes temporary files a large multipart upload may have left.
func (p *params) cleanup() {
	if p.form != nil {
		_ = p.form.RemoveAll()
	}
}

func (p *params) get(k string) string { return p.v[k] }

func (p *params) has(k string) bool {
	_, ok := p.v[k]
	return ok
}

func (p *params) boolean(k string) bool {
	b, _ := strconv.ParseBool(strings.TrimSpace(p.v[k]))
	return b
}

// integer returns def when the field is absent; a present but malformed
// number is a Telegram-shaped 400, never a panic.
func (p *params) integer(k string, def int64) (int64, *Fault) {
	s, ok := p.v[k]
	if !ok || strings.TrimSpace(s) == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return def, badRequest("invalid " + k + " specified")
	}
	return n, nil
}

// chatIDField reads a chat id. "@username" addresses a public chat, which
// the fake never has, so it is "chat not found" like for an unknown channel.
func (p *params) chatIDField(k string) (int64, *Fault) {
	s := strings.TrimSpace(p.v[k])
	if s == "" {
		return 0, badRequest(k + " is empty")
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id == 0 {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

// peekChatID is the best-effort chat id used to match faults; 0 when none.
func (p *params) peekChatID() int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(p.v["chat_id"]), 10, 64)
	return id
}
