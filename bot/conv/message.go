package conv

import (
	"context"
	"errors"
)

// Kind is what a resident did.
type Kind int

// Kinds of incoming message.
const (
	// KindText is typed text (a question, a place name, a number, or, on a
	// channel without a command menu, a command typed with or without "/").
	KindText Kind = iota
	// KindCommand is text the platform itself marked as a command (Telegram's
	// bot_command entity): Text is "/name args".
	KindCommand
	// KindChoice is an option the resident chose (a button press): Choice is
	// the option's data, as Reply.Choices offered it. It comes back from the
	// client and may be stale or forged.
	KindChoice
	// KindContact is a phone number shared through Reply.AskContact.
	KindContact
	// KindMedia is a sticker, photo, voice note… (Media names it).
	KindMedia
	// KindUnsupported is content the platform withheld (Zalo's protected
	// users): it is answered generically and nothing about it is stored.
	KindUnsupported
	// KindBlocked and KindUnblocked: the resident blocked or unblocked the bot.
	KindBlocked
	KindUnblocked
)

// Message is one incoming event from one resident, as any channel sees it.
type Message struct {
	Channel  string // subscribers.channel: "telegram", "zalo"…
	UserID   string // the sender's external id on that channel
	ChatID   string // where replies go (in a private chat, usually UserID)
	Name     string // display name
	LangCode string // the client's language code, may be empty
	Group    bool   // sent in a group chat: residents' conversations ignore it
	Kind     Kind
	Text     string
	Choice   string   // KindChoice
	Contact  *Contact // KindContact
	Media    string   // KindMedia: "sticker", "photo", "voice"…
}

// Contact is a shared phone number.
type Contact struct {
	Phone string
	// Own is true when the platform vouches that the number is the sender's
	// own (Telegram: the contact's user id is the sender's).
	Own bool
}

// Reply is one answer, in Loa's markup: the Telegram-HTML subset the locales
// use (<b>, <i>, <code>, <a href>), with user input already escaped.
type Reply struct {
	Text string
	// Choices are rows of options. A channel with buttons shows them as
	// buttons; for one without, the conversation numbers them in the text
	// and reads the number back.
	Choices [][]Choice
	// Links are buttons that open a URL; written out where there are no buttons.
	Links []Link
	// AskContact, when set, is the label of a "share my phone number" button.
	AskContact string
	// Notice is a short acknowledgement of a chosen option (Telegram shows it
	// as a toast). Channels without notices get it as text.
	Notice string
	// File is a document to send (a staff report).
	File *File
}

// Choice is one option: what the resident sees and what comes back.
type Choice struct {
	Label string
	Data  string
}

// Link is a button that opens URL.
type Link struct {
	Label string
	URL   string
}

// File is a document attached to a reply.
type File struct {
	Name string
	Data []byte
}

// Caps is what a channel can show. The conversation adapts every reply to
// them, so a channel only renders what it declares.
type Caps struct {
	Buttons     bool // inline buttons and choices pressed (else numbered choices)
	HTML        bool // Loa's markup (else plain text, links written out)
	CommandMenu bool // commands are marked by the platform (else read from text, with or without "/")
	Contact     bool // can ask for the resident's phone with a button
	Notices     bool // shows Reply.Notice as a toast when answering a choice
	Files       bool // can send documents
}

// Chat is where the replies to one incoming message go. A channel makes one
// per message and passes it to Bot.Handle with the message.
type Chat interface {
	Caps() Caps
	Send(ctx context.Context, r Reply) error
}

// ErrBlocked is what Chat.Send wraps when the platform says the resident
// blocked the bot (or cannot be reached): the subscriber is marked blocked.
var ErrBlocked = errors.New("blocked by the resident")
