// Package metrics exposes sitrep's own measurements in the Prometheus text
// format. It keeps its own registry so that embedding sitrep (or running
// several in one test binary) never collides on the global default one.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"sitrep"
)

// Metrics implements sitrep.Observer and serves what it observed.
type Metrics struct {
	reg *prometheus.Registry

	checks     *prometheus.CounterVec
	checkDur   *prometheus.HistogramVec
	byType     [numTypes]typeChildren
	lag        prometheus.Histogram
	writeDur   prometheus.Histogram
	writeErrs  prometheus.Counter
	written    prometheus.Counter
	incidents  *incidentTimes
	deliveries *deliveryMetrics
}

// typeChildren are the label children of one monitor type, resolved once so
// that the check path does no label lookups.
type typeChildren struct {
	outcome  [4]prometheus.Counter // indexed by sitrep.ResultStatus; 0 is "unknown"
	duration prometheus.Observer
}

const numTypes = 6

// typeIndex maps the known monitor types to their slot; -1 sends the caller
// down the slow path, which still counts types added after this was written.
func typeIndex(t sitrep.MonitorType) int {
	switch t {
	case sitrep.MonitorHTTP:
		return 0
	case sitrep.MonitorTCP:
		return 1
	case sitrep.MonitorDNS:
		return 2
	case sitrep.MonitorTLS:
		return 3
	case sitrep.MonitorICMP:
		return 4
	case sitrep.MonitorHeartbeat:
		return 5
	}
	return -1
}

// New returns Metrics whose scrape also reports storage usage and monitor
// counts by calling usage and monitors. Either may be nil to leave those out.
func New(usage func(ctx context.Context) (sitrep.Usage, error), monitors func() map[sitrep.State]int) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.checks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sitrep_checks_total",
		Help: "Checks executed, by monitor type and outcome (up, degraded, down).",
	}, []string{"type", "outcome"})
	m.checkDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "sitrep_check_duration_seconds",
		Help: "Latency measured by checks, by monitor type.",
		// From a fast loopback check to one that hit its timeout.
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"type"})
	m.lag = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "sitrep_scheduler_lag_seconds",
		Help:    "How late checks started against their planned time.",
		Buckets: []float64{.001, .005, .01, .05, .1, .5, 1, 5, 10, 30, 60},
	})
	m.writeDur = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "sitrep_store_write_duration_seconds",
		Help:    "Time to durably write one batch of results.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5},
	})
	m.writeErrs = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "sitrep_store_write_errors_total",
		Help: "Batches of results that could not be written.",
	})
	m.written = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "sitrep_results_written_total",
		Help: "Results durably written.",
	})

	for i, t := range sitrep.MonitorTypes[:numTypes] {
		c := &m.byType[i]
		for s := sitrep.ResultUp; s <= sitrep.ResultDown; s++ {
			c.outcome[s] = m.checks.WithLabelValues(string(t), s.String())
		}
		c.outcome[0] = m.checks.WithLabelValues(string(t), "unknown")
		c.duration = m.checkDur.WithLabelValues(string(t))
	}

	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.checks, m.checkDur, m.lag, m.writeDur, m.writeErrs, m.written,
		newScrapeCollector(usage, monitors),
	)
	m.incidents = newIncidentTimes(m.reg)
	m.deliveries = newDeliveryMetrics(m.reg)
	return m
}

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		Registry:      m.reg,
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// Registry returns the registry, for tests and for adding collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// CheckDone counts one executed check and observes its latency.
func (m *Metrics) CheckDone(t sitrep.MonitorType, s sitrep.ResultStatus, latency time.Duration) {
	if s > sitrep.ResultDown {
		s = 0
	}
	if i := typeIndex(t); i >= 0 {
		c := &m.byType[i]
		c.outcome[s].Inc()
		c.duration.Observe(latency.Seconds())
		return
	}
	m.checks.WithLabelValues(string(t), outcomeName(s)).Inc()
	m.checkDur.WithLabelValues(string(t)).Observe(latency.Seconds())
}

func outcomeName(s sitrep.ResultStatus) string {
	if s == 0 {
		return "unknown"
	}
	return s.String()
}

// SchedulerLag observes how late a check started.
func (m *Metrics) SchedulerLag(d time.Duration) { m.lag.Observe(d.Seconds()) }

// StoreWrite observes one batch write; a failed batch counts as an error and
// its results as not written.
func (m *Metrics) StoreWrite(d time.Duration, results int, err error) {
	m.writeDur.Observe(d.Seconds())
	if err != nil {
		m.writeErrs.Inc()
		return
	}
	m.written.Add(float64(results))
}

var _ sitrep.Observer = (*Metrics)(nil)
