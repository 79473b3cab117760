package app

import (
	"errors"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func noFiles(name string) ([]byte, error) { return nil, errors.New("no such file") }

func TestConfigDefaults(t *testing.T) {
	c, errs := LoadConfig(env(nil), noFiles)
	if len(errs) != 0 {
		t.Fatalf("defaults have problems: %v", errs)
	}
	if c.DatabaseURL != "postgres://postgres@127.0.0.1:5432/loa?sslmode=disable" || c.RedisURL != "redis://127.0.0.1:6379/0" {
		t.Errorf("defaults: %q %q", c.DatabaseURL, c.RedisURL)
	}
	if c.Timezone.String() != "Asia/Ho_Chi_Minh" || c.SendRate != 25 || !c.Sandbox() {
		t.Errorf("defaults: tz %v rate %d sandbox %v", c.Timezone, c.SendRate, c.Sandbox())
	}
}

func TestConfigErrorsOnePerProblem(t *testing.T) {
	_, errs := LoadConfig(env(map[string]string{
		"DATABASE_URL":            "mysql://x/y",
		"REDIS_URL":               "nope://",
		"TELEGRAM_TOKEN":          "not-a-token",
		"TELEGRAM_API_URL":        "ftp://x",
		"TELEGRAM_WEBHOOK_SECRET": "has spaces!",
		"LOA_TIMEZONE":            "Mars/Olympus",
		"LOA_SEND_RATE":           "fast",
		"HTTP_ADDR":               "8080",
	}), noFiles)
	want := []string{"DATABASE_URL", "REDIS_URL", "TELEGRAM_TOKEN", "TELEGRAM_API_URL", "TELEGRAM_WEBHOOK_SECRET",
		"LOA_TIMEZONE", "LOA_SEND_RATE", "HTTP_ADDR"}
	got := map[string]bool{}
	for _, e := range errs {
		got[strings.SplitN(e.Error(), ":", 2)[0]] = true
		if strings.Contains(e.Error(), "not-a-token") || strings.Contains(e.Error(), "has spaces") {
			t.Errorf("a secret leaked into %q", e)
		}
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("no error for %s in %v", w, errs)
		}
	}
}

func TestConfigCrossChecks(t *testing.T) {
	token := "123456:" + strings.Repeat("A", 35)
	_, errs := LoadConfig(env(map[string]string{"LOA_SEND_RATE": "100", "TELEGRAM_TOKEN": token, "PUBLIC_URL": "https://loa.example"}), noFiles)
	joined := ""
	for _, e := range errs {
		joined += e.Error() + "\n"
	}
	for _, w := range []string{"LOA_PAID_BROADCAST", "LOA_SECRET_KEY: required", "TELEGRAM_WEBHOOK_SECRET: required"} {
		if !strings.Contains(joined, w) {
			t.Errorf("missing %q in:\n%s", w, joined)
		}
	}
	_, errs = LoadConfig(env(map[string]string{"LOA_SEND_RATE": "1000", "LOA_PAID_BROADCAST": "true"}), noFiles)
	if len(errs) != 0 {
		t.Errorf("paid broadcast at 1000/s refused: %v", errs)
	}
}

func TestConfigSecretFromFile(t *testing.T) {
	token := "123456:" + strings.Repeat("B", 35)
	read := func(name string) ([]byte, error) {
		if name == "/run/secrets/tg" {
			return []byte(token + "\n"), nil
		}
		return nil, errors.New("missing")
	}
	c, errs := LoadConfig(env(map[string]string{"TELEGRAM_TOKEN_FILE": "/run/secrets/tg", "LOA_SECRET_KEY": strings.Repeat("k", 32)}), read)
	if len(errs) != 0 || c.TelegramToken != token {
		t.Fatalf("token from file: %q %v", c.TelegramToken, errs)
	}
	_, errs = LoadConfig(env(map[string]string{"TELEGRAM_TOKEN_FILE": "/nope", "TELEGRAM_TOKEN": token}), read)
	if len(errs) == 0 || !strings.Contains(errs[0].Error(), "not both") {
		t.Fatalf("both set: %v", errs)
	}
}

func TestDescribeMasksSecrets(t *testing.T) {
	token := "123456:" + strings.Repeat("C", 35)
	e := env(map[string]string{"TELEGRAM_TOKEN": token, "DATABASE_URL": "postgres://loa:pw123@db:5432/loa"})
	c, _ := LoadConfig(e, noFiles)
	for _, row := range c.Describe(e) {
		if strings.Contains(row[1], "CCCC") || strings.Contains(row[1], "pw123") {
			t.Errorf("%s shows a secret: %s", row[0], row[1])
		}
	}
}
