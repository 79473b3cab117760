package tgfake

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is a fake Telegram Bot API. It is an http.Handler; New serves it
// on an httptest server, Listen on a real TCP address (the sandbox).
type Server struct {
	token       string
	botID       int64
	botUsername string
	strictChats bool
	recordLimit int // -1: keep everything; 0: keep nothing; n: ring of n
	free, paid  *window
	strict      *gcra // WithStrictRateLimit

	ts       *httptest.Server
	hs       *http.Server
	baseURL  string
	handlers map[string]handler

	hookMu sync.Mutex // serialises webhook (re)configuration
	mu     sync.Mutex
	state  // everything below the mutex lives in state.go
}

type handler struct {
	name string
	fn   func(ctx context.Context, p *params) (any, *Fault)
}

// New starts a fake Bot API on a local httptest server.
func New(opts ...Option) *Server {
	s := newServer(opts)
	s.ts = httptest.NewServer(s)
	s.baseURL = s.ts.URL
	return s
}

// Listen serves the fake on a real TCP address such as 127.0.0.1:8081,
// which is what `loa dev` and `loa chat` talk to.
func Listen(addr string, opts ...Option) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := newServer(opts)
	s.hs = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.baseURL = "http://" + ln.Addr().String()
	go func() {
		if err := s.hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = ln.Close()
		}
	}()
	return s, nil
}

func newServer(opts []Option) *Server {
	s := &Server{token: DefaultToken, botUsername: "loa_fake_bot", recordLimit: -1}
	for _, o := range opts {
		o(s)
	}
	s.botID = botIDFromToken(s.token)
	s.initState()
	s.handlers = s.routes()
	return s
}

func botIDFromToken(token string) int64 {
	head, _, _ := strings.Cut(token, ":")
	id, err := strconv.ParseInt(head, 10, 64)
	if err != nil || id <= 0 {
		return 123456789
	}
	return id
}

// URL is the base to pass to bot.WithServerURL.
func (s *Server) URL() string { return s.baseURL }

// Token is the token the fake accepts.
func (s *Server) Token() string { return s.token }

// Close stops webhook delivery, wakes long polls and shuts the server.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	h := s.hook
	s.hook = nil
	s.wakeUpdatesLocked()
	s.wakeSentLocked()
	s.mu.Unlock()
	if h != nil {
		h.stop()
	}
	if s.ts != nil {
		s.ts.CloseClientConnections()
		s.ts.Close()
	}
	if s.hs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if s.hs.Shutdown(ctx) != nil {
			_ = s.hs.Close()
		}
	}
}

func (s *Server) routes() map[string]handler {
	m := map[string]func(context.Context, *params) (any, *Fault){
		"getMe":                  s.getMe,
		"getUpdates":             s.getUpdates,
		"setWebhook":             s.setWebhook,
		"deleteWebhook":          s.deleteWebhook,
		"getWebhookInfo":         s.getWebhookInfo,
		"sendMessage":            s.sendMessage,
		"sendPhoto":              s.sendPhoto,
		"sendDocument":           s.sendDocument,
		"copyMessage":            s.copyMessage,
		"editMessageText":        s.editMessageText,
		"editMessageReplyMarkup": s.editMessageReplyMarkup,
		"deleteMessage":          s.deleteMessage,
		"sendChatAction":         s.sendChatAction,
		"answerCallbackQuery":    s.answerCallbackQuery,
		"setMyCommands":          s.setMyCommands,
		"getMyCommands":          s.getMyCommands,
		"deleteMyCommands":       s.deleteMyCommands,
	}
	out := make(map[string]handler, len(m))
	for name, fn := range m {
		// Telegram method names are case-insensitive.
		out[strings.ToLower(name)] = handler{name: name, fn: fn}
	}
	return out
}

// ServeHTTP routes /bot<token>/<method> and the /_sandbox/ control API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_sandbox/") {
		s.serveSandbox(w, r)
		return
	}
	token, method, ok := splitPath(r.URL.Path)
	if !ok {
		writeFault(w, &Fault{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	if token != s.token {
		writeFault(w, &Fault{Code: http.StatusUnauthorized, Description: "Unauthorized"})
		return
	}
	h, ok := s.handlers[strings.ToLower(method)]
	if !ok {
		writeFault(w, &Fault{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	s.call(w, r, h)
}

func (s *Server) call(w http.ResponseWriter, r *http.Request, h handler) {
	// Parse first: a long poll must have consumed the body, or net/http
	// cannot notice the client going away (see libs.md).
	p, f := parseParams(w, r)
	defer p.cleanup()
	chatID := p.peekChatID()
	s.countCall(h.name)
	if f == nil {
		if hf := s.faultFor(h.name, chatID, p.has("chat_id")); hf != nil && !s.applyFault(r.Context(), w, hf) {
			return
		}
	}
	var res any
	if f == nil {
		res, f = h.fn(r.Context(), p)
	}
	if f != nil {
		s.noteStatus(f.Code)
		writeFault(w, f)
		return
	}
	writeOK(w, res)
}

// splitPath cuts "/bot<token>/<method>" (also "/bot<token>/test/<method>",
// which go-telegram/bot uses for the test environment).
func splitPath(path string) (token, method string, ok bool) {
	rest, ok := strings.CutPrefix(path, "/bot")
	if !ok {
		return "", "", false
	}
	token, method, ok = strings.Cut(rest, "/")
	method = strings.TrimPrefix(method, "test/")
	if !ok || method == "" || strings.Contains(method, "/") {
		return "", "", false
	}
	return token, method, true
}
