package faq

import (
	"os"
	"testing"
)

// TestRunBench prints the benchmark table when run with -v -run RunBench.
func TestRunBench(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	if err := RunBench(os.Stdout, testFS()); err != nil {
		t.Fatal(err)
	}
}
