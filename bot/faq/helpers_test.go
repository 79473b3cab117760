package faq

import (
	"io/fs"
	"os"
	"sync"
	"testing"
)

// testFS reads the real locale files from the repository, so the tests do
// not depend on the locales package (owned elsewhere) compiling.
func testFS() fs.FS { return os.DirFS("../../locales") }

var (
	engineOnce sync.Once
	engineVal  *Engine
	kbsVal     map[string]*KB
	engineErr  error
)

func testEngine(t testing.TB) (*Engine, map[string]*KB) {
	t.Helper()
	engineOnce.Do(func() {
		kbsVal, engineErr = LoadFS(testFS())
		if engineErr == nil {
			engineVal = NewEngine(kbsVal)
		}
	})
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return engineVal, kbsVal
}

// gotOrDecline is Got, with a decline written "decline:<reason>".
func gotOrDecline(res Result) string {
	if res.Action == ActionDecline {
		return "decline:" + res.Decline
	}
	return Got(res)
}
