package faq

import (
	"io"
	"os"
	"testing"

	"github.com/loa-vn/loa/locales"
)

// TestEmbeddedLocales checks the files as the binary embeds them, the way
// `loa bench faq` and the bot load them, and runs the bench on them
// (development sets only: the held-out rows are `loa bench faq`'s alone);
// with -v it prints the table. (A second test ran the same bench on the
// repository's files, a minute of the package's time for nothing more.)
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
	var w io.Writer = io.Discard
	if testing.Verbose() {
		w = os.Stdout
	}
	if err := RunBench(w, locales.FS, BenchOptions{DevOnly: true, Rounds: 2}); err != nil {
		t.Fatal(err)
	}
}
