package tgfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func kb(rows ...[]models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

func TestSendMessageReturnsRealisticMessage(t *testing.T) {
	srv := newFake(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.AddChat(lan)
	markup := kb([]models.InlineKeyboardButton{{Text: "Tiếng Việt", CallbackData: "lang:vi"}, {Text: "English", CallbackData: "lang:en"}},
		[]models.InlineKeyboardButton{{Text: "Web", URL: "https://loa.vn"}})
	m1, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: lan.ID, Text: "<b>Chào</b> &amp; hi",
		ParseMode: models.ParseModeHTML, ReplyMarkup: markup, AllowPaidBroadcast: true})
	if err != nil {
		t.Fatal(err)
	}
	m2, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: lan.ID, Text: "second"})
	if err != nil {
		t.Fatal(err)
	}
	if m1.Text != "Chào & hi" || len(m1.Entities) != 1 || m1.Entities[0].Type != models.MessageEntityTypeBold {
		t.Errorf("text/entities: %q %+v", m1.Text, m1.Entities)
	}
	if m2.ID != m1.ID+1 || m1.Chat.ID != lan.ID || m1.From == nil || !m1.From.IsBot || m1.Date == 0 {
		t.Errorf("message fields: %+v", m1)
	}
	if m1.ReplyMarkup == nil || m1.ReplyMarkup.InlineKeyboard[0][1].CallbackData != "lang:en" {
		t.Errorf("reply_markup not echoed: %+v", m1.ReplyMarkup)
	}
	sent := srv.SentTo(lan.ID)
	if len(sent) != 2 || sent[0].Text != "<b>Chào</b> &amp; hi" || sent[0].Plain != "Chào & hi" ||
		sent[0].ParseMode != "HTML" || !sent[0].AllowPaidBroadcast || sent[0].MessageID != m1.ID {
		t.Fatalf("recorded: %+v", sent)
	}
	btns := sent[0].Buttons()
	if len(btns) != 3 || btns[0].CallbackData != "lang:vi" || btns[2].URL != "https://loa.vn" {
		t.Errorf("buttons: %+v", btns)
	}
	if srv.Calls("sendMessage") != 2 || srv.Count() != 2 {
		t.Errorf("calls %d count %d", srv.Calls("sendMessage"), srv.Count())
	}
}

func TestTelegramLimits(t *testing.T) {
	srv := newFake(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	emoji4096 := strings.Repeat("😀", 2048) // 4096 UTF-16 units: exactly the limit
	cases := []struct {
		name string
		send func() error
		want string
	}{
		{"4096 ok", func() error {
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: emoji4096})
			return err
		}, ""},
		{"4097 too long", func() error {
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: emoji4096 + "a"})
			return err
		}, "message is too long"},
		{"tags do not count", func() error {
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "<b>" + strings.Repeat("a", 4096) + "</b>", ParseMode: models.ParseModeHTML})
			return err
		}, ""},
		{"empty", func() error {
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "<b></b>", ParseMode: models.ParseModeHTML})
			return err
		}, "message text is empty"},
		{"bad html", func() error {
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "<b>open", ParseMode: models.ParseModeHTML})
			return err
		}, "can't parse entities"},
		{"caption 1025", func() error {
			_, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 1, Photo: &models.InputFileString{Data: "https://x/y.jpg"}, Caption: strings.Repeat("c", 1025)})
			return err
		}, "message caption is too long"},
		{"callback 65 bytes", func() error {
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "x",
				ReplyMarkup: kb([]models.InlineKeyboardButton{{Text: "b", CallbackData: strings.Repeat("đ", 33)}})})
			return err
		}, "BUTTON_DATA_INVALID"},
		{"callback 64 bytes", func() error {
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "x",
				ReplyMarkup: kb([]models.InlineKeyboardButton{{Text: "b", CallbackData: strings.Repeat("đ", 32)}})})
			return err
		}, ""},
	}
	for _, c := range cases {
		err := c.send()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: unexpected %v", c.name, err)
		case c.want != "" && (!errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %v, want 400 %q", c.name, err, c.want)
		}
	}
}

func TestSendPhotoUploadAndURL(t *testing.T) {
	srv := newFake(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	m, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 5, Caption: "<i>Phố cổ</i>", ParseMode: models.ParseModeHTML,
		Photo: &models.InputFileUpload{Filename: "a.jpg", Data: bytes.NewReader([]byte("jpegdata"))}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Caption != "Phố cổ" || len(m.Photo) == 0 || len(m.CaptionEntities) != 1 {
		t.Errorf("photo message: %+v", m)
	}
	if _, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 5, Photo: &models.InputFileString{Data: "https://loa.vn/a.jpg"}}); err != nil {
		t.Fatal(err)
	}
	sent := srv.SentTo(5)
	if sent[0].Photo != "upload:a.jpg" || sent[0].Caption != "<i>Phố cổ</i>" || sent[1].Photo != "https://loa.vn/a.jpg" {
		t.Errorf("recorded: %+v", sent)
	}
}

func TestStrictChatsAndBlocking(t *testing.T) {
	srv := newFake(t, WithStrictChats())
	b := newClient(t, srv)
	ctx := testCtx(t)
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: lan.ID, Text: "hi"})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "chat not found") {
		t.Fatalf("unknown chat: %v", err)
	}
	srv.SendText(lan, "/start")
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: lan.ID, Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	srv.BlockBot(lan)
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: lan.ID, Text: "hi"})
	if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "blocked") {
		t.Fatalf("blocked: %v", err)
	}
	srv.UnblockBot(lan)
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: lan.ID, Text: "welcome back"}); err != nil {
		t.Fatal(err)
	}
}

