// Package console is the staff console in the browser, served under
// /console/: server-rendered html/template pages, Vietnamese first, that work
// without JavaScript. Staff sign in with their own account (argon2id
// password; TOTP for admins and approvers, or a one-time code the bot sends
// to their linked Telegram chat), sessions live in PostgreSQL
// (alexedwards/scs), every unsafe request passes net/http's
// CrossOriginProtection, and repeated failures lock an account and an IP
// address for a while. Rules about broadcasts are not here: the console calls
// the store and, for broadcasts, the workflow package, like every other front end.
//
// Pages: staff (admins); members, import, invite links and messages to
// members (agency managers, within their agency and those below it); FAQ
// entries with the bot's answer previewed and the unanswered-questions inbox
// (curators); the audit log and the queues (admins). A form posted after its
// session expired is kept (restore.go) and comes back after signing in.
package console

import (
	"context"
	"embed"
	"encoding/gob"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/v2"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/locales"
	"github.com/loa-vn/loa/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Prefix is where the console is mounted.
const Prefix = "/console/"

// Deps is what the console needs from the process.
type Deps struct {
	Store *store.Store
	// BaseURL is the address staff open, e.g. https://loa.example.vn or
	// http://127.0.0.1:8080 under `loa dev`. It makes set-password links and
	// decides the cookie's Secure flag: Secure everywhere except plain http
	// on a loopback address, where browsers and curl would drop the cookie.
	BaseURL  string
	Timezone *time.Location // dates are shown in it; Asia/Ho_Chi_Minh if nil
	Log      *slog.Logger
	Now      func() time.Time
	// SessionCleanup is how often expired sessions are deleted (0: 5 min, <0: never).
	SessionCleanup time.Duration
	// Workflow is the broadcast workflow the broadcast pages call: the
	// process's own, with its run control, test sender and two-person rule.
	// Nil builds one on Store alone (runs change in PostgreSQL only, no test
	// sends) with the two-person rule on.
	Workflow *broadcast.Workflow
	// Key keys phone hashes (member import) and signs invite links.
	Key []byte
	// BotUsername names the Telegram bot that invite links open.
	BotUsername string
	// Chat sends the one-time sign-in codes, the alternative to TOTP, to a
	// staff member's linked Telegram chat (the Telegram channel's Sender);
	// nil offers TOTP only.
	Chat channel.Sender
	// Queues reads the job queues for the admins' queue page (an
	// *asynq.Inspector); nil shows that the queues are not reachable.
	Queues QueueInspector
}

// Console serves the console. It is an http.Handler; Close stops the
// session store's cleanup goroutine.
type Console struct {
	d        Deps
	cat      *l10n.Catalog
	bot      *l10n.Catalog // the bot's texts, for the FAQ preview
	pages    map[string]*template.Template
	sessions *scs.SessionManager
	pgstore  *postgresstore.PostgresStore
	handler  http.Handler
	secure   bool
	imports  *importJobs
}

// Lock-out policies: per sign-in name and per client address.
var (
	accountLock = store.LockPolicy{Failures: 5, Window: 15 * time.Minute, LockFor: 15 * time.Minute}
	ipLock      = store.LockPolicy{Failures: 20, Window: 15 * time.Minute, LockFor: 15 * time.Minute}
)

// Session lifetimes: a working day at most, an hour without a request.
const (
	sessionLifetime = 12 * time.Hour
	sessionIdle     = time.Hour
)

func init() {
	gob.Register([]string{})
}

// New builds the console.
func New(d Deps) (*Console, error) {
	if d.Store == nil {
		return nil, errors.New("console: no store")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Timezone == nil {
		tz, err := time.LoadLocation("Asia/Ho_Chi_Minh")
		if err != nil {
			return nil, fmt.Errorf("console: timezone: %w", err)
		}
		d.Timezone = tz
	}
	if d.Workflow == nil {
		d.Workflow = broadcast.New(broadcast.Config{Store: d.Store, TwoPersonRule: true, Now: d.Now})
	}
	cat, err := l10n.LoadSet(locales.FS, "console", d.Log)
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	if d.Workflow == nil {
		d.Workflow = broadcast.New(broadcast.Config{Store: d.Store, Now: d.Now})
	}
	botText, err := l10n.Load(locales.FS, d.Log)
	if err != nil {
		return nil, fmt.Errorf("console: bot texts: %w", err)
	}
	c := &Console{d: d, cat: cat, bot: botText, secure: secureCookies(d.BaseURL), imports: newImportJobs()}
	if c.pages, err = parsePages(); err != nil {
		return nil, err
	}
	cleanup := d.SessionCleanup
	if cleanup == 0 {
		cleanup = 5 * time.Minute
	} else if cleanup < 0 {
		cleanup = 0
	}
	c.pgstore = postgresstore.NewWithConfig(d.Store.DB().DB, postgresstore.Config{TableName: "console_sessions", CleanUpInterval: cleanup})
	sm := scs.New()
	sm.Store = c.pgstore
	sm.Lifetime, sm.IdleTimeout = sessionLifetime, sessionIdle
	sm.HashTokenInStore = true // a leaked table row is not a usable cookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	sm.Cookie.Secure = c.secure
	sm.Cookie.Name = "loa_console"
	if c.secure {
		sm.Cookie.Name = "__Host-loa_console" // Secure, Path=/, no Domain: no subdomain can set it
	}
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		c.d.Log.Error("console session", "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
	c.sessions = sm

	mux := http.NewServeMux()
	c.routes(mux)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(c.crossOriginDenied))
	c.handler = cop.Handler(securityHeaders(sm.LoadAndSave(mux)))
	return c, nil
}

// ServeHTTP serves every path under /console/.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.handler.ServeHTTP(w, r) }

// Close stops the session cleanup goroutine.
func (c *Console) Close() { c.pgstore.StopCleanup() }

// SetPasswordURL is the one-time link a new staff member opens to choose
// their password (`loa staff add` prints it).
func SetPasswordURL(base, token string) string {
	return strings.TrimRight(base, "/") + Prefix + "set-password/" + url.PathEscape(token)
}

// SignInURL is the console's sign-in page under base.
func SignInURL(base string) string { return strings.TrimRight(base, "/") + Prefix + "sign-in" }

// secureCookies is false only for plain http on a loopback host (`loa dev`).
func secureCookies(base string) bool {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" {
		return true
	}
	h := u.Hostname()
	if h == "localhost" {
		return false
	}
	ip := net.ParseIP(h)
	return ip == nil || !ip.IsLoopback()
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func (c *Console) routes(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	fileServer := http.StripPrefix(Prefix+"static/", http.FileServerFS(static))
	mux.Handle("GET "+Prefix+"static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fileServer.ServeHTTP(w, r)
	}))
	mux.HandleFunc("GET "+Prefix+"sign-in", c.signInPage)
	mux.HandleFunc("POST "+Prefix+"sign-in", c.signIn)
	mux.HandleFunc("GET "+Prefix+"sign-in/code", c.codePage)
	mux.HandleFunc("POST "+Prefix+"sign-in/code", c.code)
	mux.HandleFunc("POST "+Prefix+"sign-in/code/chat", c.sendChatCode)
	mux.HandleFunc("GET "+Prefix+"sign-in/enrol", c.enrolPage)
	mux.HandleFunc("POST "+Prefix+"sign-in/enrol", c.enrol)
	mux.HandleFunc("GET "+Prefix+"sign-in/enrol/qr.png", c.enrolQR)
	mux.HandleFunc("GET "+Prefix+"set-password/{token}", c.setPasswordPage)
	mux.HandleFunc("POST "+Prefix+"set-password/{token}", c.setPassword)
	mux.HandleFunc("POST "+Prefix+"sign-out", c.signOut)
	mux.HandleFunc("POST "+Prefix+"lang", c.setLang)

	mux.Handle("GET "+Prefix+"{$}", c.staffOnly(nil, c.home))
	mux.Handle("GET "+Prefix+"recovery-codes", c.staffOnly(nil, c.recoveryCodesPage))
	admins := []string{store.RoleAdmin}
	mux.Handle("GET "+Prefix+"staff", c.staffOnly(admins, c.staffList))
	mux.Handle("GET "+Prefix+"staff/new", c.staffOnly(admins, c.staffNewPage))
	mux.Handle("POST "+Prefix+"staff/new", c.staffOnly(admins, c.staffCreate))
	mux.Handle("GET "+Prefix+"staff/{id}", c.staffOnly(admins, c.staffEditPage))
	mux.Handle("POST "+Prefix+"staff/{id}/role", c.staffOnly(admins, c.staffRole))
	mux.Handle("POST "+Prefix+"staff/{id}/disable", c.staffOnly(admins, c.staffDisable(true)))
	mux.Handle("POST "+Prefix+"staff/{id}/enable", c.staffOnly(admins, c.staffDisable(false)))
	mux.Handle("POST "+Prefix+"staff/{id}/password-link", c.staffOnly(admins, c.staffPasswordLink))
	c.broadcastRoutes(mux)
	c.memberFAQAuditRoutes(mux)
	for _, sec := range sections {
		if sec.soon {
			mux.Handle("GET "+Prefix+sec.path, c.staffOnly(sec.roles, c.soon(sec)))
		}
	}
	mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		c.renderError(w, r, http.StatusNotFound, "error_not_found")
	})
}

