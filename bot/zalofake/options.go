package zalofake

import "net/http"

// Option configures a Server.
type Option func(*Server)

// DefaultToken is the token a Server answers to unless WithToken is given;
// like a real one it is "<bot id>:<secret>".
const DefaultToken = "1459232241454765289:LoaFakeSandboxSecretNotForProduction"

// DefaultRecordLimit is how many sends the fake keeps per chat.
const DefaultRecordLimit = 1000

// WithToken sets the bot token; the digits before ':' become the bot's id.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithAccountName sets getMe's account_name.
func WithAccountName(name string) Option { return func(s *Server) { s.accountName = name } }

// WithStrictChats makes sends to chats that never wrote to the bot answer
// 400 "chat not found".
func WithStrictChats() Option { return func(s *Server) { s.strictChats = true } }

// WithRateLimit answers 429 to sends above perSecond in any sliding second
// (all chats together), so benchmarks can check Loa holds its rate.
func WithRateLimit(perSecond int) Option {
	return func(s *Server) {
		if perSecond > 0 {
			s.limit = newWindow(perSecond)
		}
	}
}

// WithRecordLimit keeps at most the last n sends per chat (0: none, only
// counters, for benchmarks).
func WithRecordLimit(n int) Option {
	return func(s *Server) {
		if n >= 0 {
			s.recordLimit = n
		}
	}
}

// WithHTTPWebhooks lets setWebhook take plain http URLs (the sandbox on
// localhost); the platform wants https.
func WithHTTPWebhooks() Option { return func(s *Server) { s.httpHooks = true } }

// WithWebhookClient sets the client webhook deliveries use, e.g. an
// httptest TLS server's Client() so an https webhook can be tested.
func WithWebhookClient(c *http.Client) Option { return func(s *Server) { s.hookClient = c } }
