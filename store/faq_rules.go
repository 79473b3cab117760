package store

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// The rules for a FAQ entry staff write, shared by the staff API and the
// console: one list of problems, each with the field, a code the console
// translates and the English sentence the API shows.

var faqSlug = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// FAQ limits.
const (
	FAQMaxQuestions = 50
	FAQMaxAnswer    = 3000
)

// FAQProblem is one thing wrong with a FAQ entry. Field is "key", "locale",
// "topic", "questions", "questions[i]", "answer", "source" or "related[i]".
type FAQProblem struct {
	Field   string
	Code    string // key, locale, topic, question_empty, question_long, questions, answer, source, related
	Message string
}

// Problems checks an entry; nil means it may be stored. Answers are plain
// text (the bot escapes them for each channel), so HTML in them is stored
// and shown literally.
func (in FAQInput) Problems() []FAQProblem {
	var out []FAQProblem
	add := func(f, code, m string) { out = append(out, FAQProblem{Field: f, Code: code, Message: m}) }
	if !faqSlug.MatchString(in.Key) || len(in.Key) > 80 {
		add("key", "key", "lowercase letters, digits and single dashes, at most 80")
	}
	if in.Locale != "vi" && in.Locale != "en" {
		add("locale", "locale", "vi or en")
	}
	if !faqSlug.MatchString(in.Topic) || len(in.Topic) > 80 {
		add("topic", "topic", "a topic id: lowercase letters, digits and single dashes")
	}
	n := 0
	for i, q := range in.Questions {
		switch {
		case strings.TrimSpace(q) == "":
			add(fmt.Sprintf("questions[%d]", i), "question_empty", "empty question")
		case utf8.RuneCountInString(q) > 500:
			add(fmt.Sprintf("questions[%d]", i), "question_long", "at most 500 characters")
		default:
			n++
		}
	}
	if n == 0 || len(in.Questions) > FAQMaxQuestions {
		add("questions", "questions", "between 1 and 50 questions")
	}
	if a := strings.TrimSpace(in.Answer); a == "" || utf8.RuneCountInString(a) > FAQMaxAnswer {
		add("answer", "answer", "required, at most 3000 characters")
	}
	if src := strings.TrimSpace(in.Source); src == "" || len(src) > 500 {
		add("source", "source", "required (where the answer comes from), at most 500 characters")
	}
	for i, r := range in.Related {
		if !faqSlug.MatchString(r) || r == in.Key {
			add(fmt.Sprintf("related[%d]", i), "related", "the key of another entry")
		}
	}
	return out
}

// MergeQuestions puts the questions staff typed first, then the residents'
// own wordings of an unanswered group, without repeats, at most max.
func MergeQuestions(typed, examples []string, max int) []string {
	seen := map[string]bool{}
	var out []string
	for _, q := range append(append([]string{}, typed...), examples...) {
		k := strings.ToLower(strings.TrimSpace(q))
		if k == "" || seen[k] || len(out) == max {
			continue
		}
		seen[k] = true
		out = append(out, q)
	}
	return out
}
