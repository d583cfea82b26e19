package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"sitrep"
)

// incidentTimes are the response times of resolved incidents: how long
// until sitrep noticed, until customers were told, until it was over. The
// second is the one our founding outages got wrong.
type incidentTimes struct {
	detect, firstUpdate, resolve prometheus.Histogram
}

func newIncidentTimes(reg *prometheus.Registry) *incidentTimes {
	// From a minute-level automatic incident to a day-long one.
	buckets := []float64{30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400}
	h := func(name, help string) prometheus.Histogram {
		return prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
	}
	t := &incidentTimes{
		detect:      h("sitrep_incident_time_to_detect_seconds", "From the first failed check to the incident's detection, per resolved incident."),
		firstUpdate: h("sitrep_incident_time_to_first_public_update_seconds", "From the first failed check (or detection) to the first public update, per resolved incident."),
		resolve:     h("sitrep_incident_time_to_resolve_seconds", "From the first failed check (or detection) to resolution, per resolved incident."),
	}
	reg.MustRegister(t.detect, t.firstUpdate, t.resolve)
	return t
}

// IncidentResolved records a resolved incident's response times; times
// that are unknown (zero) are left out rather than counted as instant.
func (m *Metrics) IncidentResolved(im sitrep.IncidentMetrics) {
	observe := func(h prometheus.Histogram, d interface{ Seconds() float64 }) {
		if s := d.Seconds(); s > 0 {
			h.Observe(s)
		}
	}
	observe(m.incidents.detect, im.TimeToDetect)
	observe(m.incidents.firstUpdate, im.TimeToFirstUpdate)
	observe(m.incidents.resolve, im.TimeToResolve)
}