// section is one entry of the navigation.
type section struct {
	path  string // under /console/
	label string // message id
	roles []string
	soon  bool // served by the "coming next" page for now
}

var sections = []section{
	{path: "broadcasts", label: "nav_broadcasts"},
	{path: "members", label: "nav_members", roles: memberReaders},
	{path: "faq", label: "nav_faq", roles: faqCurators},
	{path: "staff", label: "nav_staff", roles: []string{store.RoleAdmin}},
	{path: "audit", label: "nav_audit", roles: []string{store.RoleAdmin}},
	{path: "queues", label: "nav_queues", roles: []string{store.RoleAdmin}},
}

func allowed(roles []string, role string) bool {
	if len(roles) == 0 {
		return true
	}
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}

// needsSecondFactor: admins and approvers must use TOTP.
func needsSecondFactor(role string) bool {
	return role == store.RoleAdmin || role == store.RoleApprover
}

type ctxKey struct{}

// who is the signed-in staff member of a request that passed staffOnly.
func who(r *http.Request) store.Staff {
	st, _ := r.Context().Value(ctxKey{}).(store.Staff)
	return st
}

// Session keys.
const (
	keyStaff    = "staff_id"
	keyStage    = "stage" // stagePassword, stageIn
	keyMFA      = "mfa"   // the second factor was checked in this session
	keyLang     = "lang"
	keyNext     = "next"
	keySecret   = "enrol_secret"
	keyRecovery = "recovery_codes"
	keyFlash    = "flash"
	keyLogin    = "login"
	keyLink     = "new_link"
)

