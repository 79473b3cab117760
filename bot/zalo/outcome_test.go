package zalo

import (
	"errors"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		body    string
		want    Kind
		invalid bool
	}{
		{"sent", 200, `{"ok":true,"result":{"message_id":"a","date":1}}`, Sent, false},
		{"sent, spaced JSON", 200, `{ "ok": true, "result": {} }`, Sent, false},
		{"quota", 429, `{"ok":false,"error_code":429,"description":"Too Many Requests: quota exceeded"}`, RateLimited, false},
		{"quota without envelope", 429, `<html>slow down</html>`, RateLimited, false},
		{"token", 401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`, Failed, true},
		{"token without envelope", 401, ``, Failed, true},
		{"forbidden", 403, `{"ok":false,"error_code":403,"description":"Forbidden"}`, Blocked, false},
		{"chat not found", 400, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`, Blocked, false},
		{"400 without a word", 400, `{"ok":false,"error_code":400,"description":""}`, Blocked, false},
		{"text too long", 400, `{"ok":false,"error_code":400,"description":"Bad Request: text is too long: 2001 characters"}`, Failed, false},
		{"empty text", 400, `{"ok":false,"error_code":400,"description":"Bad Request: text is empty"}`, Failed, false},
		{"bad method", 400, `{"ok":false,"error_code":400,"description":"Bad Request: unknown method"}`, Failed, false},
		{"not found", 404, `{"ok":false,"error_code":404,"description":"Not Found"}`, Failed, false},
		{"request timeout", 408, `{"ok":false,"error_code":408,"description":"Request timeout"}`, Transient, false},
		{"5xx", 502, `{"ok":false,"error_code":502,"description":"Bad Gateway"}`, Transient, false},
		{"5xx page", 503, `<html>maintenance</html>`, Transient, false},
		{"error in a 200", 200, `{"ok":false,"error_code":403,"description":"Forbidden"}`, Blocked, false},
		{"200 that is not JSON", 200, `<html>ok</html>`, Unknown, false},
		{"other 4xx", 413, `{"ok":false,"error_code":413,"description":"Payload Too Large"}`, Failed, false},
		{"no code at all", 302, `{"ok":false}`, Transient, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var o Outcome
			if isOK(c.status, []byte(c.body)) {
				o = Outcome{Kind: Sent}
			} else {
				o = classify(c.status, []byte(c.body))
			}
			if o.Kind != c.want || o.TokenInvalid != c.invalid {
				t.Errorf("classify(%d, %s) = %+v, want %v (token invalid %v)", c.status, c.body, o, c.want, c.invalid)
			}
			if o.Kind != Sent && o.Reason == "" {
				t.Error("no reason")
			}
			if c.invalid && !errors.Is(o.Err(), ErrTokenInvalid) {
				t.Errorf("Err() = %v, want ErrTokenInvalid", o.Err())
			}
		})
	}
}

func TestBackoffDoublesToSixtySecondsAndResets(t *testing.T) {
	var b backoff
	want := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60}
	for i, w := range want {
		o := Outcome{Kind: RateLimited}
		b.observe(&o)
		if o.RetryAfter != w*time.Second {
			t.Errorf("429 #%d: RetryAfter %v, want %v", i+1, o.RetryAfter, w*time.Second)
		}
	}
	b.observe(&Outcome{Kind: Transient}) // neither a send nor a 429: no change
	o := Outcome{Kind: RateLimited}
	b.observe(&o)
	if o.RetryAfter != 60*time.Second {
		t.Errorf("after a transient: %v", o.RetryAfter)
	}
	b.observe(&Outcome{Kind: Sent})
	o = Outcome{Kind: RateLimited}
	b.observe(&o)
	if o.RetryAfter != time.Second {
		t.Errorf("after a send: %v, want 1s", o.RetryAfter)
	}
}
