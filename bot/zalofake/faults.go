package zalofake

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Fault is an error answer (or a misbehaviour) the fake can be told to
// produce. Code 0 means "answer normally" after Delay; Drop closes the
// connection without an answer, after the request was read.
type Fault struct {
	Code        int
	Description string
	Delay       time.Duration
	Drop        bool
}

func (f Fault) ptr() *Fault { return &f }

func (f Fault) String() string {
	if f.Drop {
		return "drop"
	}
	return fmt.Sprintf("%d %s", f.Code, f.Description)
}

// AnyChat makes FailNext match every call that carries a chat_id.
const AnyChat = ""

// QuotaExceeded is the platform's 429. It carries no retry_after: the
// platform documents none, so the client has to back off on its own.
func QuotaExceeded() Fault {
	return Fault{Code: http.StatusTooManyRequests, Description: "Too Many Requests: quota exceeded"}
}

// Unauthorized is the 401 of an invalid, expired or reset token.
func Unauthorized() Fault {
	return Fault{Code: http.StatusUnauthorized, Description: "Unauthorized: token is invalid or expired"}
}

// Forbidden is a 403, which Loa reads as "cannot reach this chat".
func Forbidden() Fault {
	return Fault{Code: http.StatusForbidden, Description: "Forbidden"}
}

// ChatNotFound is the 400 of a chat the bot cannot address.
func ChatNotFound() Fault {
	return Fault{Code: http.StatusBadRequest, Description: "Bad Request: chat not found"}
}

// ServerError is a 5xx; codes outside 500..599 become 500.
func ServerError(code int) Fault {
	if code < 500 || code > 599 {
		code = http.StatusInternalServerError
	}
	text := http.StatusText(code)
	if text == "" {
		text = "Internal Server Error"
	}
	return Fault{Code: code, Description: text}
}

// Slow delays the call by d, then answers normally.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// Drop closes the connection without answering.
func Drop() Fault { return Fault{Drop: true} }

type pendingFault struct {
	chatID string
	fault  Fault
	left   int
}

// FailNext makes the next n calls that target chatID (AnyChat: any chat)
// answer with f instead of being processed. Calls without a chat_id
// (getUpdates, getMe, ...) are never matched, so polling keeps working.
func (s *Server) FailNext(chatID string, f Fault, n int) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	s.faults = append(s.faults, pendingFault{chatID: chatID, fault: f, left: n})
	s.mu.Unlock()
}

// SetFault installs a hook asked on every API call (chatID "" when the
// call has none); a non-nil answer is applied. nil removes the hook.
func (s *Server) SetFault(hook func(method, chatID string) *Fault) {
	s.mu.Lock()
	s.faultHook = hook
	s.mu.Unlock()
}

// faultFor picks the fault for this call, consuming one FailNext use. The
// hook runs outside the lock so it may call back into the Server.
func (s *Server) faultFor(method, chatID string) *Fault {
	s.mu.Lock()
	hook := s.faultHook
	s.mu.Unlock()
	if hook != nil {
		if f := hook(method, chatID); f != nil {
			return f
		}
	}
	if chatID == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.faults {
		pf := &s.faults[i]
		if pf.chatID != AnyChat && pf.chatID != chatID {
			continue
		}
		f := pf.fault
		pf.left--
		if pf.left == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return &f
	}
	return nil
}

// applyFault performs f; it reports whether normal processing continues.
func (s *Server) applyFault(ctx context.Context, w http.ResponseWriter, method string, f *Fault) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return false
		}
	}
	switch {
	case f.Drop:
		s.mu.Lock()
		s.calls[method]++
		s.mu.Unlock()
		dropConn(w)
		return false
	case f.Code != 0:
		if f.Code == http.StatusTooManyRequests {
			s.mu.Lock()
			s.tooMany++
			s.mu.Unlock()
		}
		s.answer(w, method, nil, f)
		return false
	}
	return true
}

// dropConn closes the TCP connection under the client's feet.
func dropConn(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // net/http's way to abort a response quietly
}
