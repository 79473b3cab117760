package console

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/store"
)

// DateLayout is how every date is written: 10/10/2026 08:00.
const DateLayout = "02/01/2006 15:04"

// page is what every template receives. Text comes from the locale files
// through T; html/template escapes it, and everything staff typed, on output.
type page struct {
	Lang    string
	Title   string // message id
	Staff   *store.Staff
	Nav     []navItem
	Path    string // the current path, for the language switch
	Flash   string // message id of a one-time notice
	Message string // message id for the error page and notices
	Form    *form
	Data    any
	cat     *l10n.Catalog
	tz      *time.Location
}

type navItem struct {
	Href, Label string
	Current     bool
}

// T renders a message id in the page's language; kv are template values.
func (p *page) T(id string, kv ...any) string { return p.cat.Plain(p.Lang, id, kv...) }

// When writes a time in the console's zone: 10/10/2026 08:00.
func (p *page) When(t any) string {
	switch v := t.(type) {
	case time.Time:
		return v.In(p.tz).Format(DateLayout)
	case *time.Time:
		if v == nil {
			return ""
		}
		return v.In(p.tz).Format(DateLayout)
	}
	return ""
}

// Other is the language the switch offers.
func (p *page) Other() string {
	if p.Lang == l10n.EN {
		return l10n.VI
	}
	return l10n.EN
}

// form holds what was typed and the errors next to each field.
type form struct {
	Values map[string]string
	Errors map[string]string // field -> message id
}

func newForm() *form { return &form{Values: map[string]string{}, Errors: map[string]string{}} }

// V is a field's value as typed.
func (f *form) V(name string) string {
	if f == nil {
		return ""
	}
	return f.Values[name]
}

// E is a field's error message id, "" if none.
func (f *form) E(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

func (f *form) fail(field, msg string) {
	if _, ok := f.Errors[field]; !ok {
		f.Errors[field] = msg
	}
}

func (f *form) ok() bool { return len(f.Errors) == 0 }

// HasErrors reports whether any field has an error (for the summary).
func (f *form) HasErrors() bool { return f != nil && len(f.Errors) > 0 }

func (c *Console) lang(r *http.Request) string {
	if l := c.sessions.GetString(r.Context(), keyLang); l10n.Valid(l) {
		return l
	}
	return l10n.VI
}

func (c *Console) newPage(r *http.Request, title string) *page {
	p := &page{Lang: l10n.VI, Title: title, Path: r.URL.RequestURI(), cat: c.cat, tz: c.d.Timezone}
	// the cross-origin deny handler runs before the session is loaded, and
	// scs panics when asked for one that is not: that page stays Vietnamese.
	func() {
		defer func() { _ = recover() }()
		p.Lang = c.lang(r)
		p.Flash = c.sessions.PopString(r.Context(), keyFlash)
	}()
	if st := who(r); st.ID != 0 {
		p.Staff = &st
		for _, s := range sections {
			if allowed(s.roles, st.Role) {
				href := Prefix + s.path
				p.Nav = append(p.Nav, navItem{Href: href, Label: s.label, Current: strings.HasPrefix(r.URL.Path, href)})
			}
		}
	}
	return p
}

func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		// _*.html hold shared pieces (form fields) every page may use
		t, err := template.New("layout.html").ParseFS(templateFS, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return nil, fmt.Errorf("console: template %s: %w", n, err)
		}
		pages[base] = t
	}
	return pages, nil
}

func (c *Console) render(w http.ResponseWriter, r *http.Request, name string, p *page) {
	c.renderStatus(w, r, http.StatusOK, name, p)
}

func (c *Console) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := c.pages[name]
	if !ok {
		c.d.Log.Error("console: no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		c.d.Log.Error("console: render", "name", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
