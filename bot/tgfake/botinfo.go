package tgfake

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// Command is one entry of the bot's command menu.
type Command struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// CallbackAnswer is one answerCallbackQuery the bot made.
type CallbackAnswer struct {
	QueryID   string
	Text      string
	ShowAlert bool
	Time      time.Time
}

func (s *Server) getMe(context.Context, *params) (any, *Fault) {
	return wireBotUser{wireUser: s.botWireUser(), CanJoinGroups: true}, nil
}

func (s *Server) setMyCommands(_ context.Context, p *params) (any, *Fault) {
	var cmds []Command
	if err := json.Unmarshal([]byte(p.get("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("too many commands specified")
	}
	for _, c := range cmds {
		if !validCommand(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := len([]rune(c.Description)); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	s.mu.Lock()
	s.commands[p.get("language_code")] = cmds
	s.mu.Unlock()
	return true, nil
}

// validCommand: 1-32 chars of lowercase letters, digits and underscores.
func validCommand(c string) bool {
	if len(c) < 1 || len(c) > 32 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if !(c[i] >= 'a' && c[i] <= 'z' || c[i] >= '0' && c[i] <= '9' || c[i] == '_') {
			return false
		}
	}
	return true
}

func (s *Server) getMyCommands(_ context.Context, p *params) (any, *Fault) {
	cmds := s.Commands(p.get("language_code"))
	if cmds == nil {
		cmds = []Command{}
	}
	return cmds, nil
}

func (s *Server) deleteMyCommands(_ context.Context, p *params) (any, *Fault) {
	s.mu.Lock()
	delete(s.commands, p.get("language_code"))
	s.mu.Unlock()
	return true, nil
}

// Commands returns the command menu set for a language ("" = default).
func (s *Server) Commands(lang string) []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Command(nil), s.commands[lang]...)
}

func (s *Server) answerCallbackQuery(_ context.Context, p *params) (any, *Fault) {
	id := strings.TrimSpace(p.get("callback_query_id"))
	if len([]rune(p.get("text"))) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.callbacks[id]; !ok {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	delete(s.callbacks, id)
	s.answers = append(s.answers, CallbackAnswer{QueryID: id, Text: p.get("text"),
		ShowAlert: p.boolean("show_alert"), Time: time.Now()})
	return true, nil
}

// CallbackAnswers lists the answerCallbackQuery calls accepted so far.
func (s *Server) CallbackAnswers() []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CallbackAnswer(nil), s.answers...)
}
