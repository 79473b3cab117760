package console

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/loa-vn/loa/store"
)

// A session that expires mid-form loses nothing: the form posted without a
// session is kept server-side (store.SaveForm) under a one-time token, the
// person signs in again, and the form page opens with what they typed, to
// check and send themselves. Nothing is submitted for them, and secrets
// (passwords, codes) and uploaded files are not kept.

const restoreParam = "restore"

// notKept are fields a saved form never keeps.
var notKept = map[string]bool{"password": true, "confirm": true, "code": true, "lang": true, "next": true}

// maxSavedForm bounds what is kept of a form (the FAQ editor's answer is 3,000 characters).
const maxSavedForm = 64 << 10

// saveFormForLater keeps a form posted without a session and sends the
// person to sign in, then back to the form's page with the token.
func (c *Console) saveFormForLater(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	values := url.Values{}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	r.Body = http.MaxBytesReader(w, r.Body, maxSavedForm)
	var err error
	if mt == "multipart/form-data" {
		err = r.ParseMultipartForm(maxSavedForm)
		if r.MultipartForm != nil {
			values = r.MultipartForm.Value // files are not kept
		}
	} else {
		err = r.ParseForm()
		values = r.PostForm
	}
	next := r.URL.Path
	if err == nil {
		kept := map[string][]string{}
		for k, v := range values {
			if !notKept[k] {
				kept[k] = v
			}
		}
		if len(kept) > 0 {
			token := newToken()
			if serr := c.d.Store.SaveForm(ctx, token, r.URL.Path, kept); serr != nil {
				c.d.Log.Error("console: save form", "path", r.URL.Path, "err", serr)
			} else {
				next += "?" + restoreParam + "=" + token
				c.sessions.Put(ctx, keyFlash, "restore_signin")
			}
		}
	}
	c.sessions.Put(ctx, keyNext, next)
	http.Redirect(w, r, Prefix+"sign-in", http.StatusSeeOther)
}

func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// restoreForm fills f with a saved form for this page, once, and reports
// whether it did (the page then says so).
func (c *Console) restoreForm(r *http.Request, f *form) bool {
	token := r.URL.Query().Get(restoreParam)
	if token == "" || len(token) > 100 {
		return false
	}
	v, err := c.d.Store.TakeForm(r.Context(), token, r.URL.Path)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			c.d.Log.Error("console: restore form", "path", r.URL.Path, "err", err)
		}
		return false
	}
	for k, vs := range v {
		f.Values[k] = strings.Join(vs, "\n")
	}
	return true
}
