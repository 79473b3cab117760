package tgfake

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Fault is an error answer (or a misbehaviour) the fake can be told to
// produce. Code 0 means "answer normally" after Delay; Drop closes the
// connection without any answer so the client sees a network error.
type Fault struct {
	Code        int
	Description string
	RetryAfter  int
	MigrateTo   int64
	Delay       time.Duration
	Drop        bool
}

// AnyChat makes FailNext match every call that carries a chat_id.
const AnyChat int64 = 0

func (f Fault) String() string {
	if f.Drop {
		return "drop"
	}
	return fmt.Sprintf("%d %s", f.Code, f.Description)
}

// TooManyRequests is Telegram's flood-control answer.
func TooManyRequests(retryAfter int) Fault {
	if retryAfter < 1 {
		retryAfter = 1
	}
	return Fault{Code: http.StatusTooManyRequests, RetryAfter: retryAfter,
		Description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)}
}

// Blocked is what a send to a user who blocked the bot gets.
func Blocked() Fault {
	return Fault{Code: http.StatusForbidden, Description: "Forbidden: bot was blocked by the user"}
}

// Deactivated is what a send to a deleted account gets.
func Deactivated() Fault {
	return Fault{Code: http.StatusForbidden, Description: "Forbidden: user is deactivated"}
}

// ChatNotFound is the 400 for chats the bot cannot address.
func ChatNotFound() Fault {
	return Fault{Code: http.StatusBadRequest, Description: "Bad Request: chat not found"}
}

// Migrated is the answer for a group that became a supergroup.
func Migrated(newChatID int64) Fault {
	return Fault{Code: http.StatusBadRequest, MigrateTo: newChatID,
		Description: "Bad Request: group chat was upgraded to a supergroup chat"}
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
	chatID int64
	fault  Fault
	left   int
}

// FailNext makes the next n calls that target chatID (AnyChat: any chat)
// answer with f instead of being processed. Calls without a chat_id
// (getUpdates, getMe, ...) are never matched, so polling keeps working.
func (s *Server) FailNext(chatID int64, f Fault, n int) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	s.faults = append(s.faults, pendingFault{chatID: chatID, fault: f, left: n})
	s.mu.Unlock()
}

// SetFault installs a hook asked on every call (including getUpdates, with
// chatID 0); a non-nil answer is applied. nil removes the hook.
func (s *Server) SetFault(hook func(method string, chatID int64) *Fault) {
	s.mu.Lock()
	s.faultHook = hook
	s.mu.Unlock()
}

// faultFor picks the fault for this call, consuming one FailNext use.
// The hook runs outside the lock so it may call back into the Server.
func (s *Server) faultFor(method string, chatID int64, hasChat bool) *Fault {
	s.mu.Lock()
	hook := s.faultHook
	s.mu.Unlock()
	if hook != nil {
		if f := hook(method, chatID); f != nil {
			return f
		}
	}
	if !hasChat {
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
func (s *Server) applyFault(ctx context.Context, w http.ResponseWriter, f *Fault) bool {
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
		dropConn(w)
		return false
	case f.Code != 0:
		s.noteStatus(f.Code)
		writeFault(w, f)
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
	// net/http's documented way to abort a response without logging.
	panic(http.ErrAbortHandler)
}
