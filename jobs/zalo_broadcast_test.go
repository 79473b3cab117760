package jobs

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/zalo"
	"github.com/loa-vn/loa/bot/zalofake"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// zaloLane adds the real Zalo channel, against a fake Zalo Bot API, to the
// env's engine: the wiring line the worker has.
func (v *env) zaloLane(rate int, opts ...zalofake.Option) *zalofake.Server {
	v.t.Helper()
	fake := zalofake.New(opts...)
	v.t.Cleanup(fake.Close)
	c, err := zalo.NewClient(fake.Token(), fake.URL(), zalo.WithLogger(testLog()))
	if err != nil {
		v.t.Fatal(err)
	}
	v.e.AddChannel(zalo.NewChannel(c, zalo.WithTokenPause(300*time.Millisecond)), rate)
	return fake
}

// zaloSubscribers adds n active Zalo subscribers (external ids <prefix>1 …
// <prefix>n, every tenth English) in the given localities.
func (v *env) zaloSubscribers(n int, prefix string, locs ...int64) {
	v.t.Helper()
	if _, _, err := v.st.GenerateSubscribers(v.ctx, store.Generated{N: n, EnglishPct: 10, Prefix: prefix,
		Channel: zalo.Name, Localities: locs}); err != nil {
		v.t.Fatal(err)
	}
}

// zaloDuplicates counts chats the fake Zalo reached more often than parts.
func zaloReached(fake *zalofake.Server, parts int) (chats, twice int) {
	per := map[string]int{}
	for _, s := range fake.Sent() {
		per[s.ChatID]++
	}
	for _, n := range per {
		if n > parts {
			twice++
		}
	}
	return len(per), twice
}

