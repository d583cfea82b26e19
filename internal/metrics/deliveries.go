package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// deliveryMetrics show whether notifications get out: attempts by channel
// and outcome, how long a send takes, how old a notification is when it is
// tried, and how many have been given up on and wait for a hand retry.
type deliveryMetrics struct {
	attempts *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	age      *prometheus.HistogramVec
}

func newDeliveryMetrics(reg *prometheus.Registry) *deliveryMetrics {
	d := &deliveryMetrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sitrep_delivery_attempts_total",
			Help: "Notification deliveries handled, by channel (declared id or subscriber:<kind>) and outcome (delivered, retry, failed, deferred).",
		}, []string{"channel", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sitrep_delivery_send_duration_seconds",
			Help:    "Time one send took at the receiver, by channel.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"channel"}),
		age: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sitrep_delivery_age_seconds",
			Help: "How long after the change that caused it a notification was tried, by channel: the goal is under a second.",
			// From an immediate kick to a day of retries.
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 15, 60, 300, 3600, 86400},
		}, []string{"channel"}),
	}
	reg.MustRegister(d.attempts, d.latency, d.age)
	return d
}

// DeliveryAttempt records one handled delivery; latency is zero when no
// send was made (deferred, or failed before sending).
func (m *Metrics) DeliveryAttempt(channel, outcome string, latency time.Duration) {
	m.deliveries.attempts.WithLabelValues(channel, outcome).Inc()
	if latency > 0 {
		m.deliveries.latency.WithLabelValues(channel).Observe(latency.Seconds())
	}
}

// DeliveryAge records how old a delivery was when it was tried.
func (m *Metrics) DeliveryAge(channel string, age time.Duration) {
	m.deliveries.age.WithLabelValues(channel).Observe(age.Seconds())
}

// WatchFailedDeliveries exports, at each scrape, how many deliveries have
// failed for good and wait for a hand retry; count reads it from storage.
func (m *Metrics) WatchFailedDeliveries(count func() (int, error)) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sitrep_deliveries_failed",
		Help: "Notifications given up on (permanent error or max age), waiting for a retry by hand (-1 when storage cannot say).",
	}, func() float64 {
		n, err := count()
		if err != nil {
			return -1
		}
		return float64(n)
	}))
}
