package tgfake

import "time"

// Option configures a Server.
type Option func(*Server)

// DefaultToken is the token a Server answers to unless WithToken is given.
const DefaultToken = "123456789:AAFakeLoaSandboxToken"

// WithToken sets the bot token; the digits before ':' become the bot's id.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithBotUsername sets the bot's @username (without '@') for getMe.
func WithBotUsername(name string) Option { return func(s *Server) { s.botUsername = name } }

// WithStrictChats makes sends to chats that never wrote to the bot answer
// 400 "chat not found", as for a user who never pressed Start.
func WithStrictChats() Option { return func(s *Server) { s.strictChats = true } }

// WithRateLimit enforces a global sliding window of perSecond sends
// (Telegram allows about 30/s); sends with allow_paid_broadcast get 1000/s.
func WithRateLimit(perSecond int) Option {
	return func(s *Server) {
		if perSecond > 0 {
			s.free = newWindow(perSecond)
			s.paid = newWindow(1000)
		}
	}
}

// WithStrictRateLimit allows no burst at all: a send is refused (429) if
// it comes less than 1/perSecond after the previous accepted one's
// theoretical time (GCRA with a burst of 1, as redis_rate's Limit{Burst: 1}).
// A sender whose sends jitter by a few milliseconds sees 429s here that
// the sliding window of WithRateLimit forgives.
func WithStrictRateLimit(perSecond int) Option {
	return func(s *Server) {
		if perSecond > 0 {
			s.strict = &gcra{interval: time.Second / time.Duration(perSecond)}
		}
	}
}

// WithoutRecording keeps only counters (counts, per-chat counters,
// duplicates) so million-message benchmarks run in bounded memory.
func WithoutRecording() Option { return func(s *Server) { s.recordLimit = 0 } }

// WithRecordLimit keeps only the last n Sent records in a ring buffer.
func WithRecordLimit(n int) Option {
	return func(s *Server) {
		if n >= 0 {
			s.recordLimit = n
		}
	}
}
