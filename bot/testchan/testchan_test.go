package testchan_test

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/l10n"
	"github.com/loa-vn/loa/bot/testchan"
	"github.com/loa-vn/loa/jobs"
	"github.com/loa-vn/loa/jobs/redistest"
	"github.com/loa-vn/loa/locales"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

// A channel that is neither Telegram nor Zalo joins Loa with its own
// package and one line of wiring on each side (engine.AddChannel for
// broadcasts, Bot.Handle with its Chat for conversations): a resident on it
// asks a question, subscribes by a former ward's name, picks English from
// numbered choices, and receives the ward's broadcast in English, in plain
// text within the channel's limits.
func TestSecondChannelAnswersAQuestionAndReceivesABroadcast(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st := storetest.NewSeeded(t)
	ropt := redistest.New(t)
	rdb := redis.NewClient(ropt)
	defer rdb.Close()
	log := slog.New(slog.DiscardHandler)
	tc := testchan.New()

	// the conversation side
	kbs, err := faq.LoadFS(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := l10n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	eng := faq.NewEngine(kbs)
	bot := conv.New(conv.Config{}, conv.Deps{Store: st, FAQ: func() *faq.Engine { return eng }, Text: cat,
		Conv: conv.RedisConversations{R: rdb}, Key: []byte("test-key-test-key-test-key-test-key"), Log: log})
	chat := tc.Chat("r1")
	say := func(text string) string {
		before := len(tc.Replies("r1"))
		bot.Handle(ctx, conv.Message{Channel: testchan.Name, UserID: "r1", ChatID: "r1", Name: "Lan",
			LangCode: "vi", Kind: conv.KindText, Text: text}, chat) // the conversation's wiring line
		return strings.Join(tc.Replies("r1")[before:], "\n")
	}
	answer := say("ngay chuyen doi so quoc gia la ngay nao")
	if !strings.Contains(answer, "10/10") || !strings.Contains(answer, "Nguồn") || strings.Contains(answer, "<") {
		t.Fatalf("FAQ answer on the second channel: %q", answer)
	}
	say("subscribe")
	if got := say("hang bac"); !strings.Contains(got, "thuộc Phường Hoàn Kiếm") {
		t.Fatalf("subscribing by a former ward's name: %q", got)
	}
	// choices come numbered, and the resident answers with the number
	list := say("lang")
	n := regexp.MustCompile(`(?m)^(\d+)\. English`).FindStringSubmatch(list)
	if n == nil {
		t.Fatalf("no numbered choice for English in %q", list)
	}
	say(n[1])

	// the broadcast side
	e := jobs.NewEngine(st, rdb, jobs.AsynqRedisOpt(ropt), nil, log, jobs.Config{})
	defer e.Close()
	e.AddChannel(tc, 0) // the engine's wiring line
	srv := asynq.NewServer(jobs.AsynqRedisOpt(ropt), jobs.ServerConfig(2, log))
	mux := asynq.NewServeMux()
	e.Register(mux)
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	defer func() { e.Stop(); srv.Shutdown() }()
	spec := messages.CampaignSpec{Name: "ward notice",
		Content: messages.Content{Variants: map[string]messages.Variant{
			"vi": {Text: "<b>Chào {name}!</b> Phường mình có lớp <a href=\"https://dichvucong.gov.vn\">dịch vụ công</a>."},
			"en": {Text: "<b>Hello {name}!</b> Our ward has a <a href=\"https://dichvucong.gov.vn\">public services</a> class."}}},
		Audience: messages.Audience{Localities: []string{"phuong-hoan-kiem"}, Channels: []string{testchan.Name}}}
	if err := spec.Content.ValidateFor(tc.Limits()); err != nil {
		t.Fatal(err)
	}
	b, err := st.CreateBroadcast(ctx, store.NewBroadcast{Spec: spec, Approved: true}, store.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	run, err := st.CreateRun(ctx, b.ID, time.Now(), store.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.EnqueuePlan(ctx, run); err != nil {
		t.Fatal(err)
	}
	for r, _ := st.RunByID(ctx, run); r.Status != store.RunDone; r, _ = st.RunByID(ctx, run) {
		if ctx.Err() != nil {
			t.Fatalf("run %d still %s", run, r.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	got := tc.SentTo("r1")
	want := "Hello Lan! Our ward has a public services (https://dichvucong.gov.vn) class."
	if len(got) != 1 || got[0].Text != want {
		t.Fatalf("the resident got %+v, want one message %q", got, want)
	}
}