func TestEditDeleteCopy(t *testing.T) {
	srv := newFake(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 7, Text: "v1",
		ReplyMarkup: kb([]models.InlineKeyboardButton{{Text: "ok", CallbackData: "ok"}})})
	if err != nil {
		t.Fatal(err)
	}
	e, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 7, MessageID: m.ID, Text: "<b>v2</b>", ParseMode: models.ParseModeHTML})
	if err != nil || e.Text != "v2" || e.EditDate == 0 || e.ReplyMarkup != nil {
		t.Fatalf("edit: %+v %v", e, err)
	}
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 7, MessageID: m.ID, Text: "<b>v2</b>", ParseMode: models.ParseModeHTML})
	if err == nil || !strings.Contains(err.Error(), "message is not modified") {
		t.Errorf("same edit: %v", err)
	}
	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: 7, MessageID: m.ID,
		ReplyMarkup: kb([]models.InlineKeyboardButton{{Text: "again", CallbackData: "again"}})}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 7, MessageID: 999, Text: "x"}); err == nil {
		t.Error("edit of unknown message accepted")
	}
	cp, err := b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: 8, FromChatID: 7, MessageID: m.ID})
	if err != nil || cp.ID != 1 || srv.SentTo(8)[0].Plain != "v2" {
		t.Fatalf("copy: %+v %v %+v", cp, err, srv.SentTo(8))
	}
	if ok, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 7, MessageID: m.ID}); !ok || err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 7, MessageID: m.ID}); err == nil {
		t.Error("second delete accepted")
	}
	if _, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: 7, Action: models.ChatActionTyping}); err != nil {
		t.Fatal(err)
	}
	methods := []string{}
	for _, s := range srv.SentTo(7) {
		methods = append(methods, s.Method)
	}
	if strings.Join(methods, ",") != "sendMessage,editMessageText,editMessageReplyMarkup" {
		t.Errorf("recorded methods %v", methods)
	}
}

func TestCommandsPerLanguage(t *testing.T) {
	srv := newFake(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{LanguageCode: "vi",
		Commands: []models.BotCommand{{Command: "start", Description: "Bắt đầu"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Start", Description: "x"}}}); err == nil {
		t.Error("uppercase command accepted")
	}
	got, err := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{LanguageCode: "vi"})
	if err != nil || len(got) != 1 || got[0].Description != "Bắt đầu" {
		t.Fatalf("getMyCommands: %+v %v", got, err)
	}
	if c := srv.Commands("vi"); len(c) != 1 || c[0].Command != "start" {
		t.Errorf("Commands(vi) = %+v", c)
	}
	if c := srv.Commands("en"); len(c) != 0 {
		t.Errorf("Commands(en) = %+v", c)
	}
}

// The fake must understand every body encoding Telegram accepts.
func TestBodyEncodingsAndRouting(t *testing.T) {
	srv := newFake(t)
	base := srv.URL() + "/bot" + srv.Token()
	post := func(url, ctype, body string) (int, map[string]any) {
		resp, err := http.Post(url, ctype, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var out map[string]any
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s: not JSON: %s", url, raw)
		}
		return resp.StatusCode, out
	}
	code, _ := post(base+"/sendMessage", "application/json", `{"chat_id":3,"text":"json","reply_markup":{"inline_keyboard":[[{"text":"a","callback_data":"a"}]]}}`)
	if code != 200 {
		t.Errorf("json body: %d", code)
	}
	form := url.Values{"chat_id": {"3"}, "text": {"form"}}
	code, _ = post(base+"/SENDMESSAGE", "application/x-www-form-urlencoded", form.Encode())
	if code != 200 {
		t.Errorf("urlencoded body, upper-case method: %d", code)
	}
	code, out := post(srv.URL()+"/bot1:wrong/sendMessage", "application/json", `{}`)
	if code != 401 || out["description"] != "Unauthorized" {
		t.Errorf("wrong token: %d %v", code, out)
	}
	code, out = post(base+"/sendTelepathy", "application/json", `{}`)
	if code != 404 || out["description"] != "Not Found" {
		t.Errorf("unknown method: %d %v", code, out)
	}
	code, out = post(base+"/sendMessage", "application/json", `{"chat_id":3,"text":"x","reply_markup":"{bad"}`)
	if code != 400 || !strings.Contains(out["description"].(string), "reply keyboard markup") {
		t.Errorf("bad markup: %d %v", code, out)
	}
	code, _ = post(base+"/sendMessage", "application/json", `not json`)
	if code != 400 {
		t.Errorf("bad json: %d", code)
	}
	if got := srv.SentTo(3); len(got) != 2 || got[0].Buttons()[0].CallbackData != "a" {
		t.Errorf("recorded %+v", got)
	}
}

func TestGetMeLikeTelegram(t *testing.T) {
	srv := newFake(t, WithToken("777:abc"), WithBotUsername("loa_hanoi_bot"))
	b, err := bot.New(srv.Token(), bot.WithServerURL(srv.URL())) // calls getMe
	if err != nil {
		t.Fatal(err)
	}
	me, err := b.GetMe(testCtx(t))
	if err != nil || me.ID != 777 || !me.IsBot || me.Username != "loa_hanoi_bot" {
		t.Fatalf("getMe: %+v %v", me, err)
	}
	if _, err := bot.New("777:wrong", bot.WithServerURL(srv.URL())); err == nil {
		t.Error("wrong token accepted")
	}
}
