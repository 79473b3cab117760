package faq

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"github.com/loa-vn/loa/locales"
)

// TestBlindHeldOutLabels checks that the blind held-out sets (all of
// HeldOutSets but the first) load and that every label points at something real: an entry
// id of both knowledge bases, a gap topic no entry has yet, a smalltalk
// kind, or a former Hanoi unit of the seed data. It never runs the engine
// on them (nobody may see how the engine scores them), and its messages
// give the case number, never the question.
func TestBlindHeldOutLabels(t *testing.T) {
	for _, h := range HeldOutSets {
		if h.File == HeldOutFile {
			continue // the first was not written blind
		}
		t.Run(h.File, func(t *testing.T) { checkLabels(t, h.File) })
	}
}

func checkLabels(t *testing.T, file string) {
	cases, err := LoadEvalFile(locales.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	kbs, err := LoadFS(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int{} // entry id -> number of KBs that have it
	for _, kb := range kbs {
		for _, e := range kb.Entries {
			ids[e.ID]++
		}
	}
	former := formerUnits(t)

	perKind := map[string]int{}
	seen := map[string]int{}
	for i, c := range cases {
		n := i + 1
		perKind[c.Kind]++
		key := c.Lang + "\x00" + strings.ToLower(c.Q)
		if j, dup := seen[key]; dup {
			t.Errorf("case #%d repeats case #%d", n, j)
		}
		seen[key] = n
		switch {
		case c.Expect == "?":
			t.Errorf("case #%d is not labelled", n)
		case isInScope(c.Kind) && strings.HasPrefix(c.Expect, ExpectGap):
			topic := strings.TrimPrefix(c.Expect, ExpectGap)
			if topic == "" {
				t.Errorf("case #%d: gap without a topic", n)
			}
			if ids[topic] > 0 {
				t.Errorf("case #%d: gap %q is an entry id; label it with the id", n, topic)
			}
		case isInScope(c.Kind):
			if ids[c.Expect] != len(kbs) {
				t.Errorf("case #%d expects %q, not an entry of every knowledge base", n, c.Expect)
			}
		case c.Kind == KindLocality:
			if name := strings.TrimPrefix(c.Expect, ExpectLocality); !former[name] {
				t.Errorf("case #%d expects %q, not a former unit or district of the seed data", n, name)
			}
		}
		// OOS, smalltalk and command expectations are checked by LoadEvalFile.
	}
	for _, k := range Kinds {
		if k == KindCommand {
			continue // sets written before session 11 have none; LoadEvalFile checks their labels
		}
		if perKind[k] < 10 {
			t.Errorf("%d %s cases, want at least 10", perKind[k], k)
		}
	}
	if len(cases) < 180 {
		t.Errorf("%d cases, want about 200", len(cases))
	}
}

// formerUnits reads the names of Hanoi's former wards, communes, townships
// and districts from the seed data.
func formerUnits(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	for file, col := range map[string]string{
		"../../store/seed/data/hanoi-former-units-mapping.csv": "former_unit_vi",
		"../../store/seed/data/hanoi-former-districts.csv":     "name_vi",
	} {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		at := -1
		for i, h := range rows[0] {
			if h == col {
				at = i
			}
		}
		if at < 0 {
			t.Fatalf("%s: no column %s", file, col)
		}
		for _, r := range rows[1:] {
			names[r[at]] = true
		}
	}
	return names
}
