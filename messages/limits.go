package messages

// Telegram's limits, in UTF-16 code units after entities parsing
// (reference/telegram.md). They make TelegramLimits; content is measured
// against the Limits of each channel it goes to, never against these
// constants directly.
const (
	MaxTextLen    = 4096
	MaxCaptionLen = 1024
	// MaxNameLen is Telegram's limit on a user's first name: each {name}
	// placeholder is budgeted at this length, so personalisation can never
	// push a validated message over a limit.
	MaxNameLen = 64
	// MaxParts caps how many messages one split text may become: beyond
	// that a campaign floods residents and multiplies the send time.
	MaxParts = 10
)

// Markup is how a channel formats message text.
type Markup string

// Markups Loa renders to. Content is always written as Telegram HTML; a
// plain-text channel gets it with the formatting dropped and links written out.
const (
	MarkupHTML  Markup = "telegram-html" // Telegram's parse_mode=HTML
	MarkupPlain Markup = "plain"         // no formatting at all
)

// Limits is what one channel accepts in one message. Lengths count UTF-16
// code units of the visible text (what Telegram counts; for plain text the
// same measure errs on the safe side).
type Limits struct {
	Channel string // the channel's name, for error messages ("telegram")
	Text    int    // characters per text message
	Caption int    // characters under a photo; 0 = the channel sends no photos
	Buttons bool   // a URL button under a message; without, the link is written into the text
	Markup  Markup
}

// TelegramLimits are the Bot API's: HTML, 4096 per message, 1024 per
// caption, URL buttons. Validate checks content against them.
var TelegramLimits = Limits{Channel: "telegram", Text: MaxTextLen, Caption: MaxCaptionLen, Buttons: true, Markup: MarkupHTML}
