package conv

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics counts what the bot does, for /metrics.
type metrics struct {
	updates   *prometheus.CounterVec // by channel and kind: message, choice, member, flood
	questions *prometheus.CounterVec // by channel and outcome: answered, suggested, fallback
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "loa_bot_updates_total",
			Help: "Updates handled by the resident bot, by channel and kind."}, []string{"channel", "kind"}),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "loa_bot_questions_total",
			Help: "Questions residents asked, by channel and FAQ outcome."}, []string{"channel", "outcome"}),
	}
	if reg != nil {
		m.updates = register(reg, m.updates)
		m.questions = register(reg, m.questions)
	}
	return m
}

// register reuses a collector already registered (the web and bot
// processes of `loa dev` share one registry).
func register(reg prometheus.Registerer, c *prometheus.CounterVec) *prometheus.CounterVec {
	err := reg.Register(c)
	var already prometheus.AlreadyRegisteredError
	if errors.As(err, &already) {
		if existing, ok := already.ExistingCollector.(*prometheus.CounterVec); ok {
			return existing
		}
	}
	return c
}
