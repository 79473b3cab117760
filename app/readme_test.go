package app

import (
	"os"
	"strings"
	"testing"
)

// The README's configuration table must name every variable Loa reads.
func TestReadmeDocumentsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range variables {
		if !strings.Contains(string(b), "| `"+v.name+"` |") {
			t.Errorf("README.md does not document %s", v.name)
		}
	}
}
