package messages

import (
	"net/url"
	"strings"
)

// absoluteURL reports whether raw is an absolute URL with one of schemes
// and somewhere to go. Telegram refuses relative or scheme-less button
// links with BUTTON_URL_INVALID, which would fail every send of a run.
func absoluteURL(raw string, schemes ...string) bool {
	if raw != strings.TrimSpace(raw) || strings.ContainsAny(raw, " \t\r\n") {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	for _, s := range schemes {
		if scheme != s {
			continue
		}
		if s == "tg" {
			return u.Host != "" || u.Opaque != ""
		}
		return u.Host != ""
	}
	return false
}

func validButtonURL(raw string) bool { return absoluteURL(raw, "http", "https", "tg") }

// validPhotoURL: Telegram fetches photos by URL over HTTP(S) only.
func validPhotoURL(raw string) bool { return absoluteURL(raw, "http", "https") }
