package bench

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/loa-vn/loa/bot/tgfake"
)

// The floor's client sends every one of its n messages once, each to its
// own chat, and reports its CPU and how long it took in the line the
// parent parses.
func TestFloorChildSendsEachMessageOnceAndReportsItsCPU(t *testing.T) {
	fake := tgfake.New(tgfake.WithoutRecording())
	defer fake.Close()
	var out bytes.Buffer
	const n = 300
	if err := floorChild(context.Background(), Env{Stdout: &out}, Options{FloorChild: n, ChildTG: fake.URL(), ChildRate: 1000}); err != nil {
		t.Fatal(err)
	}
	if fake.Count() != n || fake.Duplicates() != 0 {
		t.Errorf("fake counted %d sends, %d duplicates; want %d and 0", fake.Count(), fake.Duplicates(), n)
	}
	var cpu, took int64
	if _, err := fmt.Sscanf(strings.TrimSpace(out.String()), "floor_cpu_us %d took_us %d", &cpu, &took); err != nil || cpu <= 0 || took <= 0 {
		t.Errorf("floor child said %q (%v)", out.String(), err)
	}
}
