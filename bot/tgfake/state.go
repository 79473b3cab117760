package tgfake

import "net/http"

// state is everything guarded by Server.mu. One mutex is enough: every
// critical section is a few map/slice operations, far cheaper than the
// HTTP round trip around it.
type state struct {
	closed bool
	chats  map[int64]*chat

	records  []Sent // all records, or a ring when recordLimit > 0
	ringNext int
	seq      int64
	count    int
	calls    map[string]int
	tooMany  int
	paidSent int
	fileSeq  int64
	dupChats int
	reached  int // chats that received at least one send
	sentSig  chan struct{}

	updates      []queuedUpdate
	nextUpdateID int
	updSig       chan struct{}
	hook         *webhook
	hookErr      string
	hookErrDate  int64

	commands     map[string][]Command
	callbacks    map[string]struct{}
	answers      []CallbackAnswer
	nextCallback int

	faults    []pendingFault
	faultHook func(method string, chatID int64) *Fault
}

// chat is the fake's per-chat memory, kept small because a broadcast
// benchmark may touch a million of them.
type chat struct {
	nextMsgID int
	user      *User
	seen      bool // the user wrote to the bot at least once
	blocked   bool
	sends     int // accepted sends (duplicates/distinct counting)
	total     int // sends + edits: what WaitSent counts
	dup       bool
	hash      uint64   // hash of the first text sent here
	hashes    []uint64 // further distinct texts, capped at maxHashes
	msgs      map[int]*wireMessage
}

// maxHashes bounds duplicate detection memory for very chatty chats.
const maxHashes = 64

func (s *Server) initState() {
	s.chats = make(map[int64]*chat, 1024)
	s.calls = make(map[string]int, 16)
	s.commands = make(map[string][]Command)
	s.callbacks = make(map[string]struct{})
	s.nextUpdateID = 100001
	s.nextCallback = 1
	switch {
	case s.recordLimit > 0:
		s.records = make([]Sent, 0, s.recordLimit)
	case s.recordLimit < 0:
		s.records = make([]Sent, 0, 4096)
	}
}

func (s *Server) chatLocked(id int64) *chat {
	c := s.chats[id]
	if c == nil {
		c = &chat{nextMsgID: 1}
		s.chats[id] = c
	}
	return c
}

// storesMessages: message bodies are only kept when every record is kept,
// so WithoutRecording / ring mode stay bounded.
func (s *Server) storesMessages() bool { return s.recordLimit < 0 }

func (s *Server) countCall(method string) {
	s.mu.Lock()
	s.calls[method]++
	s.mu.Unlock()
}

func (s *Server) noteStatus(code int) {
	if code != http.StatusTooManyRequests {
		return
	}
	s.mu.Lock()
	s.tooMany++
	s.mu.Unlock()
}

// Wake-ups use a channel that is closed and dropped when something happens
// and only created when someone waits, so sends cost nothing extra when
// nobody is listening.
func (s *Server) sentWaitLocked() <-chan struct{} {
	if s.sentSig == nil {
		s.sentSig = make(chan struct{})
	}
	return s.sentSig
}

func (s *Server) wakeSentLocked() {
	if s.sentSig != nil {
		close(s.sentSig)
		s.sentSig = nil
	}
}

func (s *Server) updWaitLocked() <-chan struct{} {
	if s.updSig == nil {
		s.updSig = make(chan struct{})
	}
	return s.updSig
}

func (s *Server) wakeUpdatesLocked() {
	if s.updSig != nil {
		close(s.updSig)
		s.updSig = nil
	}
}

func (s *Server) botWireUser() wireUser {
	return wireUser{ID: s.botID, IsBot: true, FirstName: "Loa", Username: s.botUsername}
}

// wireChatLocked describes a chat as Telegram would: positive ids are
// private chats with the user, negative ones groups or supergroups.
func (s *Server) wireChatLocked(id int64) wireChat {
	switch {
	case id <= -1000000000000:
		return wireChat{ID: id, Type: "supergroup", Title: "Supergroup"}
	case id < 0:
		return wireChat{ID: id, Type: "group", Title: "Group"}
	}
	wc := wireChat{ID: id, Type: "private", FirstName: "User"}
	if c := s.chats[id]; c != nil && c.user != nil {
		wc.FirstName, wc.Username = c.user.FirstName, c.user.Username
	}
	return wc
}
