package app

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/zalofake"
	"github.com/loa-vn/loa/jobs/redistest"
	"github.com/loa-vn/loa/store/storetest"
)

// TestDevSandboxZaloChat: `loa dev` without tokens serves a sandbox Zalo
// beside the sandbox Telegram, and `loa chat --channel zalo` talks to the
// bot as a Zalo resident: commands as Vietnamese words, choices numbered.
func TestDevSandboxZaloChat(t *testing.T) {
	env := map[string]string{
		"DATABASE_URL":          storetest.NewDatabase(t, true),
		"REDIS_URL":             redistest.URL(redistest.New(t)),
		"HTTP_ADDR":             botTestAddr(t),
		"LOA_SANDBOX_ADDR":      botTestAddr(t),
		"LOA_ZALO_SANDBOX_ADDR": botTestAddr(t),
		"LOG_LEVEL":             "warn",
	}
	getenv := func(k string) string { return env[k] }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var devErr syncBuffer
	devDone := make(chan int, 1)
	go func() { devDone <- Main(ctx, []string{"dev"}, getenv, strings.NewReader(""), &bytes.Buffer{}, &devErr) }()

	var out, errOut bytes.Buffer
	deadline := time.Now().Add(20 * time.Second)
	for {
		out.Reset()
		errOut.Reset()
		code := Main(ctx, []string{"chat", "--channel", "zalo", "--user-id", "78", "--name", "Lan"}, getenv,
			strings.NewReader("ngôn ngữ\n"), &out, &errOut)
		if code == 0 && strings.Contains(out.String(), "2. English") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("chat: code %d, out %q, err %q; dev: %s", code, out.String(), errOut.String(), devErr.String())
		}
		time.Sleep(300 * time.Millisecond)
	}
	if strings.ContainsAny(out.String(), "<>") {
		t.Errorf("markup reached Zalo: %q", out.String())
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

// TestWebZaloWebhook runs `loa web` on Zalo alone, in webhook mode against
// the fake Zalo: setWebhook at start, events delivered with the secret are
// answered (a redelivered event once), a wrong or missing secret gets 403
// and is not processed.
func TestWebZaloWebhook(t *testing.T) {
	const token = "1459232241454765289:ZaloTestTokenNotSecret"
	fake := zalofake.New(zalofake.WithToken(token), zalofake.WithHTTPWebhooks())
	defer fake.Close()
	addr := botTestAddr(t)
	env := map[string]string{
		"DATABASE_URL":        storetest.NewDatabase(t, true),
		"REDIS_URL":           redistest.URL(redistest.New(t)),
		"HTTP_ADDR":           addr,
		"LOG_LEVEL":           "info",
		"ZALO_BOT_TOKEN":      token,
		"ZALO_API_URL":        fake.URL(),
		"ZALO_WEBHOOK_SECRET": "zalo-webhook-secret-1",
		"PUBLIC_URL":          "http://" + addr,
		"LOA_SECRET_KEY":      strings.Repeat("k", 32),
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"web"}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, &logs)
	}()
	user := zalofake.User{ID: "6ede9afa66b88fe6d6a9", DisplayName: "Lan Zalo"}
	waitUntil(t, func() bool { return fake.Calls("setWebhook") > 0 && fake.Statuses()[http.StatusOK] > 0 }, &logs)
	// the platform delivers at once: the webhook is set only after the
	// port is bound, or the first messages are lost
	if l := logs.String(); strings.Index(l, "http listening") > strings.Index(l, "zalo webhook set") {
		t.Errorf("setWebhook before the listener was bound: %s", l)
	}
	id := fake.SendText(user, "trợ giúp")
	waitUntil(t, func() bool { return fake.CountTo(user.ID) > 0 }, &logs)
	if got := fake.SentTo(user.ID)[0].Text; !strings.Contains(got, "Loa có thể giúp bạn") || strings.Contains(got, "<") {
		t.Errorf("webhook answer: %q", got)
	}
	// the platform retries a delivery: answered once
	fake.Redeliver(id)
	waitUntil(t, func() bool { ok, _ := fake.Deliveries(); return ok >= 2 }, &logs)
	fake.SendText(user, "/lang") // a later message is answered: the redelivery was not still being handled
	waitUntil(t, func() bool {
		sent := fake.SentTo(user.ID)
		return len(sent) > 0 && strings.Contains(sent[len(sent)-1].Text, "2. English")
	}, &logs)
	if n := fake.CountTo(user.ID); n != 2 {
		t.Errorf("%d answers to two events and one redelivery, want 2", n)
	}
	for _, secret := range []string{"", "wrong-secret-123"} {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+ZaloWebhookPath,
			strings.NewReader(`{"event_name":"message.text.received","message":{"from":{"id":"x1"},"chat":{"id":"x1"},"text":"/help","message_id":"forged-1","date":1}}`))
		if secret != "" {
			req.Header.Set("X-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("secret %q: status %d, want 403", secret, resp.StatusCode)
		}
	}
	if fake.CountTo("x1") != 0 {
		t.Error("a forged event was answered")
	}
	if strings.Contains(logs.String(), user.ID) || strings.Contains(logs.String(), "Lan Zalo") {
		t.Errorf("a Zalo id or name reached the info log: %s", logs.String())
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("loa web exited %d: %s", code, logs.String())
	}
}
