// Package app wires Loa together: configuration, the subcommands and the
// processes they run. main.go only hands it the arguments and the signals;
// tests drive the same App.
package app

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/jobs"
)

// Config is everything Loa reads from its environment.
type Config struct {
	DatabaseURL     string
	RedisURL        string
	TelegramToken   string // empty: run against the built-in sandbox (loa dev)
	TelegramAPIURL  string
	WebhookSecret   string
	PublicURL       string
	HTTPAddr        string
	MetricsAddr     string
	Timezone        *time.Location
	SecretKey       string // keys the phone hashes and signs invite links
	SendRate        int    // messages per second, shared by every worker
	PaidBroadcast   bool
	Concurrency     int
	Engine          EngineSettings
	QuestionLogDays int
	FAQStaleDays    int // age of an "as of" date at which `loa faq stale` lists the entry
	TwoPersonRule   bool
	LogLevel        string
	SandboxAddr     string
	BotUsername     string

	ZaloToken         string // empty: Zalo is off, or the sandbox Zalo when Telegram is sandboxed too
	ZaloAPIURL        string
	ZaloWebhookSecret string
	ZaloSendRate      int
	ZaloSandboxAddr   string
}

// EngineSettings are the broadcast engine's tunables from the environment.
type EngineSettings struct {
	BatchSize, ClaimSize, RecordSize, Senders int
	LeaseTTL                                  time.Duration
}

var engineDefaults = jobs.DefaultConfig()

// EngineConfig is the broadcast engine's configuration.
func (c Config) EngineConfig() jobs.Config {
	return jobs.Config{BatchSize: c.Engine.BatchSize, ClaimSize: c.Engine.ClaimSize,
		RecordSize: c.Engine.RecordSize, LeaseTTL: c.Engine.LeaseTTL, Senders: c.Engine.Senders}
}

// Sandbox reports whether Loa runs against the built-in fakes: neither
// TELEGRAM_TOKEN nor ZALO_BOT_TOKEN is set.
func (c Config) Sandbox() bool { return c.TelegramToken == "" && c.ZaloToken == "" }

// Channel states as `loa config check` shows them.
const (
	StateOn      = "on"
	StateOff     = "off"
	StateSandbox = "sandbox"
)

// TelegramState: on with TELEGRAM_TOKEN, the sandbox with no token at
// all, off when only Zalo has a token (Loa on Zalo alone).
func (c Config) TelegramState() string { return channelState(c.TelegramToken, c) }

// ZaloState: on with ZALO_BOT_TOKEN, the sandbox with no token at all, off
// when only Telegram has a token (Loa on Telegram alone).
func (c Config) ZaloState() string { return channelState(c.ZaloToken, c) }

func channelState(token string, c Config) string {
	switch {
	case token != "":
		return StateOn
	case c.Sandbox():
		return StateSandbox
	}
	return StateOff
}

// variable describes one environment variable: its default, whether it is a
// secret (also readable from NAME_FILE, never printed), and how to apply it.
type variable struct {
	name, def, doc string
	secret         bool
	apply          func(c *Config, v string) error
}

