// Package zalo is Loa's Zalo channel on the Zalo Bot Platform API
// (bot-api.zaloplatforms.com, reference/zalo.md): the sending client and
// its outcome classification, the plain-text renderer and splitter, and
// update intake (a webhook handler and a long-polling loop) that turns
// platform events into channel-neutral Events.
//
// Where it meets the rest of Loa it speaks strings and small neutral types
// only; nothing here knows about Telegram, and no Zalo type leaks out.
//
// Privacy: a Zalo user id and display name are personal data. Nothing
// from a message is logged at info level or above (debug logs carry the
// event name and kind only), and a message.unsupported.received event
// carries no sender data out of this package: only the chat to answer.
package zalo

// Name is the channel's name (subscribers.channel).
const Name = "zalo"

// DefaultAPIURL is the platform's API base (ZALO_API_URL's default).
const DefaultAPIURL = "https://bot-api.zaloplatforms.com"
