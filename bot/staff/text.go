package staff

import (
	"strings"

	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/locales"
)

// defaultTexts holds the staff commands' messages (locales/staff.<lang>.toml),
// loaded once from the embedded locales. Values are HTML-escaped when
// rendered: every staff message goes out with parse_mode HTML.
var defaultTexts = func() *l10n.Catalog {
	c, err := l10n.LoadSet(locales.FS, "staff", nil)
	if err != nil {
		panic(err) // the files are embedded: a failure is a build mistake, caught by tests
	}
	return c
}()

func joinNames(names []string) string { return strings.Join(names, ", ") }
