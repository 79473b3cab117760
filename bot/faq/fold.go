package faq

import "github.com/loa-vn/loa/store/fold"

// Fold is the shared Vietnamese folding (store/fold), exported here because
// callers that match FAQ text think of it as the engine's normalisation.
func Fold(s string) string { return fold.String(s) }

// hasVietnameseMarks tells Vietnamese from English by its diacritics.
func hasVietnameseMarks(s string) bool { return fold.HasMarks(s) }