var (
	tokenRe  = regexp.MustCompile(`^[0-9]{3,20}:[A-Za-z0-9_-]{30,60}$`)
	secretRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	// botNameRe is Telegram's rule for a bot's username (5-32 characters).
	botNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{4,31}$`)
	// zaloTokenRe: Zalo Bot Creator's tokens are "<bot id>:<secret>"; the
	// secret's alphabet is not documented, so only URL-path-safe characters
	// are asked for (the token is part of every request path).
	zaloTokenRe = regexp.MustCompile(`^[0-9]{5,25}:[A-Za-z0-9_-]{8,200}$`)
)

// sandboxBotUsername is the built-in sandbox bot's name.
const sandboxBotUsername = "loa_sandbox_bot"

// variables is the one list of settings: loading, `loa config check` and the
// README's table all follow it.
var variables = []variable{
	{name: "DATABASE_URL", def: "postgres://postgres@127.0.0.1:5432/loa?sslmode=disable",
		doc: "PostgreSQL connection URL", apply: setDatabaseURL},
	{name: "REDIS_URL", def: "redis://127.0.0.1:6379/0", doc: "Redis URL (queues, shared rate limit)", apply: setRedisURL},
	{name: "TELEGRAM_TOKEN", secret: true, doc: "bot token from @BotFather; empty runs the sandbox", apply: func(c *Config, v string) error {
		if v != "" && !tokenRe.MatchString(v) {
			return errors.New("does not look like a bot token (digits, a colon, then 30+ letters, digits, _ or -)")
		}
		c.TelegramToken = v
		return nil
	}},
	{name: "TELEGRAM_API_URL", def: "https://api.telegram.org", doc: "Bot API server (api.telegram.org or a self-hosted one)",
		apply: func(c *Config, v string) error { c.TelegramAPIURL = strings.TrimRight(v, "/"); return httpURL(v) }},
	{name: "TELEGRAM_WEBHOOK_SECRET", secret: true, doc: "secret Telegram sends with every webhook call (A-Z a-z 0-9 _ -, 1-256)",
		apply: func(c *Config, v string) error {
			// kept even when malformed: the cross-check must not call a set secret missing
			c.WebhookSecret = v
			return checkWebhookSecret(v)
		}},
	{name: "PUBLIC_URL", doc: "public https base URL of `loa web`; set it to use a webhook instead of polling",
		apply: func(c *Config, v string) error {
			c.PublicURL = strings.TrimRight(v, "/")
			if v == "" {
				return nil
			}
			return publicURL(v)
		}},
	{name: "HTTP_ADDR", def: "127.0.0.1:8080", doc: "address `loa web` listens on", apply: func(c *Config, v string) error {
		c.HTTPAddr = v
		if !strings.Contains(v, ":") {
			return errors.New("must be host:port, for example :8080")
		}
		return nil
	}},
	{name: "METRICS_ADDR", def: "127.0.0.1:9090", doc: "address `loa web` serves /metrics on, apart from HTTP_ADDR (which the public webhook shares)",
		apply: func(c *Config, v string) error {
			c.MetricsAddr = v
			if !strings.Contains(v, ":") {
				return errors.New("must be host:port, for example 127.0.0.1:9090")
			}
			return nil
		}},
	{name: "LOA_TIMEZONE", def: "Asia/Ho_Chi_Minh", doc: "zone for schedules and dates shown to people", apply: func(c *Config, v string) error {
		if v == "Local" {
			return errors.New(`"Local" is this machine's zone, not an IANA name; use one such as Asia/Ho_Chi_Minh`)
		}
		loc, err := time.LoadLocation(v)
		c.Timezone = loc
		return err
	}},
	{name: "LOA_SECRET_KEY", secret: true, doc: "32+ characters; keys phone hashes and signs invite links (required with TELEGRAM_TOKEN)",
		apply: func(c *Config, v string) error {
			if v != "" && len(v) < 32 {
				return errors.New("must be at least 32 characters")
			}
			c.SecretKey = v
			return nil
		}},
	{name: "LOA_SEND_RATE", def: "25", doc: "broadcast messages per second for the whole bot (max 30, or 1000 with paid broadcast)",
		apply: func(c *Config, v string) error { return positiveInt(v, &c.SendRate) }},
	{name: "LOA_PAID_BROADCAST", def: "false", doc: "send with allow_paid_broadcast (Telegram bills Stars) to go above 30/s",
		apply: func(c *Config, v string) error { return boolean(v, &c.PaidBroadcast) }},
	// The broadcast engine's settings (issue 13); the defaults are the fast ones.
	{name: "LOA_WORKER_CONCURRENCY", def: "16", doc: "batches one worker process works on at once (each holds one claim; above 100 msg/s the claims of one channel take turns to send)",
		apply: func(c *Config, v string) error { return positiveInt(v, &c.Concurrency) }},
	{name: "LOA_BATCH_SIZE", def: strconv.Itoa(engineDefaults.BatchSize), doc: "recipients per batch task when a run is planned",
		apply: func(c *Config, v string) error { return positiveInt(v, &c.Engine.BatchSize) }},
	{name: "LOA_CLAIM_SIZE", def: strconv.Itoa(engineDefaults.ClaimSize), doc: "rows a batch claims at once (one claims row, no write on the rows); after a crash only the rows being sent are unknown",
		apply: func(c *Config, v string) error { return positiveInt(v, &c.Engine.ClaimSize) }},
	{name: "LOA_RECORD_SIZE", def: strconv.Itoa(engineDefaults.RecordSize), doc: "outcomes written at once (also at least every second)",
		apply: func(c *Config, v string) error { return positiveInt(v, &c.Engine.RecordSize) }},
	{name: "LOA_SENDERS", def: strconv.Itoa(engineDefaults.Senders), doc: "messages of one batch in flight at once above 100 msg/s (one at the free rates)",
		apply: func(c *Config, v string) error { return positiveInt(v, &c.Engine.Senders) }},
	{name: "LOA_LEASE_TTL", def: engineDefaults.LeaseTTL.String(), doc: "a claim not renewed for this long is a dead worker's: its unsent rows go back to pending",
		apply: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 3*time.Second {
				return fmt.Errorf("%q is not a duration of at least 3s (for example 15s)", v)
			}
			c.Engine.LeaseTTL = d
			return nil
		}},
	{name: "LOA_QUESTION_LOG_DAYS", def: "90", doc: "days residents' questions are kept for the unanswered-questions report",
		apply: func(c *Config, v string) error { return positiveInt(v, &c.QuestionLogDays) }},
	{name: "LOA_FAQ_STALE_DAYS", def: "180", doc: "days after its \"as of\" date a FAQ entry is listed for review by `loa faq stale` and GET /api/v1/faq/stale",
		apply: func(c *Config, v string) error { return positiveInt(v, &c.FAQStaleDays) }},
	{name: "LOA_TWO_PERSON_RULE", def: "true", doc: "a broadcast's approver must not be its author",
		apply: func(c *Config, v string) error { return boolean(v, &c.TwoPersonRule) }},
	{name: "LOG_LEVEL", def: "info", doc: "debug, info, warn or error", apply: func(c *Config, v string) error {
		c.LogLevel = v
		switch v {
		case "debug", "info", "warn", "error":
			return nil
		}
		return errors.New("must be debug, info, warn or error")
	}},
	{name: "LOA_SANDBOX_ADDR", def: "127.0.0.1:8081", doc: "where `loa dev` serves the sandbox Telegram and `loa chat` finds it",
		apply: func(c *Config, v string) error { c.SandboxAddr = v; return nil }},
	{name: "TELEGRAM_BOT_USERNAME", doc: "the bot's @username, for invite links (t.me/<name>?start=...); " +
		"default: " + sandboxBotUsername + " in the sandbox, getMe's answer with TELEGRAM_TOKEN",
		apply: func(c *Config, v string) error {
			c.BotUsername = strings.TrimPrefix(v, "@")
			if c.BotUsername != "" && !botNameRe.MatchString(c.BotUsername) {
				return errors.New("a Telegram bot username is 5-32 letters, digits and _, starting with a letter")
			}
			return nil
		}},
	// Zalo (bot/zalo): the Zalo Bot Platform, beside or instead of Telegram.
	{name: "ZALO_BOT_TOKEN", secret: true, doc: "bot token from Zalo Bot Creator; empty: Zalo off (the sandbox Zalo when TELEGRAM_TOKEN is empty too)",
		apply: func(c *Config, v string) error {
			if v != "" && !zaloTokenRe.MatchString(v) {
				return errors.New("does not look like a Zalo bot token (digits, a colon, then 8+ letters, digits, _ or -)")
			}
			c.ZaloToken = v
			return nil
		}},
	{name: "ZALO_API_URL", def: "https://bot-api.zaloplatforms.com", doc: "Zalo Bot API server",
		apply: func(c *Config, v string) error { c.ZaloAPIURL = strings.TrimRight(v, "/"); return httpURL(v) }},
	{name: "ZALO_WEBHOOK_SECRET", secret: true, doc: "secret Zalo sends in X-Bot-Api-Secret-Token with every webhook call (8-256 characters; required with PUBLIC_URL and ZALO_BOT_TOKEN)",
		apply: func(c *Config, v string) error {
			c.ZaloWebhookSecret = v
			if n := utf8.RuneCountInString(v); v != "" && (n < 8 || n > 256) {
				return fmt.Errorf("has %d characters; Zalo wants 8 to 256", n)
			}
			return nil
		}},
	{name: "LOA_ZALO_SEND_RATE", def: "10", doc: "broadcast messages per second on Zalo for the whole bot (Zalo documents no rate; 429 means quota exceeded)",
		apply: func(c *Config, v string) error { return positiveInt(v, &c.ZaloSendRate) }},
	{name: "LOA_ZALO_SANDBOX_ADDR", def: "127.0.0.1:8082", doc: "where `loa dev` serves the sandbox Zalo and `loa chat --channel zalo` finds it",
		apply: func(c *Config, v string) error { c.ZaloSandboxAddr = v; return nil }},
}