const (
	stagePassword = "password" // password right, second factor still to do
	stageIn       = "in"
)

// staffOnly lets through a fully signed-in, enabled staff member whose role
// is in roles (nil: any), and sends everyone else to sign in.
func (c *Console) staffOnly(roles []string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := c.sessions.GetInt64(ctx, keyStaff)
		if id == 0 || c.sessions.GetString(ctx, keyStage) != stageIn {
			if r.Method == http.MethodPost {
				c.saveFormForLater(w, r) // the session expired mid-form: nothing is lost
				return
			}
			if r.Method == http.MethodGet {
				c.sessions.Put(ctx, keyNext, r.URL.RequestURI())
			}
			http.Redirect(w, r, Prefix+"sign-in", http.StatusSeeOther)
			return
		}
		st, cred, err := c.d.Store.ConsoleAccount(ctx, id)
		if err != nil || st.DisabledAt != nil {
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				c.fail(w, r, err)
				return
			}
			_ = c.sessions.Destroy(ctx)
			http.Redirect(w, r, Prefix+"sign-in", http.StatusSeeOther)
			return
		}
		// a role that needs a second factor (given since sign-in, say) gets one first
		if needsSecondFactor(st.Role) && !c.sessions.GetBool(ctx, keyMFA) {
			c.sessions.Put(ctx, keyStage, stagePassword)
			if cred.HasTOTP() || c.chatCodes(st) {
				http.Redirect(w, r, Prefix+"sign-in/code", http.StatusSeeOther)
			} else {
				http.Redirect(w, r, Prefix+"sign-in/enrol", http.StatusSeeOther)
			}
			return
		}
		if !allowed(roles, st.Role) {
			c.renderError(w, r.WithContext(context.WithValue(ctx, ctxKey{}, st)), http.StatusForbidden, "error_forbidden")
			return
		}
		h(w, r.WithContext(context.WithValue(ctx, ctxKey{}, st)))
	})
}

// clientIP is the peer address. Behind a reverse proxy every client shares
// the proxy's address, so the per-IP lock is then a per-proxy lock; the
// per-account lock still holds.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (c *Console) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	c.d.Log.Warn("console: cross-origin request refused", "method", r.Method, "path", r.URL.Path,
		"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
	p := c.newPage(r, "error_title")
	p.Message = "error_cross_origin"
	c.renderStatus(w, r, http.StatusForbidden, "error", p)
}

// fail logs an unexpected error and shows a page without its details.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		c.renderError(w, r, http.StatusNotFound, "error_not_found")
		return
	}
	c.d.Log.Error("console", "path", r.URL.Path, "staff_id", who(r).ID, "err", err)
	c.renderError(w, r, http.StatusInternalServerError, "error_internal")
}

func (c *Console) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p := c.newPage(r, "error_title")
	p.Message = msg
	c.renderStatus(w, r, status, "error", p)
}

// setLang switches the console's language for this session.
func (c *Console) setLang(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	if l10n.Valid(lang) {
		c.sessions.Put(r.Context(), keyLang, lang)
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// safeNext keeps redirects inside the console.
func safeNext(next string) string {
	if strings.HasPrefix(next, Prefix) && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n") {
		return next
	}
	return Prefix
}
