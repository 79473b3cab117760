package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/loa-vn/loa/bot/tgfake"
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

// Issue 9, item 2: with a real token and no TELEGRAM_BOT_USERNAME, invite
// links must not name the sandbox bot: the name comes from getMe, and when
// getMe does not answer the process refuses to start.
func TestBotUsernameFromGetMe(t *testing.T) {
	token := "123456789:" + strings.Repeat("B", 35)
	c, errs := LoadConfig(env(map[string]string{"TELEGRAM_TOKEN": token, "LOA_SECRET_KEY": strings.Repeat("k", 32)}), noFiles)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if c.BotUsername == "loa_sandbox_bot" {
		t.Fatal("a real token gets the sandbox bot's username")
	}
	fake := tgfake.New(tgfake.WithToken(token), tgfake.WithBotUsername("real_loa_bot"))
	defer fake.Close()
	c.TelegramAPIURL = fake.URL()
	a := &App{Cfg: c}
	if name, err := a.botUsername(context.Background()); err != nil || name != "real_loa_bot" {
		t.Fatalf("botUsername = %q, %v", name, err)
	}
	// getMe refuses the token: no start, and the token is not in the error
	other := "987654321:" + strings.Repeat("C", 35)
	a = &App{Cfg: c}
	a.Cfg.TelegramToken = other
	_, err := a.botUsername(context.Background())
	if err == nil || !strings.Contains(err.Error(), "TELEGRAM_BOT_USERNAME") || strings.Contains(err.Error(), other) {
		t.Fatalf("unanswered getMe: %v", err)
	}
	// set explicitly, or the sandbox: no call
	a = &App{Cfg: Config{BotUsername: "named_bot", TelegramToken: other, TelegramAPIURL: "http://127.0.0.1:1"}}
	if name, err := a.botUsername(context.Background()); err != nil || name != "named_bot" {
		t.Fatalf("explicit: %q %v", name, err)
	}
	c, _ = LoadConfig(env(nil), noFiles)
	if c.BotUsername != "loa_sandbox_bot" {
		t.Fatalf("sandbox username %q", c.BotUsername)
	}
	_, errs = LoadConfig(env(map[string]string{"TELEGRAM_BOT_USERNAME": "no spaces allowed"}), noFiles)
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "TELEGRAM_BOT_USERNAME") {
		t.Fatalf("bad username: %v", errs)
	}
}

// Issue 9, item 8: only IANA zone names; "Local" depends on the machine.
func TestTimezoneLocalRefused(t *testing.T) {
	_, errs := LoadConfig(env(map[string]string{"LOA_TIMEZONE": "Local"}), noFiles)
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "LOA_TIMEZONE") {
		t.Fatalf("LOA_TIMEZONE=Local: %v", errs)
	}
}

// Issue 9, item 17: PUBLIC_URL must be https (http only for loopback, as
// the tests use), and a malformed webhook secret says what is wrong with it.
func TestPublicURLAndWebhookSecret(t *testing.T) {
	for v, ok := range map[string]bool{"https://loa.example": true, "http://loa.example": false, "http://127.0.0.1:8080": true,
		"http://localhost:8080": true, "ftp://loa.example": false, "https://": false} {
		_, errs := LoadConfig(env(map[string]string{"PUBLIC_URL": v, "TELEGRAM_WEBHOOK_SECRET": "s3cret"}), noFiles)
		if (len(errs) == 0) != ok {
			t.Errorf("PUBLIC_URL=%s: %v", v, errs)
		}
	}
	for secret, want := range map[string]string{"has spaces!": "character 4", strings.Repeat("a", 300): "300 characters"} {
		_, errs := LoadConfig(env(map[string]string{"PUBLIC_URL": "https://loa.example", "TELEGRAM_WEBHOOK_SECRET": secret}), noFiles)
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), want) || strings.Contains(errs[0].Error(), "required") ||
			strings.Contains(errs[0].Error(), secret) {
			t.Errorf("secret %.10q: %v", secret, errs)
		}
	}
}
