package jobs

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/store"
)

// keyMetrics holds the fleet's broadcast counters. Workers, the scheduler
// and `loa web` are separate processes: workers add to this hash, and
// whichever process serves /metrics reads it at scrape time (Collector).
const keyMetrics = "loa:metrics:broadcast"

// Metrics keeps the engine's counters in process and adds them to Redis
// every flushEvery, one pipelined call for all of them: never a Redis call
// per message (measured: a synchronous HINCRBYFLOAT per wait was 16% of a
// capped worker's CPU, issue 13). A nil *Metrics records nothing (tests,
// benchmarks). Recording is best effort: a Redis hiccup keeps the counts
// for the next flush, a crash loses at most one interval of them.
type Metrics struct {
	rdb       *redis.Client
	mu        sync.Mutex
	pending   map[string]float64
	once      sync.Once
	closeOnce sync.Once
	running   atomic.Bool
	stop      chan struct{}
	done      chan struct{}
}

// flushEvery is how often counters reach Redis (and /metrics).
const flushEvery = time.Second

// NewMetrics records into rdb; Close flushes what is left.
func NewMetrics(rdb *redis.Client) *Metrics {
	return &Metrics{rdb: rdb, pending: map[string]float64{}, stop: make(chan struct{}), done: make(chan struct{})}
}

func (m *Metrics) add(field string, by float64) {
	if m == nil {
		return
	}
	m.once.Do(func() { m.running.Store(true); go m.loop() })
	m.mu.Lock()
	m.pending[field] += by
	m.mu.Unlock()
}

func (m *Metrics) loop() {
	defer close(m.done)
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			m.Flush(context.Background())
		}
	}
}

// Flush adds the counts kept since the last flush to the fleet's hash now.
func (m *Metrics) Flush(ctx context.Context) error {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	if len(m.pending) == 0 {
		m.mu.Unlock()
		return nil
	}
	batch := m.pending
	m.pending = map[string]float64{}
	m.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	p := m.rdb.Pipeline()
	for k, v := range batch {
		p.HIncrByFloat(ctx, keyMetrics, k, v)
	}
	if _, err := p.Exec(ctx); err != nil {
		m.mu.Lock() // keep them for the next flush
		for k, v := range batch {
			m.pending[k] += v
		}
		m.mu.Unlock()
		return fmt.Errorf("flush broadcast metrics: %w", err)
	}
	return nil
}

// Close stops the periodic flush and flushes what is left.
func (m *Metrics) Close() {
	if m == nil {
		return
	}
	m.closeOnce.Do(func() {
		m.once.Do(func() {}) // no loop after Close
		close(m.stop)
		if m.running.Load() {
			<-m.done
		}
		m.Flush(context.Background())
	})
}

func (m *Metrics) outcome(name string, n int) {
	if n > 0 {
		m.add("messages:"+name, float64(n))
	}
}

func (m *Metrics) observeWait(d time.Duration) {
	m.add("waits", 1)
	m.add("wait_seconds", d.Seconds())
}

// tooManyRequests counts a 429 (or a platform's "slow down") per channel,
// so an operator sees which platform is pushing back.
func (m *Metrics) tooManyRequests(channel string) { m.add("429:"+channel, 1) }

// Collector exposes the fleet's broadcast metrics: counters from Redis,
// queue depth from Asynq's inspector, run durations from PostgreSQL.
type Collector struct {
	rdb  *redis.Client
	insp *asynq.Inspector
	st   *store.Store

	messages, waits, waitSecs, tooMany, depth, active, runs *prometheus.Desc
}

// NewCollector reads what every worker recorded; register it on the
// registry that /metrics serves.
func NewCollector(rdb *redis.Client, insp *asynq.Inspector, st *store.Store) *Collector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return &Collector{rdb: rdb, insp: insp, st: st,
		messages: d("loa_broadcast_messages_total", "Broadcast deliveries by outcome (sent, blocked, failed, skipped, unknown, retry).", "outcome"),
		waits:    d("loa_broadcast_rate_limit_waits_total", "Sends that waited for the shared rate limit or a global 429 pause."),
		waitSecs: d("loa_broadcast_rate_limit_wait_seconds_total", "Time senders spent waiting for the rate limit or a 429 pause."),
		tooMany:  d("loa_broadcast_429_total", "429 Too Many Requests (or the platform's equivalent) answers, by channel.", "channel"),
		depth:    d("loa_broadcast_queue_depth", "Broadcast tasks waiting in Asynq (pending + scheduled + retry)."),
		active:   d("loa_broadcast_queue_active", "Broadcast tasks being processed."),
		runs:     d("loa_broadcast_run_duration_seconds", "Duration of finished runs (last 90 days)."),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.messages, c.waits, c.waitSecs, c.tooMany, c.depth, c.active, c.runs} {
		ch <- d
	}
}

// Collect implements prometheus.Collector; each source that fails is skipped.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if h, err := c.rdb.HGetAll(ctx, keyMetrics).Result(); err == nil {
		tooMany := map[string]float64{}
		for k, v := range h {
			f, _ := strconv.ParseFloat(v, 64)
			switch {
			case strings.HasPrefix(k, "messages:"):
				ch <- prometheus.MustNewConstMetric(c.messages, prometheus.CounterValue, f, strings.TrimPrefix(k, "messages:"))
			case k == "waits":
				ch <- prometheus.MustNewConstMetric(c.waits, prometheus.CounterValue, f)
			case k == "wait_seconds":
				ch <- prometheus.MustNewConstMetric(c.waitSecs, prometheus.CounterValue, f)
			case strings.HasPrefix(k, "429:"):
				tooMany[strings.TrimPrefix(k, "429:")] += f
			case k == "429": // counted before the channel label, when only Telegram sent
				tooMany["telegram"] += f
			}
		}
		for channel, f := range tooMany {
			ch <- prometheus.MustNewConstMetric(c.tooMany, prometheus.CounterValue, f, channel)
		}
	}
	if qi, err := c.insp.GetQueueInfo(Queue); err == nil {
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(qi.Pending+qi.Scheduled+qi.Retry))
		ch <- prometheus.MustNewConstMetric(c.active, prometheus.GaugeValue, float64(qi.Active))
	}
	if secs, err := c.st.RunDurations(ctx, 90*24*time.Hour); err == nil {
		ch <- runHistogram(c.runs, secs)
	}
}

var runBuckets = prometheus.ExponentialBuckets(1, 4, 10) // 1 s … 73 h

func runHistogram(d *prometheus.Desc, secs []float64) prometheus.Metric {
	counts := make(map[float64]uint64, len(runBuckets))
	var sum float64
	for _, s := range secs {
		sum += s
		for _, b := range runBuckets {
			if s <= b {
				counts[b]++
			}
		}
	}
	return prometheus.MustNewConstHistogram(d, uint64(len(secs)), sum, counts)
}
