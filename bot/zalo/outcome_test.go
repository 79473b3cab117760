package zalo

import (
	"errors"
	"github.com/loa-vn/loa/bot/channel"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		body    string
		want    channel.Kind
		invalid bool
	}{
		{"sent", 200, `{"ok":true,"result":{"message_id":"a","date":1}}`, channel.Sent, false},
		{"sent, spaced JSON", 200, `{ "ok": true, "result": {} }`, channel.Sent, false},
		{"quota", 429, `{"ok":false,"error_code":429,"description":"Too Many Requests: quota exceeded"}`, channel.RateLimited, false},
		{"quota without envelope", 429, `<html>slow down</html>`, channel.RateLimited, false},
		{"token", 401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`, channel.Unavailable, true},
		{"token without envelope", 401, ``, channel.Unavailable, true},
		{"forbidden", 403, `{"ok":false,"error_code":403,"description":"Forbidden"}`, channel.Blocked, false},
		{"chat not found", 400, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`, channel.Blocked, false},
		{"400 without a word", 400, `{"ok":false,"error_code":400,"description":""}`, channel.Blocked, false},
		{"text too long", 400, `{"ok":false,"error_code":400,"description":"Bad Request: text is too long: 2001 characters"}`, channel.Failed, false},
		{"empty text", 400, `{"ok":false,"error_code":400,"description":"Bad Request: text is empty"}`, channel.Failed, false},
		{"bad method", 400, `{"ok":false,"error_code":400,"description":"Bad Request: unknown method"}`, channel.Failed, false},
		{"not found", 404, `{"ok":false,"error_code":404,"description":"Not Found"}`, channel.Failed, false},
		{"request timeout", 408, `{"ok":false,"error_code":408,"description":"Request timeout"}`, channel.Transient, false},
		{"5xx", 502, `{"ok":false,"error_code":502,"description":"Bad Gateway"}`, channel.Transient, false},
		{"5xx page", 503, `<html>maintenance</html>`, channel.Transient, false},
		{"error in a 200", 200, `{"ok":false,"error_code":403,"description":"Forbidden"}`, channel.Blocked, false},
		{"200 that is not JSON", 200, `<html>ok</html>`, channel.Unknown, false},
		{"other 4xx", 413, `{"ok":false,"error_code":413,"description":"Payload Too Large"}`, channel.Failed, false},
		{"no code at all", 302, `{"ok":false}`, channel.Transient, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var o channel.Outcome
			if isOK(c.status, []byte(c.body)) {
				o = channel.Outcome{Kind: channel.Sent}
			} else {
				o = classify(c.status, []byte(c.body))
			}
			if o.Kind != c.want || (o.Kind == channel.Unavailable) != c.invalid {
				t.Errorf("classify(%d, %s) = %+v, want %v (token invalid %v)", c.status, c.body, o, c.want, c.invalid)
			}
			if o.Kind != channel.Sent && o.Reason == "" {
				t.Error("no reason")
			}
			if c.invalid && !errors.Is(outcomeErr(o), ErrTokenInvalid) {
				t.Errorf("outcomeErr = %v, want ErrTokenInvalid", outcomeErr(o))
			}
		})
	}
}

func TestBackoffDoublesToSixtySecondsAndResets(t *testing.T) {
	var b backoff
	want := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60}
	for i, w := range want {
		o := channel.Outcome{Kind: channel.RateLimited}
		b.observe(&o)
		if o.RetryAfter != w*time.Second {
			t.Errorf("429 #%d: RetryAfter %v, want %v", i+1, o.RetryAfter, w*time.Second)
		}
	}
	b.observe(&channel.Outcome{Kind: channel.Transient}) // neither a send nor a 429: no change
	o := channel.Outcome{Kind: channel.RateLimited}
	b.observe(&o)
	if o.RetryAfter != 60*time.Second {
		t.Errorf("after a transient: %v", o.RetryAfter)
	}
	b.observe(&channel.Outcome{Kind: channel.Sent})
	o = channel.Outcome{Kind: channel.RateLimited}
	b.observe(&o)
	if o.RetryAfter != time.Second {
		t.Errorf("after a send: %v, want 1s", o.RetryAfter)
	}
}
