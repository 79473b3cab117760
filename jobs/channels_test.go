package jobs

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/bot/testchan"
	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// testchanSubscribers adds n active subscribers on the test channel; their
// external ids are t1 … tn.
func (v *env) testchanSubscribers(n int) {
	v.t.Helper()
	if _, _, err := v.st.GenerateSubscribers(v.ctx, store.Generated{N: n, EnglishPct: 10, Prefix: "t", Channel: testchan.Name}); err != nil {
		v.t.Fatal(err)
	}
}

// A second channel, added with one line, receives a broadcast end to end:
// the freeze puts its residents in batches of their own, its sender gets
// the content rendered for it, and the records and report say which
// channel each delivery went out on.
func TestSecondChannelReceivesABroadcast(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	tc := testchan.New()
	v.e.AddChannel(tc, 0) // the wiring line
	v.subscribers(230)
	v.testchanSubscribers(170)
	v.worker(v.e, 4)
	run := v.startRun()
	r := v.waitStatus(run, store.RunDone, 60*time.Second)
	if r.Total != 400 || r.Batches != 3+2 {
		t.Errorf("total %d batches %d, want 400 in 3 telegram + 2 testchan batches", r.Total, r.Batches)
	}
	if v.tg.Count() != 230 || v.tg.Duplicates() != 0 || tc.Count() != 170 || tc.Recipients() != 170 {
		t.Errorf("telegram got %d (%d twice), testchan %d parts to %d", v.tg.Count(), v.tg.Duplicates(), tc.Count(), tc.Recipients())
	}
	// plain text, personalised, the button written out
	if got := tc.SentTo("t11"); len(got) != 1 || got[0].Text != "Chào Dân 11! Thông báo thử.\n\nXem: https://dichvucong.gov.vn" || got[0].ButtonURL != "" {
		t.Errorf("t11 got %+v", got)
	}
	if got := tc.SentTo("t10"); len(got) != 1 || got[0].Text != "Hello Dân 10! A test notice." {
		t.Errorf("t10 (English) got %+v", got)
	}
	p, err := v.st.RunProgress(v.ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if p.ByChannel["telegram"][store.DeliverySent] != 230 || p.ByChannel[testchan.Name][store.DeliverySent] != 170 {
		t.Errorf("progress by channel %v", p.ByChannel)
	}
	var csv bytes.Buffer
	if err := v.st.WriteReportCSV(v.ctx, run, &csv); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(csv.String(), ",testchan\n"); n != 170 {
		t.Errorf("report has %d testchan lines", n)
	}
}

// A 429 on Telegram pauses Telegram's senders only: the second channel's
// residents all get the message while Telegram waits out a long retry_after.
func TestTooManyRequestsOnOneChannelDoesNotPauseAnother(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	tc := testchan.New()
	v.e.AddChannel(tc, 0)
	v.subscribers(50)
	v.testchanSubscribers(150)
	v.tg.SetFault(func(method string, chat int64) *tgfake.Fault {
		f := tgfake.TooManyRequests(600) // ten minutes: nothing more goes out on Telegram in this test
		return &f
	})
	v.worker(v.e, 4)
	run := v.startRun()
	deadline := time.Now().Add(60 * time.Second)
	for tc.Count() < 150 || v.tg.TooManyCount() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("testchan got %d of 150, telegram answered %d 429s", tc.Count(), v.tg.TooManyCount())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !v.e.Limiter("telegram").Paused(v.ctx) {
		t.Error("telegram's senders are not paused after its 429")
	}
	if v.e.Limiter(testchan.Name).Paused(v.ctx) {
		t.Error("telegram's 429 paused testchan")
	}
	// The fake counts a send before the worker records it: wait for the
	// records, then require exactly testchan's 150 and none of Telegram's.
	got := v.progress(run)
	for got[store.DeliverySent] < 150 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		got = v.progress(run)
	}
	if got[store.DeliverySent] != 150 {
		t.Errorf("counts %v, want testchan's 150 sent", got)
	}
	if _, err := v.e.Cancel(v.ctx, run, store.CLIActor); err != nil {
		t.Fatal(err)
	}
}

// A worker without a sender for a batch's channel leaves the batch alone:
// its rows stay pending (not failed, not lost) and the task errs, to be
// retried where the channel is; the rest of the run goes out.
func TestBatchOfAnUnknownChannelStaysPending(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	v.subscribers(40)
	v.testchanSubscribers(30)
	run, err := v.st.CreateRun(v.ctx, v.broadcast(messages.Audience{}), time.Now(), store.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.st.FreezeAudience(v.ctx, run, 100)
	if err != nil || len(p.Channels) != 2 {
		t.Fatalf("plan %+v %v", p, err)
	}
	for _, c := range p.Channels {
		task, _ := NewSendBatchTask(run, c.First, c.Channel, time.Minute, SendTaskID(run, c.First))
		err := v.e.HandleSendBatchTask(v.ctx, task)
		switch c.Channel {
		case testchan.Name:
			if !errors.Is(err, errNoChannel) || !strings.Contains(err.Error(), testchan.Name) {
				t.Errorf("testchan batch without its sender: %v", err)
			}
		default:
			if err != nil {
				t.Errorf("telegram batch: %v", err)
			}
		}
	}
	pr, _ := v.st.RunProgress(v.ctx, run)
	if pr.ByChannel[testchan.Name][store.DeliveryPending] != 30 || pr.ByChannel["telegram"][store.DeliverySent] != 40 {
		t.Errorf("by channel %v", pr.ByChannel)
	}
	// the same batch on a worker that has the channel goes out
	tc := testchan.New()
	v.e.AddChannel(tc, 0)
	for _, c := range p.Channels {
		if c.Channel == testchan.Name {
			task, _ := NewSendBatchTask(run, c.First, c.Channel, time.Minute, SendTaskID(run, c.First))
			if err := v.e.HandleSendBatchTask(v.ctx, task); err != nil {
				t.Fatal(err)
			}
		}
	}
	if tc.Count() != 30 {
		t.Errorf("testchan got %d", tc.Count())
	}
	if r, _ := v.st.RunByID(v.ctx, run); r.Status != store.RunDone {
		t.Errorf("run %s", r.Status)
	}
}

// A second channel's outcomes are acted on like Telegram's: blocked marks,
// failed records, transient retries.
func TestChannelOutcomesAreActedOn(t *testing.T) {
	t.Parallel()
	v := newEnv(t, envOpts{})
	tc := testchan.New()
	v.e.AddChannel(tc, 0)
	v.testchanSubscribers(5)
	tc.FailNext("t2", channel.Outcome{Kind: channel.Blocked, Reason: "cannot reach"})
	tc.FailNext("t3", channel.Outcome{Kind: channel.Failed, Reason: "refused"})
	tc.FailNext("t4", channel.Outcome{Kind: channel.Transient, Reason: "502"})
	v.worker(v.e, 2)
	run := v.startRun()
	v.waitStatus(run, store.RunDone, 30*time.Second)
	got := v.progress(run)
	if got[store.DeliverySent] != 3 || got[store.DeliveryBlocked] != 1 || got[store.DeliveryFailed] != 1 {
		t.Errorf("counts %v", got)
	}
}
