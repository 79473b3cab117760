// Package locales embeds the user-facing text: the bot's messages (go-i18n,
// one file per language) and the FAQ knowledge base with its evaluation set.
package locales

import "embed"

//go:embed *.toml faq
var FS embed.FS
