package faq

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/loa-vn/loa/locales"
)

// heldOutGuard is locales.FS that fails the test when a held-out set is
// opened.
type heldOutGuard struct {
	fs.FS
	t *testing.T
}

func (g heldOutGuard) Open(name string) (fs.File, error) {
	for _, h := range HeldOutSets {
		if name == h.File {
			g.t.Errorf("--dev-only opened %s", name)
			return nil, errors.New("held-out set opened")
		}
	}
	return g.FS.Open(name)
}

// TestDevOnlyLeavesEveryHeldOutSetOut: whoever tunes the engine runs
// `loa bench faq --dev-only`, which must neither load nor score any
// held-out set. The development sets are replaced by one-case files so the
// latency loop stays short; the real ones run in TestEmbeddedLocales.
func TestDevOnlyLeavesEveryHeldOutSetOut(t *testing.T) {
	fsys := fstest.MapFS{}
	err := fs.WalkDir(locales.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(locales.FS, name)
		fsys[name] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range DevFiles {
		fsys[name] = &fstest.MapFile{Data: []byte("cases:\n  - {q: \"giá vàng hôm nay\", lang: vi, kind: oos, expect: \"\"}\n")}
	}
	var out strings.Builder
	if err := RunBench(&out, heldOutGuard{fsys, t}, BenchOptions{DevOnly: true}); err != nil {
		t.Fatal(err)
	}
	for _, h := range HeldOutSets {
		name, _, _ := strings.Cut(h.Row, "(")
		if strings.Contains(out.String(), name+"(") {
			t.Errorf("--dev-only printed the %q row:\n%s", name, out.String())
		}
	}
	if want := fmt.Sprintf("development (%d,", len(DevFiles)); !strings.Contains(out.String(), want) {
		t.Errorf("no development row:\n%s", out.String())
	}
}

// TestHeldOutSetsAreDistinct: each held-out set has its own file and row.
func TestHeldOutSetsAreDistinct(t *testing.T) {
	var files, rows []string
	for _, h := range HeldOutSets {
		if slices.Contains(files, h.File) || slices.Contains(rows, h.Row) {
			t.Errorf("held-out set %s repeats a file or row name", h.File)
		}
		if slices.Contains(DevFiles, h.File) {
			t.Errorf("held-out set %s is also a development set", h.File)
		}
		if strings.Count(h.Row, "%d") != 1 {
			t.Errorf("row name %q needs exactly one %%d", h.Row)
		}
		files, rows = append(files, h.File), append(rows, h.Row)
	}
	for _, f := range []string{HeldOutFile, HeldOut2File, HeldOut3File, HeldOut4File, HeldOut5File, HeldOut6File, HeldOut7File, HeldOut8File, HeldOut9File, HeldOut10File, HeldOut11File, HeldOut12File, HeldOut13File, HeldOut14File, HeldOut15File, HeldOut16File} {
		if !slices.Contains(files, f) {
			t.Errorf("HeldOutSets = %v, want %s", files, f)
		}
	}
}
