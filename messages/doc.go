// Package messages holds campaign content (per-locale variants of a
// message), its validation against the limits of every channel it goes to
// (Limits: Telegram's built in, others registered by their packages), its
// rendering into the messages each channel actually sends, per-recipient
// personalisation, and the campaign files staff write for
// "loa broadcast create --file".
//
// Text is Telegram HTML as the author wrote it; package tghtml parses,
// measures and sanitizes it. Plain-text channels get it with the
// formatting dropped and links written out.
package messages
