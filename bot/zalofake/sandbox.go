package zalofake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// The /_sandbox/ control API lets another process (a terminal chat) act as
// a Zalo resident: inject events and read what the bot sent to its chat.
//
//	POST /_sandbox/send        {"user":{"id":…,"display_name":…},"text":…}
//	POST /_sandbox/image       {"user":…,"photo":…,"caption":…}
//	POST /_sandbox/sticker     {"user":…,"sticker":…,"url":…}
//	POST /_sandbox/unsupported {"user":…}
//	POST /_sandbox/redeliver   {"message_id":…}
//	GET  /_sandbox/messages?chat_id=…&after=<cursor>&wait=<seconds>
//
// Answers use the Bot API envelope; injections answer {"message_id":…}.

// SandboxMessage is a bot message as the sandbox reports it.
type SandboxMessage struct {
	Seq       int64  `json:"seq"`
	Method    string `json:"method"`
	MessageID string `json:"message_id"`
	Text      string `json:"text"` // what the resident sees
	Photo     string `json:"photo,omitempty"`
	Sticker   string `json:"sticker,omitempty"`
}

type sandboxRequest struct {
	User      User   `json:"user"`
	Text      string `json:"text,omitempty"`
	Photo     string `json:"photo,omitempty"`
	Caption   string `json:"caption,omitempty"`
	Sticker   string `json:"sticker,omitempty"`
	URL       string `json:"url,omitempty"`
	MessageID string `json:"message_id,omitempty"`
}

type sandboxInjected struct {
	MessageID string `json:"message_id"`
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
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		writeFault(w, badRequest("expected a JSON object"))
		return
	}
	if r.URL.Path == "/_sandbox/redeliver" {
		if !s.Redeliver(req.MessageID) {
			writeFault(w, &Fault{Code: http.StatusNotFound, Description: "Not Found: no such message_id"})
			return
		}
		writeOK(w, sandboxInjected{MessageID: req.MessageID})
		return
	}
	if req.User.ID == "" {
		writeFault(w, badRequest("user.id is required"))
		return
	}
	var id string
	switch r.URL.Path {
	case "/_sandbox/send":
		if req.Text == "" {
			writeFault(w, badRequest("text is empty"))
			return
		}
		id = s.SendText(req.User, req.Text)
	case "/_sandbox/image":
		id = s.SendImage(req.User, req.Photo, req.Caption)
	case "/_sandbox/sticker":
		id = s.SendSticker(req.User, req.Sticker, req.URL)
	case "/_sandbox/unsupported":
		id = s.SendUnsupported(req.User)
	default:
		writeFault(w, &Fault{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	writeOK(w, sandboxInjected{MessageID: id})
}

func (s *Server) sandboxMessages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	chatID := q.Get("chat_id")
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	waitSec, _ := strconv.ParseFloat(q.Get("wait"), 64)
	if chatID == "" {
		writeFault(w, badRequest("chat_id is required"))
		return
	}
	wait := min(time.Duration(waitSec*float64(time.Second)), maxSandboxWait)
	timer := time.NewTimer(max(wait, 0))
	defer timer.Stop()
	for {
		s.mu.Lock()
		recs := s.sentToLocked(chatID, after)
		out := sandboxMessages{Messages: toSandbox(recs), Cursor: max(s.seq, after)}
		if len(recs) > 0 || s.closed || wait <= 0 {
			s.mu.Unlock()
			writeOK(w, out)
			return
		}
		ch := s.sentWait
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
		out = append(out, SandboxMessage{Seq: r.Seq, Method: r.Method, MessageID: r.MessageID,
			Text: r.Visible(), Photo: r.Photo, Sticker: r.Sticker})
	}
	return out
}
