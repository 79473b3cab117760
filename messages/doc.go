// Package messages holds campaign content (per-locale variants of a
// message), its validation against Telegram's limits, its rendering into
// the messages actually sent, per-recipient personalisation, and the
// campaign files staff write for "loa broadcast create --file".
//
// Text is Telegram HTML as the author wrote it; package tghtml parses,
// measures and sanitizes it.
package messages
