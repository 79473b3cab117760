package tgfake

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// syncBuffer is an io.Writer the test can read while Chat writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) waitFor(t *testing.T, want string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(s.String(), want) {
			return
		}
	}
	t.Fatalf("output never showed %q; got:\n%s", want, s.String())
}

// startEchoBot runs a tiny bot against srv: /start offers a language
// keyboard, a press confirms it, anything else is echoed in HTML.
func startEchoBot(t *testing.T, srv *Server) {
	b := newClient(t, srv, bot.WithHTTPClient(3*time.Second, &http.Client{Timeout: 5 * time.Second}),
		bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) {
			if u.Message == nil {
				return
			}
			if c := u.Message.Contact; c != nil {
				_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID,
					Text: "phone " + c.PhoneNumber + " of " + strconv.FormatInt(c.UserID, 10)})
				return
			}
			_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, ParseMode: models.ParseModeHTML,
				Text: "<b>echo</b>: " + html.EscapeString(u.Message.Text)})
		}))
	b.RegisterHandler(bot.HandlerTypeMessageText, "start", bot.MatchTypeCommand, func(ctx context.Context, b *bot.Bot, u *models.Update) {
		_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "Chọn ngôn ngữ / Choose language",
			ReplyMarkup: kb([]models.InlineKeyboardButton{{Text: "Tiếng Việt", CallbackData: "lang:vi"}, {Text: "English", CallbackData: "lang:en"}})})
	})
	b.RegisterHandler(bot.HandlerTypeCallbackQueryData, "lang:", bot.MatchTypePrefix, func(ctx context.Context, b *bot.Bot, u *models.Update) {
		_, _ = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: u.CallbackQuery.ID})
		_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.CallbackQuery.Message.Message.Chat.ID,
			Text: "chosen " + strings.TrimPrefix(u.CallbackQuery.Data, "lang:") + " &amp; saved", ParseMode: models.ParseModeHTML})
	})
	startPolling(t, b)
}

func listenSandbox(t *testing.T) *Server {
	srv, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func TestChatLoopAgainstEchoBot(t *testing.T) {
	srv := listenSandbox(t)
	startEchoBot(t, srv)
	in, typer := io.Pipe()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- Chat(testCtx(t), NewClient(srv.URL()), lan, in, out) }()
	out.waitFor(t, "/quit leaves")

	io.WriteString(typer, "/start\n")
	out.waitFor(t, "[1] Tiếng Việt  [2] English")
	io.WriteString(typer, "2\n")
	out.waitFor(t, "chosen en & saved")
	io.WriteString(typer, "<i>xin chào</i>\n")
	out.waitFor(t, "echo: <i>xin chào</i>")
	io.WriteString(typer, "/contact +84901234567\n")
	out.waitFor(t, "phone +84901234567 of 1001")
	io.WriteString(typer, "/quit\n")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Chat did not exit on /quit")
	}
	if strings.Contains(out.String(), "<b>") {
		t.Errorf("HTML tags leaked into the terminal:\n%s", out)
	}
}

// Piped input (echo hi | loa chat) still shows the answer before exiting.
func TestChatLoopEOFDrains(t *testing.T) {
	srv := listenSandbox(t)
	startEchoBot(t, srv)
	out := &syncBuffer{}
	if err := Chat(testCtx(t), NewClient(srv.URL()), minh, strings.NewReader("hello\n"), out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "echo: hello") {
		t.Errorf("output:\n%s", out)
	}
}

func TestSandboxAPI(t *testing.T) {
	srv := listenSandbox(t)
	c := NewClient(srv.URL())
	ctx := testCtx(t)
	if _, err := c.Contact(ctx, lan, "+84912345678"); err != nil {
		t.Fatal(err)
	}
	var ups []models.Update
	if err := callJSON(ctx, srv, "getUpdates", nil, &ups); err != nil || len(ups) != 1 || ups[0].Message.Contact.PhoneNumber != "+84912345678" {
		t.Fatalf("contact update: %+v %v", ups, err)
	}
	_, cursor, err := c.Messages(ctx, lan.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		_ = callJSON(context.Background(), srv, "sendMessage", map[string]any{"chat_id": lan.ID, "text": "Cảm ơn!"}, nil)
	}()
	msgs, next, err := c.Messages(ctx, lan.ID, cursor, 5*time.Second)
	if err != nil || len(msgs) != 1 || msgs[0].Text != "Cảm ơn!" || next <= cursor {
		t.Fatalf("messages: %+v next=%d %v", msgs, next, err)
	}
	if _, err := c.Send(ctx, User{}, "no user"); err == nil {
		t.Error("send without user accepted")
	}
}