// LoadConfig reads the environment through getenv (and readFile for *_FILE
// secrets) and returns every problem, one per variable, not just the first.
func LoadConfig(getenv func(string) string, readFile func(string) ([]byte, error)) (Config, []error) {
	var c Config
	var errs []error
	for _, v := range variables {
		val, err := lookup(v, getenv, readFile)
		if err == nil {
			err = v.apply(&c, val)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", v.name, err))
		}
	}
	if c.BotUsername == "" && c.Sandbox() {
		c.BotUsername = sandboxBotUsername // with a real token: getMe's answer, see botUsername
	}
	errs = append(errs, c.crossCheck()...)
	return c, errs
}

func lookup(v variable, getenv func(string) string, readFile func(string) ([]byte, error)) (string, error) {
	val := getenv(v.name)
	if v.secret {
		if file := getenv(v.name + "_FILE"); file != "" {
			if val != "" {
				return "", fmt.Errorf("set either %s or %s_FILE, not both", v.name, v.name)
			}
			b, err := readFile(file)
			if err != nil {
				return "", fmt.Errorf("reading %s_FILE: %w", v.name, err)
			}
			val = strings.TrimSpace(string(b))
		}
	}
	if val == "" {
		val = v.def
	}
	return val, nil
}

// crossCheck covers rules that involve more than one variable.
func (c Config) crossCheck() []error {
	var errs []error
	if c.SendRate > 30 && !c.PaidBroadcast {
		errs = append(errs, fmt.Errorf("LOA_SEND_RATE: %d is above Telegram's 30 messages/s; set LOA_PAID_BROADCAST=true to go higher", c.SendRate))
	}
	if c.SendRate > 1000 {
		errs = append(errs, fmt.Errorf("LOA_SEND_RATE: %d is above Telegram's paid limit of 1000 messages/s", c.SendRate))
	}
	if c.TelegramToken != "" && c.SecretKey == "" {
		errs = append(errs, errors.New("LOA_SECRET_KEY: required when TELEGRAM_TOKEN is set (32+ random characters)"))
	}
	if c.PublicURL != "" && c.WebhookSecret == "" && c.TelegramState() != StateOff {
		errs = append(errs, errors.New("TELEGRAM_WEBHOOK_SECRET: required when PUBLIC_URL is set (webhook mode)"))
	}
	errs = append(errs, c.zaloCrossCheck()...)
	return errs
}

