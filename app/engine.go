package app

import (
	"context"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/bot/telegram"
	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/jobs"
)

// The broadcast engine as the worker, the scheduler and the command line
// share it.

// RegisterBroadcastMetrics puts the fleet's broadcast metrics (messages by
// outcome, rate-limit waits, 429s, queue depth, run durations; recorded in
// Redis by every worker) on a.Metrics(). The web process calls it so that
// `loa web` serves them at /metrics; worker and scheduler call it too.
func (a *App) RegisterBroadcastMetrics(ctx context.Context) error {
	var err error
	a.broadcastMetrics.Do(func() { err = a.registerBroadcastMetrics(ctx) })
	return err
}

func (a *App) registerBroadcastMetrics(ctx context.Context) error {
	st, rdb, err := a.connect(ctx)
	if err != nil {
		return err
	}
	insp := asynq.NewInspector(asynqOpt(a.RedisOptions()))
	a.OnClose(func() { insp.Close() })
	a.Metrics().MustRegister(jobs.NewCollector(rdb, insp, st))
	return nil
}

func asynqOpt(o *redis.Options) asynq.RedisClientOpt { return jobs.AsynqRedisOpt(o) }

// engine wires the broadcast engine from the configuration; withSender adds
// the channels it sends on, each at its own shared rate (workers only).
func (a *App) engine(ctx context.Context, withSender bool) (*jobs.Engine, error) {
	st, rdb, err := a.connect(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.RegisterBroadcastMetrics(ctx); err != nil {
		return nil, err
	}
	m := jobs.NewMetrics(rdb)
	a.OnClose(m.Close) // the last counts reach Redis
	e := jobs.NewEngine(st, rdb, asynqOpt(a.RedisOptions()), m, a.Log, a.Cfg.EngineConfig())
	a.OnClose(e.Close)
	if withSender {
		// a worker's senders, journals, records and lease renewals keep many
		// connections busy: keep them open rather than reconnecting, and
		// allow what its concurrency needs (each batch claims on one, a
		// record may overlap it; the pool's default is 20)
		n := jobs.PoolSize(a.Cfg.Concurrency)
		st.DB().SetMaxOpenConns(n)
		st.DB().SetMaxIdleConns(n)
	}
	if withSender && a.Cfg.TelegramState() != StateOff {
		tg, err := a.telegramSender(a.Cfg.PaidBroadcast)
		if err != nil {
			return nil, err
		}
		e.AddChannel(tg, a.Cfg.SendRate)
	}
	if zc := a.zaloChannel(withSender); zc != nil {
		e.AddChannel(zc, a.Cfg.ZaloSendRate)
	}
	return e, nil
}

// telegramSender sends through the configured Bot API or, in `loa dev`
// without a token, to the sandbox Telegram.
func (a *App) telegramSender(paid bool) (*telegram.Sender, error) {
	token, apiURL := a.Cfg.TelegramToken, a.Cfg.TelegramAPIURL
	if a.Cfg.Sandbox() {
		token, apiURL = tgfake.DefaultToken, "http://"+a.Cfg.SandboxAddr
	}
	return telegram.NewSender(token, apiURL, paid)
}
