package faq

import (
	"os"
	"testing"
)

// TestRunBench prints the benchmark table, development sets only, when run
// with -v -run RunBench. The held-out row is `loa bench faq`'s alone.
func TestRunBench(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	if err := RunBench(os.Stdout, testFS(), BenchOptions{DevOnly: true, Rounds: 2}); err != nil {
		t.Fatal(err)
	}
}
