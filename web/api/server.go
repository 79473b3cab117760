// Package api is the staff and agency JSON API under /api/v1: one route
// table drives both the router and the OpenAPI document, every request is
// authenticated with an API token and authorised by role, and every change
// is audited in the store, in the same transaction as the change.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/store"
)

// Deps is what the API needs from the process.
type Deps struct {
	Store *store.Store
	Redis *redis.Client // optional: not used by the handlers yet
	// Key keys phone hashes and signs invite links (Config.Key()).
	Key         []byte
	BotUsername string
	// ZaloBotID is the Zalo bot's id (getMe), for the zalo.me link beside
	// the Telegram one; "" when Zalo is off.
	ZaloBotID string
	// TwoPersonRule: a broadcast's approver must not be its author.
	TwoPersonRule bool
	Timezone      *time.Location
	Log           *slog.Logger
	// Sender is the channel test messages go out on, to a staff member's
	// own linked chat; nil = 503.
	Sender channel.Channel
	// Runs pauses, resumes and cancels runs (a *jobs.Engine); nil = store only.
	Runs RunControl
	Now  func() time.Time
	// FAQFiles are the FAQ files (locales/faq): with the table's active
	// rows they give each entry its review date for GET /faq/stale.
	FAQFiles map[string]*faq.KB
	// FAQStaleDays is the default age of /faq/stale (LOA_FAQ_STALE_DAYS);
	// 0 means 180.
	FAQStaleDays int
	// Workflow is the broadcast workflow the broadcast endpoints call; nil
	// builds one from Store, Runs, Sender, TwoPersonRule and Now.
	Workflow *broadcast.Workflow
}

// Server serves the API. Build it with New and mount Handler under "/api/".
type Server struct {
	d      Deps
	wf     *broadcast.Workflow
	routes []route
	mux    *http.ServeMux
	h      http.Handler // mux behind the middleware
}

// New builds the router from the route table.
func New(d Deps) *Server {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Timezone == nil {
		d.Timezone, _ = time.LoadLocation("Asia/Ho_Chi_Minh")
	}
	s := &Server{d: d, mux: http.NewServeMux(), wf: d.Workflow}
	if s.wf == nil {
		c := broadcast.Config{Store: d.Store, Runs: d.Runs, TwoPersonRule: d.TwoPersonRule, Now: d.Now}
		if d.Sender != nil {
			c.Sender = broadcast.ChatSender(d.Sender)
		}
		s.wf = broadcast.New(c)
	}
	s.h = s.middleware(s.mux)
	s.routes = append(s.table(), s.memberRoutes()...)
	for _, rt := range s.routes {
		s.mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	s.mux.HandleFunc("GET /api/openapi.json", s.serveOpenAPI)
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody{errNotFound("no such endpoint: " + r.Method + " " + r.URL.Path)})
	})
	return s
}

// Handler is the API's http.Handler.
func (s *Server) Handler() http.Handler { return s.h }

// Mount adds the API to a mux that serves other paths too.
func (s *Server) Mount(mux *http.ServeMux) { mux.Handle("/api/", s.h) }

// middleware is what every API answer goes through, whichever route (or
// none) serves it: the headers no answer may lack, and a panic turned into a
// logged error id and a 500 in the error shape instead of a cut connection.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		rw := &recordingWriter{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			id := newErrorID()
			s.d.Log.Error("api panic", "error_id", id, "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rw.wrote {
				return // the status is sent; the log has the rest
			}
			writeJSON(w, http.StatusInternalServerError, errorBody{errInternal(id)})
		}()
		next.ServeHTTP(rw, r)
	})
}

// recordingWriter notes whether the status was sent, so a panic after it
// does not write a second one.
type recordingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *recordingWriter) WriteHeader(code int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func newErrorID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// handler is a route's function: it writes a success response itself and
// returns an error for everything else, translated once by wrap.
type handler func(w http.ResponseWriter, r *http.Request, c *call) error

// call is one authenticated request.
type call struct {
	Staff     store.Staff
	RequestID string
	log       *slog.Logger
}

// Actor is the audit identity of the caller.
func (c *call) Actor() store.Actor { return store.StaffActor(c.Staff.ID, c.RequestID) }

// actor is the caller as the broadcast workflow sees them.
func (c *call) actor() broadcast.Actor { return broadcast.StaffActor(c.Staff, c.RequestID) }

func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		c := &call{RequestID: requestID(r)}
		w.Header().Set("X-Request-Id", c.RequestID)
		c.log = s.d.Log.With("request_id", c.RequestID, "method", r.Method, "route", rt.Path)
		err := s.authorize(r, rt, c)
		if err == nil {
			err = rt.h(w, r, c)
		}
		if err != nil {
			s.writeError(w, c, err)
		}
		c.log.Debug("api request", "staff_id", c.Staff.ID, "ms", time.Since(start).Milliseconds())
	})
}

// authorize authenticates the bearer token and checks the route's roles
// (the broadcast routes have none: the workflow checks its own).
func (s *Server) authorize(r *http.Request, rt route, c *call) error {
	// the scheme is case-insensitive (RFC 7235 section 2.1)
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" || len(token) > 200 {
		return errUnauthenticated
	}
	st, err := s.d.Store.StaffByToken(r.Context(), strings.TrimSpace(token))
	if err != nil {
		if isNotFound(err) {
			return errUnauthenticated
		}
		return err
	}
	c.Staff = st
	c.log = c.log.With("staff_id", st.ID)
	if len(rt.Roles) > 0 && !slices.Contains(rt.Roles, st.Role) {
		return errForbidden("your role (" + st.Role + ") may not " + rt.Summary)
	}
	return nil
}

func (s *Server) writeError(w http.ResponseWriter, c *call, err error) {
	ae := toAPIError(err)
	if ae.Status >= 500 {
		id := newErrorID()
		c.log.Error("api error", "error_id", id, "err", err)
		if ae.Code == "internal" {
			ae = errInternal(id)
		}
	} else {
		c.log.Info("api refused", "status", ae.Status, "code", ae.Code, "err", err)
	}
	if ae.Status == 499 {
		return
	}
	writeJSON(w, ae.Status, errorBody{ae})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true) // "<" stays \u003c: safe even if a client renders JSON as HTML
	_ = enc.Encode(v)
}

// requestID keeps a well-formed incoming X-Request-Id (from a proxy) or makes one.
func requestID(r *http.Request) string {
	if v := r.Header.Get("X-Request-Id"); v != "" && len(v) <= 64 && isToken(v) {
		return v
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func isToken(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// ctx is a shorthand used by handlers.
func ctx(r *http.Request) context.Context { return r.Context() }

// Route names one endpoint, for tests and tooling.
type Route struct{ Method, Path string }

// Routes lists the endpoints the router serves, from the same table as the
// OpenAPI document.
func (s *Server) Routes() []Route {
	out := make([]Route, len(s.routes))
	for i, rt := range s.routes {
		out[i] = Route{rt.Method, rt.Path}
	}
	return out
}
