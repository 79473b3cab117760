package tgfake

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// collector records updates a bot handler saw, in arrival order.
type collector struct {
	mu  sync.Mutex
	got []*models.Update
	ch  chan struct{}
}

func newCollector() *collector { return &collector{ch: make(chan struct{}, 1000)} }

func (c *collector) handle(_ context.Context, _ *bot.Bot, u *models.Update) {
	c.mu.Lock()
	c.got = append(c.got, u)
	c.mu.Unlock()
	c.ch <- struct{}{}
}

func (c *collector) wait(t *testing.T, n int) []*models.Update {
	t.Helper()
	for i := 0; i < n; i++ {
		select {
		case <-c.ch:
		case <-time.After(5 * time.Second):
			t.Fatalf("only %d of %d updates arrived", i, n)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*models.Update(nil), c.got...)
}

func startPolling(t *testing.T, b *bot.Bot) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Start(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func pollingBot(t *testing.T, srv *Server, opts ...bot.Option) *bot.Bot {
	opts = append(opts, bot.WithNotAsyncHandlers(), // keep handler order deterministic
		bot.WithHTTPClient(3*time.Second, &http.Client{Timeout: 5 * time.Second}))
	return newClient(t, srv, opts...)
}

func TestLongPollingDeliversInOrderAndCommandFires(t *testing.T) {
	srv := newFake(t)
	col := newCollector()
	b := pollingBot(t, srv, bot.WithDefaultHandler(col.handle))
	started := make(chan int64, 1)
	b.RegisterHandler(bot.HandlerTypeMessageText, "start", bot.MatchTypeCommand, func(ctx context.Context, b *bot.Bot, u *models.Update) {
		started <- u.Message.Chat.ID
		_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "Xin chào!"})
	})
	startPolling(t, b)

	srv.SendText(lan, "/start ref_campaign42") // a deep link arrives like this
	select {
	case id := <-started:
		if id != lan.ID {
			t.Errorf("start from chat %d", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("command handler did not fire")
	}
	got, err := srv.WaitSent(testCtx(t), lan.ID, 1)
	if err != nil || got[0].Text != "Xin chào!" {
		t.Fatalf("reply: %+v %v", got, err)
	}

	srv.SendText(minh, "/help@loa_fake_bot now")
	srv.SendText(minh, "one")
	srv.SendSticker(minh, "👍")
	srv.SendPhoto(minh, "ảnh")
	srv.SendVoice(minh, 3)
	srv.SendContact(minh, "+84901234567")
	srv.BlockBot(minh)
	ups := col.wait(t, 7)
	// Telegram counts @botname into the entity; note go-telegram/bot's
	// MatchTypeCommand then does not match "help" (it compares "help@loa_fake_bot").
	if e := ups[0].Message.Entities; len(e) != 1 || e[0].Type != models.MessageEntityTypeBotCommand || e[0].Length != len("/help@loa_fake_bot") {
		t.Errorf("command entity: %+v", e)
	}
	ups = ups[1:]
	if ups[0].Message.Text != "one" || ups[1].Message.Sticker == nil || len(ups[2].Message.Photo) == 0 ||
		ups[3].Message.Voice == nil || ups[4].Message.Contact.UserID != minh.ID {
		t.Errorf("messages out of order or malformed")
	}
	mcm := ups[5].MyChatMember
	if mcm == nil || mcm.NewChatMember.Type != models.ChatMemberTypeBanned || mcm.OldChatMember.Type != models.ChatMemberTypeMember {
		t.Errorf("my_chat_member: %+v", mcm)
	}
	for i := 1; i < len(ups); i++ {
		if ups[i].ID != ups[i-1].ID+1 {
			t.Errorf("update ids not sequential: %d after %d", ups[i].ID, ups[i-1].ID)
		}
	}
	if ups[0].Message.From.LanguageCode != "en" {
		t.Errorf("language code lost")
	}
}

func TestPressButtonAndAnswer(t *testing.T) {
	srv := newFake(t)
	b := pollingBot(t, srv)
	answered := make(chan string, 1)
	b.RegisterHandler(bot.HandlerTypeCallbackQueryData, "lang:", bot.MatchTypePrefix, func(ctx context.Context, b *bot.Bot, u *models.Update) {
		cq := u.CallbackQuery
		if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID, Text: "OK"}); err != nil {
			t.Error(err)
		}
		answered <- cq.Data + "|" + cq.Message.Message.Text
	})
	startPolling(t, b)
	ctx := testCtx(t)
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: lan.ID, Text: "Chọn ngôn ngữ",
		ReplyMarkup: kb([]models.InlineKeyboardButton{{Text: "English", CallbackData: "lang:en"}})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.PressLabel(lan, srv.SentTo(lan.ID)[0], "English"); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-answered:
		if got != "lang:en|Chọn ngôn ngữ" {
			t.Errorf("callback: %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("callback handler did not fire")
	}
	if a := srv.CallbackAnswers(); len(a) != 1 || a[0].Text != "OK" {
		t.Errorf("answers: %+v", a)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: "nope"}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("unknown query id: %v", err)
	}
}

// getUpdates semantics straight from the spec: offset confirms, timeout waits.
func TestGetUpdatesOffsetAndTimeout(t *testing.T) {
	srv := newFake(t)
	ctx := testCtx(t)
	var ups []models.Update
	call := func(params map[string]any) {
		ups = nil
		if err := callJSON(ctx, srv, "getUpdates", params, &ups); err != nil {
			t.Fatal(err)
		}
	}
	a := srv.SendText(lan, "a")
	srv.SendText(lan, "b")
	call(map[string]any{"offset": 0})
	if len(ups) != 2 || int(ups[0].ID) != a {
		t.Fatalf("first poll: %+v", ups)
	}
	call(map[string]any{"offset": a + 1})
	if len(ups) != 1 || ups[0].Message.Text != "b" {
		t.Fatalf("after confirm: %+v", ups)
	}
	call(map[string]any{"offset": a})
	if len(ups) != 1 {
		t.Fatalf("confirmed update came back: %+v", ups)
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		srv.SendText(lan, "c")
	}()
	// the long poll returns the update that arrives while it waits (an upper
	// bound on how soon would be a timing assertion: the content is the proof)
	call(map[string]any{"offset": a + 2, "timeout": 5})
	if len(ups) != 1 || ups[0].Message.Text != "c" {
		t.Fatalf("long poll: %+v", ups)
	}
	// a lower bound cannot flake on a busy machine: an empty poll waits its timeout
	start := time.Now()
	call(map[string]any{"offset": a + 3, "timeout": 1})
	if len(ups) != 0 || time.Since(start) < 900*time.Millisecond {
		t.Fatalf("empty long poll: %+v after %v", ups, time.Since(start))
	}
}
