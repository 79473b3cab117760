package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/jobs/redistest"
	"github.com/loa-vn/loa/store/storetest"
)

func runAsk(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestAskJSON(t *testing.T) {
	code, out, stderr := runAsk(t, "ask", "--json", "ngay chuyen doi so quoc gia la ngay nao")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got map[string]any
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&got); err != nil || dec.More() {
		t.Fatalf("want exactly one JSON object, got %q (%v)", out, err)
	}
	for _, k := range []string{"action", "answer", "fallback", "entry", "score", "suggestions"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing key %q in %s", k, out)
		}
	}
	if len(got) != 6 || got["action"] != "answer" || got["fallback"] != false || got["entry"] == "" || !strings.Contains(got["answer"].(string), "10/10") {
		t.Errorf("answer: %s", out)
	}
}

func TestAskFallbackEnglish(t *testing.T) {
	code, out, stderr := runAsk(t, "ask", "--lang", "en", "--json", "what is the best pho recipe in Paris?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got askResult
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if !got.Fallback || got.Entry != "" || !strings.Contains(got.Answer, "1022") {
		t.Errorf("fallback: %+v", got)
	}
}

func TestAskUsage(t *testing.T) {
	if code, _, _ := runAsk(t, "ask"); code == 0 {
		t.Error("ask without a question succeeded")
	}
	if code, _, _ := runAsk(t, "ask", "--lang", "fr", "hello"); code == 0 {
		t.Error("ask --lang fr succeeded")
	}
}

func botTestAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestDevSandboxChat is the newcomer's path: `loa dev` with no token, then
// `loa chat` as a resident.
func TestDevSandboxChat(t *testing.T) {
	env := map[string]string{
		"DATABASE_URL":     storetest.NewDatabase(t, true),
		"REDIS_URL":        redistest.URL(redistest.New(t)),
		"HTTP_ADDR":        botTestAddr(t),
		"LOA_SANDBOX_ADDR": botTestAddr(t),
		"LOG_LEVEL":        "warn",
		// the sandbox Zalo too: never the default port a developer's `loa dev` may hold
		"LOA_ZALO_SANDBOX_ADDR": botTestAddr(t),
	}
	getenv := func(k string) string { return env[k] }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var devErr syncBuffer
	devDone := make(chan int, 1)
	go func() { devDone <- Main(ctx, []string{"dev"}, getenv, strings.NewReader(""), &bytes.Buffer{}, &devErr) }()

	var out, errOut bytes.Buffer
	deadline := time.Now().Add(15 * time.Second)
	for {
		out.Reset()
		errOut.Reset()
		code := Main(ctx, []string{"chat", "--user-id", "77", "--name", "Lan"}, getenv,
			strings.NewReader("/start\n"), &out, &errOut)
		if code == 0 && strings.Contains(out.String(), "Xin chào Lan") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("chat: code %d, out %q, err %q; dev: %s", code, out.String(), errOut.String(), devErr.String())
		}
		time.Sleep(300 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-devDone:
		if code != 0 {
			t.Errorf("loa dev exited %d: %s", code, devErr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("loa dev did not stop")
	}
}

// TestWebWebhook runs `loa web` in webhook mode against the fake Telegram:
// the webhook is registered at start, updates delivered with the secret are
// answered, and a request with a wrong secret gets 401.
func TestWebWebhook(t *testing.T) {
	token := "123456789:" + strings.Repeat("A", 35)
	fake := tgfake.New(tgfake.WithToken(token))
	defer fake.Close()
	addr := botTestAddr(t)
	env := map[string]string{
		"DATABASE_URL":            storetest.NewDatabase(t, true),
		"REDIS_URL":               redistest.URL(redistest.New(t)),
		"HTTP_ADDR":               addr,
		"LOG_LEVEL":               "warn",
		"TELEGRAM_TOKEN":          token,
		"TELEGRAM_API_URL":        fake.URL(),
		"TELEGRAM_WEBHOOK_SECRET": "webhook-secret-1",
		"PUBLIC_URL":              "http://" + addr,
		"LOA_SECRET_KEY":          strings.Repeat("k", 32),
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"web"}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, &logs)
	}()
	user := tgfake.User{ID: 4242, FirstName: "Lan", LanguageCode: "vi"}
	waitUntil(t, func() bool { return fake.Calls("setWebhook") > 0 }, &logs)
	fake.SendText(user, "/help")
	waitUntil(t, func() bool { return fake.CountTo(user.ID) > 0 }, &logs)
	if got := fake.SentTo(user.ID)[0].Plain; !strings.Contains(got, "Loa có thể giúp bạn") {
		t.Errorf("webhook answer: %q", got)
	}
	resp, err := http.Post("http://"+addr+WebhookPath, "application/json", strings.NewReader(`{"update_id":99}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no secret: status %d, want 401", resp.StatusCode)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("loa web exited %d: %s", code, logs.String())
	}
}

func waitUntil(t *testing.T, ok func() bool, logs *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met in 15s; logs: %s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
