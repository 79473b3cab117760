package jobs

import (
	"context"
	"strconv"
	"strings"
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

// Metrics records the engine's counters in Redis. A nil *Metrics records
// nothing (tests, benchmarks). Recording is best effort: a Redis hiccup
// loses a count, never a send.
type Metrics struct{ rdb *redis.Client }

// NewMetrics records into rdb.
func NewMetrics(rdb *redis.Client) *Metrics { return &Metrics{rdb: rdb} }

func (m *Metrics) incr(field string, by float64) {
	if m == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	m.rdb.HIncrByFloat(ctx, keyMetrics, field, by)
}

func (m *Metrics) outcome(name string, n int) {
	if n > 0 {
		m.incr("messages:"+name, float64(n))
	}
}

func (m *Metrics) observeWait(d time.Duration) {
	if m == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	p := m.rdb.Pipeline()
	p.HIncrByFloat(ctx, keyMetrics, "waits", 1)
	p.HIncrByFloat(ctx, keyMetrics, "wait_seconds", d.Seconds())
	p.Exec(ctx)
}

func (m *Metrics) tooManyRequests() { m.incr("429", 1) }

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
		tooMany:  d("loa_broadcast_telegram_429_total", "429 Too Many Requests answers from Telegram."),
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
		for k, v := range h {
			f, _ := strconv.ParseFloat(v, 64)
			switch {
			case strings.HasPrefix(k, "messages:"):
				ch <- prometheus.MustNewConstMetric(c.messages, prometheus.CounterValue, f, strings.TrimPrefix(k, "messages:"))
			case k == "waits":
				ch <- prometheus.MustNewConstMetric(c.waits, prometheus.CounterValue, f)
			case k == "wait_seconds":
				ch <- prometheus.MustNewConstMetric(c.waitSecs, prometheus.CounterValue, f)
			case k == "429":
				ch <- prometheus.MustNewConstMetric(c.tooMany, prometheus.CounterValue, f)
			}
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
