package invite

import (
	"errors"
	"regexp"
	"testing"
	"time"
)

var key = []byte("0123456789abcdef0123456789abcdef")

func TestSignVerify(t *testing.T) {
	now := time.Unix(1_760_000_000, 0)
	for _, id := range []int64{1, 1 << 40} {
		p := Sign(key, id, now.Add(30*24*time.Hour))
		if !regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`).MatchString(p) {
			t.Fatalf("payload %q breaks Telegram's start parameter rules", p)
		}
		inv, err := Verify(key, p, now)
		if err != nil || inv.ID != id {
			t.Fatalf("Verify(%q) = %+v, %v", p, inv, err)
		}
	}
}

func TestVerifyRejects(t *testing.T) {
	now := time.Unix(1_760_000_000, 0)
	good := Sign(key, 7, now.Add(time.Hour))
	if _, err := Verify(key, Sign(key, 7, now.Add(-time.Second)), now); !errors.Is(err, ErrExpired) {
		t.Errorf("expired: %v", err)
	}
	flip := []byte(good)
	flip[5] ^= 1 // still base64url, different bits
	bad := []string{"", "hello", string(flip), "!!!", string(make([]byte, 70))}
	for _, p := range bad {
		if _, err := Verify(key, p, now); !errors.Is(err, ErrInvalid) {
			t.Errorf("Verify(%q) = %v, want ErrInvalid", p, err)
		}
	}
	if _, err := Verify([]byte("another-key-another-key-another-k"), good, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("other key: %v", err)
	}
}
