package client

import (
	"math"
	"time"

	"sitrep"
)

// The wire types mirror what internal/web writes; the round-trip test keeps
// the two in step.

type monitorJSON struct {
	ID              string      `json:"id"`
	Name            string      `json:"name"`
	Type            string      `json:"type"`
	Target          string      `json:"target"`
	IntervalSeconds float64     `json:"interval_seconds"`
	State           string      `json:"state"`
	Since           *time.Time  `json:"since"`
	LastResult      *resultJSON `json:"last_result"`
}

type resultJSON struct {
	Time      time.Time `json:"time"`
	Location  string    `json:"location"`
	Status    string    `json:"status"`
	LatencyMS float64   `json:"latency_ms"`
	Phases    struct {
		DNS       float64 `json:"dns_ms"`
		Connect   float64 `json:"connect_ms"`
		TLS       float64 `json:"tls_ms"`
		FirstByte float64 `json:"first_byte_ms"`
	} `json:"phases"`
	Error string `json:"error"`
}

type resultSetJSON struct {
	MonitorID string       `json:"monitor_id"`
	From      time.Time    `json:"from"`
	To        time.Time    `json:"to"`
	Raw       []resultJSON `json:"raw"`
	Rollups   struct {
		Resolution string       `json:"resolution"`
		Buckets    []bucketJSON `json:"buckets"`
	} `json:"rollups"`
}

type bucketJSON struct {
	Start    time.Time `json:"start"`
	Up       int       `json:"up"`
	Degraded int       `json:"degraded"`
	Down     int       `json:"down"`
	Mean     float64   `json:"latency_ms_mean"`
	Min      float64   `json:"latency_ms_min"`
	Max      float64   `json:"latency_ms_max"`
}

func (m *monitorJSON) view() sitrep.MonitorView {
	v := sitrep.MonitorView{
		ID:       m.ID,
		Name:     m.Name,
		Type:     sitrep.MonitorType(m.Type),
		Target:   m.Target,
		Interval: time.Duration(math.Round(m.IntervalSeconds * float64(time.Second))),
		State:    sitrep.State(m.State),
	}
	if m.Since != nil {
		v.Since = m.Since.UTC()
	}
	if m.LastResult != nil {
		r := m.LastResult.result(m.ID)
		v.LastResult = &r
	}
	return v
}

func (r *resultJSON) result(monitorID string) sitrep.Result {
	return sitrep.Result{
		MonitorID: monitorID,
		Location:  r.Location,
		Time:      r.Time.UTC(),
		Status:    parseStatus(r.Status),
		Latency:   millis(r.LatencyMS),
		Phases: sitrep.Phases{
			DNS:       millis(r.Phases.DNS),
			Connect:   millis(r.Phases.Connect),
			TLS:       millis(r.Phases.TLS),
			FirstByte: millis(r.Phases.FirstByte),
		},
		Error: r.Error,
	}
}

func (rs *resultSetJSON) resultSet() sitrep.ResultSet {
	out := sitrep.ResultSet{
		MonitorID:  rs.MonitorID,
		From:       rs.From.UTC(),
		To:         rs.To.UTC(),
		Resolution: sitrep.Resolution(rs.Rollups.Resolution),
		Raw:        make([]sitrep.Result, len(rs.Raw)),
		Rollups:    make([]sitrep.Rollup, len(rs.Rollups.Buckets)),
	}
	for i := range rs.Raw {
		out.Raw[i] = rs.Raw[i].result(rs.MonitorID)
	}
	for i, b := range rs.Rollups.Buckets {
		out.Rollups[i] = sitrep.Rollup{
			MonitorID:  rs.MonitorID,
			Resolution: out.Resolution,
			Start:      b.Start.UTC(),
			Up:         b.Up,
			Degraded:   b.Degraded,
			Down:       b.Down,
			// The API sends the mean; the sum is rebuilt from it so that
			// LatencyMean() gives back what the server computed.
			LatencySum: millis(b.Mean) * time.Duration(b.Up+b.Degraded),
			LatencyMin: millis(b.Min),
			LatencyMax: millis(b.Max),
		}
	}
	return out
}

// millis converts the API's milliseconds (three decimals) to a Duration.
func millis(ms float64) time.Duration {
	return time.Duration(math.Round(ms * float64(time.Millisecond)))
}

func parseStatus(s string) sitrep.ResultStatus {
	switch s {
	case "up":
		return sitrep.ResultUp
	case "degraded":
		return sitrep.ResultDegraded
	case "down":
		return sitrep.ResultDown
	}
	return 0
}
