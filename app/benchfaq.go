package app

import (
	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/locales"
)

// benchFAQ prints the `loa bench faq` table.
func benchFAQ(a *App, devOnly bool) error {
	return faq.RunBench(a.Stdout, locales.FS, faq.BenchOptions{DevOnly: devOnly})
}
