package tgfake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// The /_sandbox/ control API lets another process (`loa chat`) act as a
// resident: inject updates and read what the bot sent to its chat.

// SandboxMessage is a bot message as the sandbox reports it.
type SandboxMessage struct {
	Seq       int64      `json:"seq"`
	Method    string     `json:"method"`
	MessageID int        `json:"message_id"`
	Text      string     `json:"text"`          // what the user sees
	Raw       string     `json:"raw,omitempty"` // text or caption as the bot sent it
	Photo     string     `json:"photo,omitempty"`
	Buttons   [][]Button `json:"buttons,omitempty"`
	Keyboard  [][]Button `json:"keyboard,omitempty"`
	Edited    bool       `json:"edited,omitempty"`
}

type sandboxRequest struct {
	User      User   `json:"user"`
	Text      string `json:"text"`
	MessageID int    `json:"message_id"`
	Data      string `json:"data"`
	Phone     string `json:"phone"`
}

type sandboxMessages struct {
	Messages []SandboxMessage `json:"messages"`
	Cursor   int64            `json:"cursor"` // pass as `after` next time
}

// maxSandboxWait caps a messages long poll.
const maxSandboxWait = 60 * time.Second

func (s *Server) serveSandbox(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_sandbox/messages" {
		s.sandboxMessages(w, r)
		return
	}
	if r.Method != http.MethodPost {
		writeFault(w, &Fault{Code: http.StatusMethodNotAllowed, Description: "Method Not Allowed"})
		return
	}
	var req sandboxRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil || req.User.ID == 0 {
		writeFault(w, badRequest("expected JSON with user.id"))
		return
	}
	var id int
	switch r.URL.Path {
	case "/_sandbox/send":
		if req.Text == "" {
			writeFault(w, badRequest("text is empty"))
			return
		}
		id = s.SendText(req.User, req.Text)
	case "/_sandbox/press":
		id = s.PressButton(req.User, req.MessageID, req.Data)
	case "/_sandbox/contact":
		id = s.SendContact(req.User, req.Phone)
	default:
		writeFault(w, &Fault{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	writeOK(w, map[string]int{"update_id": id})
}

func (s *Server) sandboxMessages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	chatID, err1 := strconv.ParseInt(q.Get("chat_id"), 10, 64)
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	waitSec, _ := strconv.ParseFloat(q.Get("wait"), 64)
	if err1 != nil {
		writeFault(w, badRequest("chat_id is required"))
		return
	}
	wait := min(time.Duration(waitSec*float64(time.Second)), maxSandboxWait)
	timer := time.NewTimer(max(wait, 0))
	defer timer.Stop()
	for {
		s.mu.Lock()
		recs := s.recordsLocked(func(rec Sent) bool { return rec.ChatID == chatID && rec.Seq > after })
		out := sandboxMessages{Messages: toSandbox(recs), Cursor: max(s.seq, after)}
		if len(recs) > 0 || s.closed || wait <= 0 {
			s.mu.Unlock()
			writeOK(w, out)
			return
		}
		ch := s.sentWaitLocked()
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			wait = 0
		case <-r.Context().Done():
			return
		}
	}
}

func toSandbox(recs []Sent) []SandboxMessage {
	out := make([]SandboxMessage, 0, len(recs))
	for _, r := range recs {
		m := SandboxMessage{Seq: r.Seq, Method: r.Method, MessageID: r.MessageID, Text: r.Plain,
			Raw: r.Text + r.Caption, Photo: r.Photo, Edited: r.Method == "editMessageText" || r.Method == "editMessageReplyMarkup"}
		if r.Markup != nil {
			m.Buttons, m.Keyboard = r.Markup.Inline, r.Markup.Keyboard
		}
		out = append(out, m)
	}
	return out
}
