package messages

// Telegram limits, in UTF-16 code units after entities parsing
// (reference/telegram.md).
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
