package faq

import (
	"io"
	"testing"

	"github.com/loa-vn/loa/locales"
)

// TestEmbeddedLocales checks the files as the binary embeds them, the way
// `loa bench faq` and the bot load them.
func TestEmbeddedLocales(t *testing.T) {
	if _, err := LoadFS(locales.FS); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadEval(locales.FS); err != nil {
		t.Fatal(err)
	}
	if testing.Short() {
		return
	}
	if err := RunBench(io.Discard, locales.FS, BenchOptions{DevOnly: true, Rounds: 2}); err != nil {
		t.Fatal(err)
	}
}
