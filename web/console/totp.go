package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"strings"
	"time"

	"github.com/pquerna/otp/totp"
)

const totpPeriod = 30 * time.Second

// checkTOTP accepts the code of the current 30-second step or either
// neighbour (clocks drift) and returns that step, so the caller can refuse a
// step already used.
func checkTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0, false
	}
	for _, d := range []time.Duration{0, -totpPeriod, totpPeriod} {
		t := now.Add(d)
		want, err := totp.GenerateCode(secret, t)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return t.Unix() / int64(totpPeriod/time.Second), true
		}
	}
	return 0, false
}

// groupKey writes a base32 secret in groups of four for typing by hand.
func groupKey(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

const recoveryCodes = 10

// newRecoveryCodes returns fresh one-time codes (xxxxx-xxxxx, base32
// lower case) and the hashes to store.
func newRecoveryCodes() ([]string, [][]byte) {
	codes := make([]string, recoveryCodes)
	hashes := make([][]byte, recoveryCodes)
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	for i := range codes {
		b := make([]byte, 7)
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		s := strings.ToLower(enc.EncodeToString(b))[:10]
		codes[i] = s[:5] + "-" + s[5:]
		hashes[i] = hashRecovery(codes[i])
	}
	return codes, hashes
}

// hashRecovery is the stored form of a recovery code, whatever its case,
// spaces or dash.
func hashRecovery(code string) []byte {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	h := sha256.Sum256([]byte("loa-recovery:" + c))
	return h[:]
}
