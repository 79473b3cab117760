package zalofake

// state is everything the fake remembers, guarded by Server.mu.
type state struct {
	closed bool
	seq    int64 // acceptance order of sends (the sandbox cursor)
	msgSeq int64 // message ids, of the bot's sends and of injected events

	chats    map[string]*chat
	calls    map[string]int // requests per method, failed ones too
	statuses map[int]int    // answers per HTTP status
	count    int            // accepted sends
	tooMany  int            // 429 answers

	events    []event           // not yet delivered (getUpdates or webhook)
	injected  map[string][]byte // event JSON by message_id, for Redeliver
	injectLog []string          // message ids in injected, oldest first (capped)
	evWait    chan struct{}     // closed when an event is queued
	polling   int               // getUpdates calls waiting now
	sentWait  chan struct{}     // closed when a send is accepted

	hook        *webhook
	hookUpdated int64 // ms, the last setWebhook/deleteWebhook
	delivered   int   // webhook POSTs answered 2xx
	hookErrors  int   // webhook POSTs that failed

	faults    []pendingFault
	faultHook func(method, chatID string) *Fault
}

// chat is what the fake knows of one conversation.
type chat struct {
	wrote bool   // the user wrote to the bot (WithStrictChats)
	sent  []Sent // the last recordLimit sends
	total int    // every accepted send, recorded or not
}

// maxInjected bounds the events kept for Redeliver in a long sandbox.
const maxInjected = 4096

func (s *Server) initState() {
	s.chats = make(map[string]*chat)
	s.calls = make(map[string]int)
	s.statuses = make(map[int]int)
	s.injected = make(map[string][]byte)
	s.evWait = make(chan struct{})
	s.sentWait = make(chan struct{})
}

func (s *Server) chatLocked(id string) *chat {
	c := s.chats[id]
	if c == nil {
		c = &chat{}
		s.chats[id] = c
	}
	return c
}

func (s *Server) wakeEventsLocked() {
	close(s.evWait)
	s.evWait = make(chan struct{})
}

func (s *Server) wakeSentLocked() {
	close(s.sentWait)
	s.sentWait = make(chan struct{})
}