// zaloCrossCheck: the rules between Zalo's variables and the others.
func (c Config) zaloCrossCheck() []error {
	var errs []error
	if c.ZaloToken != "" && c.TelegramToken == "" && c.SecretKey == "" {
		errs = append(errs, errors.New("LOA_SECRET_KEY: required when ZALO_BOT_TOKEN is set (32+ random characters)"))
	}
	if c.PublicURL != "" && c.ZaloToken != "" && c.ZaloWebhookSecret == "" {
		errs = append(errs, errors.New("ZALO_WEBHOOK_SECRET: required when PUBLIC_URL and ZALO_BOT_TOKEN are set (webhook mode)"))
	}
	return errs
}

// Key returns the secret key, or a fixed development key in the sandbox.
func (c Config) Key() []byte {
	if c.SecretKey != "" {
		return []byte(c.SecretKey)
	}
	return []byte("loa-sandbox-development-key-not-for-production")
}

func setDatabaseURL(c *Config, v string) error {
	c.DatabaseURL = v
	u, err := url.Parse(v)
	if err != nil {
		return errors.New("is not a URL")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("scheme %q: want postgres://user@host:5432/dbname?sslmode=disable", u.Scheme)
	}
	if strings.Trim(u.Path, "/") == "" {
		return errors.New("names no database: add /loa to the URL")
	}
	return nil
}

