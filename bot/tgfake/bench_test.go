package tgfake

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot"
)

// BenchmarkSendMessage: parallel HTTP clients hammering sendMessage on a
// non-recording fake over loopback, the shape of a broadcast load test.
func BenchmarkSendMessage(b *testing.B) {
	srv := New(WithoutRecording())
	defer srv.Close()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512}}
	endpoint := srv.URL() + "/bot" + srv.Token() + "/sendMessage"
	var chat atomic.Int64
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := url.Values{"chat_id": {strconv.FormatInt(chat.Add(1)%50000+1, 10)},
				"text": {"<b>Thông báo</b>: cúp nước phường Hàng Bạc"}, "parse_mode": {"HTML"}}.Encode()
			resp, err := hc.Post(endpoint, "application/x-www-form-urlencoded", strings.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "sends/s")
	if srv.Count() != b.N {
		b.Fatalf("count %d != %d", srv.Count(), b.N)
	}
}

// BenchmarkSendMessageGoTelegram is the same through go-telegram/bot
// (multipart bodies), i.e. what Loa's own load tests will see.
func BenchmarkSendMessageGoTelegram(b *testing.B) {
	srv := New(WithoutRecording())
	defer srv.Close()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512}}
	tb, err := bot.New(srv.Token(), bot.WithServerURL(srv.URL()), bot.WithSkipGetMe(), bot.WithHTTPClient(time.Minute, hc))
	if err != nil {
		b.Fatal(err)
	}
	var chat atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, err := tb.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chat.Add(1)%50000 + 1, Text: "Thông báo"})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "sends/s")
}

// BenchmarkSendMessageHandler skips the network: the fake's own cost per
// send, and proof that memory stays flat with recording off
// (go test -bench Handler -benchtime 1000000x).
func BenchmarkSendMessageHandler(b *testing.B) {
	srv := newServer([]Option{WithoutRecording()})
	path := "/bot" + srv.Token() + "/sendMessage"
	var chat atomic.Int64
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := "chat_id=" + strconv.FormatInt(chat.Add(1)%10000+1, 10) + "&text=tin+nhan"
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
	b.StopTimer()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "heapMB")
}
