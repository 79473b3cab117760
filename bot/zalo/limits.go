package zalo

// Limits mirrors messages.Limits as the channel model defines it (field
// for field), so that plugging in is a literal's type change.
type Limits struct {
	Channel string
	Text    int    // characters per text message
	Caption int    // characters under a photo
	Buttons bool   // the platform documents no buttons: choices are numbered lines
	Markup  string // "plain": bold and links are not documented, text is sent as is
}

// Zalo's documented limits: sendMessage text 1–2000 characters, sendPhoto
// caption up to 2000. Loa measures them in UTF-16 units (see Len), which
// is never less than the code points the fake counts.
const (
	MaxTextLen    = 2000
	MaxCaptionLen = 2000
)

// ChannelLimits are Zalo's limits in the channel model's terms.
var ChannelLimits = Limits{Channel: Channel, Text: MaxTextLen, Caption: MaxCaptionLen, Buttons: false, Markup: "plain"}
