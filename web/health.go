// Package web holds Loa's HTTP surface: health and readiness, metrics (on a
// listener of their own), and the
// mux the Telegram webhook and the staff API mount on.
package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Check is one dependency /readyz pings.
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// NewMux serves /healthz (the process is up) and /readyz (every dependency
// answers within two seconds). /metrics is not on it: this mux is the one
// the public webhook shares, so metrics get their own (MetricsMux).
func NewMux(checks ...Check) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		status, out := http.StatusOK, map[string]string{}
		for _, c := range checks {
			if err := c.Ping(ctx); err != nil {
				status, out[c.Name] = http.StatusServiceUnavailable, "unreachable"
				continue
			}
			out[c.Name] = "ok"
		}
		writeJSON(w, status, out)
	})
	return mux
}

// MetricsMux serves /metrics from reg, for a listener of its own
// (METRICS_ADDR), never the public one.
func MetricsMux(reg *prometheus.Registry) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