func setRedisURL(c *Config, v string) error {
	c.RedisURL = v
	if _, err := redis.ParseURL(v); err != nil {
		return fmt.Errorf("want redis://host:6379/0: %w", err)
	}
	return nil
}

// checkWebhookSecret says what is wrong with a secret, without showing it.
func checkWebhookSecret(v string) error {
	if v == "" || secretRe.MatchString(v) {
		return nil
	}
	if n := len(v); n > 256 {
		return fmt.Errorf("has %d characters; at most 256 of A-Z, a-z, 0-9, _ and - are allowed", n)
	}
	for i, r := range []rune(v) {
		if !(r < 128 && secretRe.MatchString(string(r))) {
			return fmt.Errorf("character %d is not allowed; use only A-Z, a-z, 0-9, _ and -", i+1)
		}
	}
	return errors.New("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
}

// publicURL accepts an https base URL, or http on this machine (a loopback
// address: tests and a local reverse proxy), since Telegram calls webhooks
// only over https.
func publicURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%q is not an https URL", v)
	}
	if u.Scheme == "http" {
		switch u.Hostname() {
		case "localhost", "127.0.0.1", "::1":
		default:
			return fmt.Errorf("%q must use https (http is allowed only for localhost and 127.0.0.1)", v)
		}
	}
	return nil
}

func httpURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", v)
	}
	return nil
}

func positiveInt(v string, dst *int) error {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return fmt.Errorf("%q is not a positive whole number", v)
	}
	*dst = n
	return nil
}

func boolean(v string, dst *bool) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("%q is not true or false", v)
	}
	*dst = b
	return nil
}

// Describe lists every variable with its effective value, secrets masked.
func (c Config) Describe(getenv func(string) string) [][3]string {
	rows := make([][3]string, 0, len(variables))
	for _, v := range variables {
		val, _ := lookup(v, getenv, func(string) ([]byte, error) { return nil, nil })
		shown := val
		switch {
		case v.secret && getenv(v.name+"_FILE") != "":
			shown = "(from " + getenv(v.name+"_FILE") + ")"
		case v.secret && val != "":
			shown = fmt.Sprintf("set (%d characters, hidden)", len(val))
		case v.secret:
			shown = "not set"
		case v.name == "DATABASE_URL" || v.name == "REDIS_URL":
			shown = redactURL(val)
		}
		rows = append(rows, [3]string{v.name, shown, v.doc})
	}
	return rows
}

func redactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}