// A broadcast to one ward reaches its Telegram and its Zalo subscribers,
// each once, in their language and within each channel's limit: Telegram
// gets its HTML in one message, Zalo plain text with the link written out,
// split at the paragraph under 2000 characters. Residents of other wards
// get nothing.
func TestWardBroadcastReachesTelegramAndZalo(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{seeded: true})
	zf := v.zaloLane(0)
	hk, err := v.st.LocalityByCode(v.ctx, "phuong-hoan-kiem")
	if err != nil {
		t.Fatal(err)
	}
	other, err := v.st.LocalityByCode(v.ctx, "phuong-ba-dinh")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := v.st.GenerateSubscribers(v.ctx, store.Generated{N: 40, ChatIDBase: 1_000_000, EnglishPct: 10, Localities: []int64{hk.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := v.st.GenerateSubscribers(v.ctx, store.Generated{N: 15, ChatIDBase: 2_000_000, Prefix: "o", Localities: []int64{other.ID}}); err != nil {
		t.Fatal(err)
	}
	v.zaloSubscribers(30, "z", hk.ID)
	v.zaloSubscribers(12, "zo", other.ID)

	para := strings.Repeat("Người dân phường Hoàn Kiếm cài VNeID mức 2 để làm thủ tục. ", 20) // ~1200 characters
	spec := testSpec(messages.Audience{Localities: []string{"phuong-hoan-kiem"}})
	spec.Content = messages.Content{Split: true, Variants: map[string]messages.Variant{
		"vi": {Text: "<b>Chào {name}!</b> " + para + "\n\n" + para + ` Xem <a href="https://dichvucong.gov.vn">Cổng dịch vụ công</a>.`},
		"en": {Text: "<b>Hello {name}!</b> Install VNeID level 2."}}}
	b, err := v.st.CreateBroadcast(v.ctx, store.NewBroadcast{Spec: spec, Approved: true}, store.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	v.worker(v.e, 4)
	run := v.startRunOf(b.ID, time.Now())
	r := v.waitStatus(run, store.RunDone, 60*time.Second)
	if r.Total != 70 {
		t.Errorf("total %d, want 40 Telegram + 30 Zalo in the ward", r.Total)
	}
	if v.tg.Count() != 40 || v.tg.Duplicates() != 0 {
		t.Errorf("telegram: %d sends, %d twice; want 40 once each", v.tg.Count(), v.tg.Duplicates())
	}
	// 27 Vietnamese residents get two parts, 3 English ones one
	if chats, twice := zaloReached(zf, 2); chats != 30 || twice != 0 || zf.Count() != 27*2+3 {
		t.Errorf("zalo: %d chats, %d over-sent, %d sends; want 30 chats, 57 sends", chats, twice, zf.Count())
	}
	vi := zf.SentTo("z1")
	if len(vi) != 2 {
		t.Fatalf("z1 (Vietnamese) got %d parts", len(vi))
	}
	for _, p := range vi {
		if n := len([]rune(p.Text)); n > zalo.MaxTextLen || strings.ContainsAny(p.Text, "<>") {
			t.Errorf("a Zalo part of %d characters: %q…", n, p.Text[:40])
		}
	}
	if !strings.HasPrefix(vi[0].Text, "Chào Dân 1!") || !strings.HasSuffix(vi[1].Text, "Cổng dịch vụ công (https://dichvucong.gov.vn).") {
		t.Errorf("z1 got %q … %q", vi[0].Text[:20], vi[1].Text[len(vi[1].Text)-60:])
	}
	if en := zf.SentTo("z10"); len(en) != 1 || en[0].Text != "Hello Dân 10! Install VNeID level 2." {
		t.Errorf("z10 (English) got %+v", en)
	}
	if zf.CountTo("zo1") != 0 {
		t.Error("a Zalo resident of another ward got the broadcast")
	}
	p, err := v.st.RunProgress(v.ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if p.ByChannel["telegram"][store.DeliverySent] != 40 || p.ByChannel[zalo.Name][store.DeliverySent] != 30 {
		t.Errorf("progress by channel %v", p.ByChannel)
	}
}

// Zalo's limit is known to validation once the channel exists: a text too
// long for one Zalo message, without split, is refused naming Zalo.
func TestValidationNamesZalosLimit(t *testing.T) {
	zalo.RegisterLimits()
	c := messages.Content{Variants: map[string]messages.Variant{"vi": {Text: strings.Repeat("a", 2500)}}}
	err := c.ValidateFor(messages.LimitsFor([]string{"telegram", zalo.Name})...)
	if err == nil || !strings.Contains(err.Error(), "zalo") {
		t.Errorf("2500 characters for Telegram and Zalo: %v, want Zalo's limit named", err)
	}
	if err := c.ValidateFor(messages.LimitsFor([]string{"telegram"})...); err != nil {
		t.Errorf("2500 characters for Telegram alone: %v", err)
	}
}

// A Zalo 429 storm pauses Zalo's senders only: every Telegram resident
// gets the message while Zalo waits, and Telegram's limiter is never
// paused. When the storm ends, Zalo finishes, nobody twice.
func TestZaloQuotaStormSlowsZaloOnly(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{withMetrics: true})
	zf := v.zaloLane(0)
	storm := make(chan struct{})
	zf.SetFault(func(method, chatID string) *zalofake.Fault {
		select {
		case <-storm:
			return nil
		default:
		}
		if method == "sendMessage" {
			f := zalofake.QuotaExceeded()
			return &f
		}
		return nil
	})
	v.subscribers(200)
	v.zaloSubscribers(100, "z")
	v.worker(v.e, 4)
	run := v.startRun()
	deadline := time.Now().Add(60 * time.Second)
	// the storm is on (Zalo has answered 429 twice: the senders backed off
	// and came back) and Telegram has sent to everyone meanwhile
	for v.tg.Count() < 200 || zf.TooManyCount() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("telegram at %d of 200, zalo refused %d, during the Zalo storm", v.tg.Count(), zf.TooManyCount())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if v.e.Limiter("telegram").Paused(v.ctx) {
		t.Error("Telegram's senders are paused by Zalo's 429s")
	}
	if zf.Count() != 0 {
		t.Errorf("during the storm Zalo accepted %d", zf.Count())
	}
	if p, _ := v.st.RunProgress(v.ctx, run); p.ByChannel[zalo.Name][store.DeliveryFailed] != 0 {
		t.Errorf("429s marked Zalo residents failed: %v", p.ByChannel[zalo.Name])
	}
	close(storm)
	v.waitStatus(run, store.RunDone, 90*time.Second)
	if chats, twice := zaloReached(zf, 1); chats != 100 || twice != 0 {
		t.Errorf("after the storm Zalo reached %d chats, %d twice", chats, twice)
	}
	if got := v.progress(run); got[store.DeliverySent] != 300 {
		t.Errorf("counts %v, want 300 sent", got)
	}
}

// A refused token (401) stops Zalo without marking anyone: the channel
// pauses, no row is failed or blocked, Telegram goes on; once the token
// works again (the fake refuses only once) the run finishes.
func TestZaloTokenRefusedPausesZaloWithoutMarkingRecipients(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	zf := v.zaloLane(0)
	var refused atomic.Int32
	zf.SetFault(func(method, chatID string) *zalofake.Fault {
		if method == "sendMessage" && refused.Add(1) == 1 {
			f := zalofake.Unauthorized()
			return &f
		}
		return nil
	})
	v.subscribers(20)
	v.zaloSubscribers(10, "z")
	v.worker(v.e, 2)
	run := v.startRun()
	v.waitStatus(run, store.RunDone, 90*time.Second)
	if got := v.progress(run); got[store.DeliverySent] != 30 {
		t.Errorf("counts %v, want 30 sent", got)
	}
	if chats, twice := zaloReached(zf, 1); chats != 10 || twice != 0 || refused.Load() < 2 {
		t.Errorf("zalo reached %d chats, %d twice (after %d calls, one refused)", chats, twice, refused.Load())
	}
}
