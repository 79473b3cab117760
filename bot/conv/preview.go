package conv

import "github.com/loa-vn/loa/bot/l10n"

// AnswerText is the text the bot sends for a FAQ entry, in Loa's markup
// (Telegram's HTML subset): the answer, its source, and the closing line
// (related questions below, or the feedback question). sendAnswer sends
// this text; the console's FAQ editor previews it, so curators see the
// answer as residents will.
func AnswerText(text *l10n.Catalog, lang, answer, source string, related bool) string {
	s := text.T(lang, "answer", "Answer", answer, "Source", source)
	if related {
		return s + text.T(lang, "answer_related")
	}
	return s + text.T(lang, "answer_feedback")
}
