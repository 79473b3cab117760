package bench

import (
	"bytes"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// sink is the minimal HTTP endpoint the uncapped throughput is measured
// against, as issue 13 measured listmonk and Loa side by side: it answers
// every sendMessage "ok" and only counts chat ids, so the figure is the
// engine's and not the fake Bot API's. The fake (tgfake) checks every
// request as Telegram would and costs about 45 µs of CPU per message on
// these 2-core machines (perf, session 5): at 20,000 msg/s that alone would
// be most of a core, next to the worker. Every other row, and every test,
// uses the fake.
type sink struct {
	ln  net.Listener
	srv *fasthttp.Server

	mu          sync.Mutex
	seen        map[int64]struct{}
	count, dups int
	first, last time.Time
}

func newSink() (*sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &sink{ln: ln, seen: map[int64]struct{}{}}
	s.srv = &fasthttp.Server{Handler: s.handle, Concurrency: 4096}
	go s.srv.Serve(ln)
	return s, nil
}

var (
	chatIDKey = []byte(`"chat_id":`)
	sinkOK    = []byte(`{"ok":true,"result":{"message_id":1}}`)
)

// handle counts the chat id at the head of a sendMessage body (how
// telegram.Sender writes it) and answers ok; anything else is a 400.
func (s *sink) handle(c *fasthttp.RequestCtx) {
	body := c.PostBody()
	i := bytes.Index(body, chatIDKey)
	if i < 0 {
		c.SetStatusCode(fasthttp.StatusBadRequest)
		return
	}
	rest := body[i+len(chatIDKey):]
	end := bytes.IndexAny(rest, ",}")
	id, err := strconv.ParseInt(string(rest[:max(end, 0)]), 10, 64)
	if end < 0 || err != nil {
		c.SetStatusCode(fasthttp.StatusBadRequest)
		return
	}
	now := time.Now()
	s.mu.Lock()
	if _, dup := s.seen[id]; dup {
		s.dups++
	}
	s.seen[id] = struct{}{}
	if s.count == 0 {
		s.first = now
	}
	s.count++
	s.last = now
	s.mu.Unlock()
	c.SetContentType("application/json")
	c.SetBody(sinkOK)
}

// URL is the sink's base URL, as the fake's is.
func (s *sink) URL() string { return "http://" + s.ln.Addr().String() }

// counts are the sends it answered, how many repeated a chat id, and the
// rate between the first and the last.
func (s *sink) counts() (n, dups int, rate float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.count > 1 {
		rate = float64(s.count-1) / s.last.Sub(s.first).Seconds()
	}
	return s.count, s.dups, rate
}

func (s *sink) close() { s.srv.Shutdown() }
