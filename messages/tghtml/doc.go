// Package tghtml parses, measures, escapes and sanitizes Telegram-flavoured
// HTML (parse_mode=HTML), so that Loa can reject or repair a message before
// Telegram does, when a failed send would cost a whole broadcast run.
//
// The parser follows TDLib's parse_html (the code behind the Bot API) rule for
// rule: allowed tags, attribute syntax, case-sensitive end tags, "</>" closing
// the innermost tag, and the same error wording. It is deliberately stricter
// in three places where Telegram silently degrades the message instead of
// refusing it, because an author would not notice the damage before residents
// do:
//   - an "&" that starts no entity (Telegram shows it literally),
//   - an href that is not an absolute http, https, tg or mailto URL
//     (Telegram drops the link and keeps the text),
//   - text that is not valid UTF-8 (the Bot API refuses the whole request).
//
// Inside quoted attribute values a bare "&" stays allowed, as in Telegram,
// because URLs with query strings ("?a=1&b=2") are common.
package tghtml
