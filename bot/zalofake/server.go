package zalofake

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Server is a fake Zalo Bot API. It is an http.Handler; New serves it on an
// httptest server, Listen on a real TCP address (the sandbox).
type Server struct {
	token       string
	botID       string
	accountName string
	strictChats bool
	httpHooks   bool
	recordLimit int
	limit       *window
	hookClient  *http.Client

	ts       *httptest.Server
	hs       *http.Server
	baseURL  string
	handlers map[string]handlerFunc

	hookMu sync.Mutex // serialises webhook (re)configuration
	mu     sync.Mutex
	state  // guarded by mu; see state.go
}

type handlerFunc func(ctx context.Context, p params) (any, *Fault)

// New starts a fake Zalo Bot API on a local httptest server.
func New(opts ...Option) *Server {
	s := newServer(opts)
	s.ts = httptest.NewServer(s)
	s.baseURL = s.ts.URL
	return s
}

// Listen serves the fake on a real TCP address such as 127.0.0.1:8082, for
// `loa dev` and a terminal chat in another process.
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
	s := &Server{token: DefaultToken, accountName: "bot.LoaFake", recordLimit: DefaultRecordLimit,
		hookClient: &http.Client{Timeout: 10 * time.Second}}
	for _, o := range opts {
		o(s)
	}
	s.botID, _, _ = strings.Cut(s.token, ":")
	s.initState()
	s.handlers = map[string]handlerFunc{
		"getMe":          s.getMe,
		"getUpdates":     s.getUpdates,
		"setWebhook":     s.setWebhook,
		"deleteWebhook":  s.deleteWebhook,
		"getWebhookInfo": s.getWebhookInfo,
		"sendMessage":    s.sendMessage,
		"sendPhoto":      s.sendPhoto,
		"sendSticker":    s.sendSticker,
		"sendChatAction": s.sendChatAction,
	}
	return s
}

// URL is the API base, what ZALO_API_URL would be.
func (s *Server) URL() string { return s.baseURL }

// Token is the token the fake accepts.
func (s *Server) Token() string { return s.token }

// BotID is the bot's id as getMe reports it.
func (s *Server) BotID() string { return s.botID }

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
	s.wakeEventsLocked()
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

// ServeHTTP routes /bot<token>/<method> and the /_sandbox/ control API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_sandbox/") {
		s.serveSandbox(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		s.answer(w, "", nil, &Fault{Code: http.StatusMethodNotAllowed, Description: "Method Not Allowed"})
		return
	}
	token, method, ok := splitPath(r.URL.Path)
	if !ok {
		s.answer(w, "", nil, &Fault{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	if token != s.token {
		s.answer(w, "", nil, Unauthorized().ptr())
		return
	}
	h, ok := s.handlers[method] // case-sensitive, as the platform's names are
	if !ok {
		s.answer(w, method, nil, &Fault{Code: http.StatusBadRequest,
			Description: "Bad Request: unknown method " + quote(method) + " (method names are case-sensitive)"})
		return
	}
	s.call(w, r, method, h)
}

func (s *Server) call(w http.ResponseWriter, r *http.Request, method string, h handlerFunc) {
	// Parse first: a long poll must have consumed the body, or net/http
	// cannot notice the client going away.
	p, f := parseParams(w, r)
	if f != nil {
		s.answer(w, method, nil, f)
		return
	}
	if hf := s.faultFor(method, p.get("chat_id")); hf != nil && !s.applyFault(r.Context(), w, method, hf) {
		return
	}
	res, f := h(r.Context(), p)
	s.answer(w, method, res, f)
}

// answer writes the envelope and counts the call by method and status.
func (s *Server) answer(w http.ResponseWriter, method string, res any, f *Fault) {
	code := http.StatusOK
	if f != nil {
		code = f.Code
	}
	s.mu.Lock()
	if method != "" {
		s.calls[method]++
	}
	s.statuses[code]++
	s.mu.Unlock()
	if f != nil {
		writeFault(w, f)
		return
	}
	writeOK(w, res)
}

// splitPath cuts "/bot<token>/<method>".
func splitPath(path string) (token, method string, ok bool) {
	rest, ok := strings.CutPrefix(path, "/bot")
	if !ok {
		return "", "", false
	}
	token, method, ok = strings.Cut(rest, "/")
	if !ok || token == "" || method == "" || strings.Contains(method, "/") {
		return "", "", false
	}
	return token, method, true
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return `"` + s + `"`
}
