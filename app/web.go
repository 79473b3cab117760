package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/loa-vn/loa/web"
)

// Metrics returns the process's Prometheus registry, created on first use.
func (a *App) Metrics() *prometheus.Registry {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.metrics == nil {
		a.metrics = prometheus.NewRegistry()
		a.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	return a.metrics
}

// loa web
func newWebCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "web", Short: "Telegram webhook, staff API, /healthz, /readyz; /metrics on METRICS_ADDR", Args: noArgs,
		RunE: a.action(true, func(ctx context.Context, _ []string) error { return a.run(ctx, a.webProcess()) })}
}

// webProcess serves health, readiness, metrics, the Telegram webhook and the staff API.
func (a *App) webProcess() process {
	return process{name: "web", run: func(ctx context.Context, ready func()) error {
		st, rdb, err := a.connect(ctx)
		if err != nil {
			return err
		}
		if err := a.RegisterBroadcastMetrics(ctx); err != nil {
			return err
		}
		mux := web.NewMux(web.Check{Name: "postgres", Ping: st.Ping},
			web.Check{Name: "redis", Ping: func(ctx context.Context) error { return rdb.Ping(ctx).Err() }})
		if err := a.mountRoutes(ctx, mux); err != nil {
			return err
		}
		metrics := a.serveMetrics(ctx)
		defer metrics()
		return serveHTTP(ctx, a, a.Cfg.HTTPAddr, mux, ready)
	}}
}

// serveMetrics serves /metrics on METRICS_ADDR, apart from the listener the
// public webhook shares (issue 9, item 5). Metrics are not worth failing
// the web process for: a listener that cannot bind is logged as an error
// and the rest serves on. The returned func stops it.
func (a *App) serveMetrics(ctx context.Context) func() {
	ln, err := net.Listen("tcp", a.Cfg.MetricsAddr)
	if err != nil {
		a.Log.Error("metrics not served", "addr", a.Cfg.MetricsAddr, "err", err)
		return func() {}
	}
	srv := &http.Server{Handler: web.MetricsMux(a.Metrics()), ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10}
	a.Log.Info("metrics listening", "addr", ln.Addr().String())
	go func() { _ = srv.Serve(ln) }()
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}
}

// serveHTTP listens, reports ready once the port is bound, and shuts down
// gracefully when ctx ends.
func serveHTTP(ctx context.Context, a *App, addr string, h http.Handler, ready func()) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	a.Log.Info("http listening", "addr", ln.Addr().String())
	a.markListening()
	ready()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout-time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// mountRoutes adds the Telegram webhook, the staff console and the staff API to the web mux.
func (a *App) mountRoutes(ctx context.Context, mux *http.ServeMux) error {
	if err := a.mountWebhook(ctx, mux); err != nil {
		return err
	}
	if err := a.mountConsole(ctx, mux); err != nil {
		return err
	}
	return a.mountAPI(ctx, mux)
}
