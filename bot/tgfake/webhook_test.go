package tgfake

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func TestWebhookDeliversWithSecret(t *testing.T) {
	srv := newFake(t)
	col := newCollector()
	wb := newClient(t, srv, bot.WithWebhookSecretToken("s3cret"), bot.WithDefaultHandler(col.handle), bot.WithNotAsyncHandlers())
	var headers atomic.Int32
	var failFirst atomic.Int32
	failFirst.Store(2) // Telegram retries a failing webhook
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failFirst.Add(-1) >= 0 {
			http.Error(w, "busy", http.StatusInternalServerError)
			return
		}
		if r.Header.Get("X-Telegram-Bot-Api-Secret-Token") == "s3cret" {
			headers.Add(1)
		}
		wb.WebhookHandler()(w, r)
	}))
	defer hook.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go wb.StartWebhook(ctx)

	if _, err := wb.SetWebhook(ctx, &bot.SetWebhookParams{URL: hook.URL + "/tg", SecretToken: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	err := callJSON(ctx, srv, "getUpdates", nil, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "409 Conflict") {
		t.Errorf("getUpdates with webhook: %v", err)
	}
	srv.SendText(lan, "/start")
	srv.SendText(lan, "hai")
	ups := col.wait(t, 2)
	if ups[0].Message.Text != "/start" || ups[1].Message.Text != "hai" {
		t.Errorf("order: %q %q", ups[0].Message.Text, ups[1].Message.Text)
	}
	if headers.Load() != 2 {
		t.Errorf("deliveries with secret header: %d", headers.Load())
	}
	// The handler may run before the fake has seen the 200 and dequeued.
	for deadline := time.Now().Add(2 * time.Second); srv.Pending() > 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	info, err := wb.GetWebhookInfo(ctx)
	if err != nil || info.URL != hook.URL+"/tg" || info.PendingUpdateCount != 0 || info.LastErrorMessage == "" {
		t.Errorf("webhook info: %+v %v", info, err)
	}
	if _, err := wb.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
		t.Fatal(err)
	}
	srv.SendText(lan, "polled")
	var got []models.Update
	if err := callJSON(ctx, srv, "getUpdates", nil, &got); err != nil || len(got) != 1 || got[0].Message.Text != "polled" {
		t.Errorf("after deleteWebhook: %+v %v", got, err)
	}
}

func TestSetWebhookValidates(t *testing.T) {
	srv := newFake(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "ftp://x"}); err == nil {
		t.Error("ftp webhook accepted")
	}
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://loa.vn/tg", SecretToken: "no spaces!"}); err == nil {
		t.Error("bad secret accepted")
	}
}
