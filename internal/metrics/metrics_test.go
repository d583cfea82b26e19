package metrics

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"sitrep"
)

func TestCheckDone(t *testing.T) {
	tests := []struct {
		name    string
		typ     sitrep.MonitorType
		status  sitrep.ResultStatus
		outcome string
	}{
		{"http up", sitrep.MonitorHTTP, sitrep.ResultUp, "up"},
		{"tcp degraded", sitrep.MonitorTCP, sitrep.ResultDegraded, "degraded"},
		{"heartbeat down", sitrep.MonitorHeartbeat, sitrep.ResultDown, "down"},
		{"unknown status", sitrep.MonitorDNS, 0, "unknown"},
		{"out of range status", sitrep.MonitorTLS, 200, "unknown"},
		{"type added later", "prometheus", sitrep.ResultUp, "up"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(nil, nil)
			m.CheckDone(tt.typ, tt.status, 250*time.Millisecond)
			m.CheckDone(tt.typ, tt.status, 250*time.Millisecond)
			if got := testutil.ToFloat64(m.checks.WithLabelValues(string(tt.typ), tt.outcome)); got != 2 {
				t.Errorf("sitrep_checks_total{type=%q,outcome=%q} = %v, want 2", tt.typ, tt.outcome, got)
			}
			var d dto.Metric
			if err := m.checkDur.WithLabelValues(string(tt.typ)).(prometheus.Histogram).Write(&d); err != nil {
				t.Fatal(err)
			}
			if n, sum := d.GetHistogram().GetSampleCount(), d.GetHistogram().GetSampleSum(); n != 2 || sum != 0.5 {
				t.Errorf("sitrep_check_duration_seconds{type=%q} count %d sum %v, want 2 and 0.5", tt.typ, n, sum)
			}
		})
	}
}

func TestStoreWrite(t *testing.T) {
	m := New(nil, nil)
	m.StoreWrite(3*time.Millisecond, 10, nil)
	m.StoreWrite(5*time.Millisecond, 7, errors.New("disk full"))
	m.StoreWrite(2*time.Millisecond, 5, nil)
	if got := testutil.ToFloat64(m.written); got != 15 {
		t.Errorf("results written = %v, want 15", got)
	}
	if got := testutil.ToFloat64(m.writeErrs); got != 1 {
		t.Errorf("write errors = %v, want 1", got)
	}
	m.SchedulerLag(20 * time.Millisecond)
	if n := testutil.CollectAndCount(m.lag); n != 1 {
		t.Errorf("lag series = %d, want 1", n)
	}
}

func TestExposition(t *testing.T) {
	usage := func(ctx context.Context) (sitrep.Usage, error) {
		return sitrep.Usage{Bytes: 250, Budget: 1000, DiskFree: 5000, LowDisk: true}, nil
	}
	monitors := func() map[sitrep.State]int {
		return map[sitrep.State]int{sitrep.StateUp: 3, sitrep.StateDown: 1}
	}
	m := New(usage, monitors)
	m.CheckDone(sitrep.MonitorHTTP, sitrep.ResultUp, time.Millisecond)

	want := `
# HELP sitrep_disk_free_bytes Free bytes on the file system holding the data (-1 if unknown).
# TYPE sitrep_disk_free_bytes gauge
sitrep_disk_free_bytes 5000
# HELP sitrep_monitors Monitors by current state.
# TYPE sitrep_monitors gauge
sitrep_monitors{state="degraded"} 0
sitrep_monitors{state="down"} 1
sitrep_monitors{state="unknown"} 0
sitrep_monitors{state="up"} 3
# HELP sitrep_storage_budget_bytes Configured storage budget in bytes.
# TYPE sitrep_storage_budget_bytes gauge
sitrep_storage_budget_bytes 1000
# HELP sitrep_storage_budget_ratio Storage bytes as a fraction of the budget.
# TYPE sitrep_storage_budget_ratio gauge
sitrep_storage_budget_ratio 0.25
# HELP sitrep_storage_bytes Bytes storage takes.
# TYPE sitrep_storage_bytes gauge
sitrep_storage_bytes 250
# HELP sitrep_storage_low_disk 1 while free disk is below the safety floor and raw results are dropped.
# TYPE sitrep_storage_low_disk gauge
sitrep_storage_low_disk 1
`
	names := []string{"sitrep_disk_free_bytes", "sitrep_monitors", "sitrep_storage_budget_bytes",
		"sitrep_storage_budget_ratio", "sitrep_storage_bytes", "sitrep_storage_low_disk"}
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}

	// The handler serves the same registry, with the Go and process collectors.
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, s := range []string{
		`sitrep_checks_total{outcome="up",type="http"} 1`,
		`sitrep_checks_total{outcome="down",type="icmp"} 0`,
		"sitrep_check_duration_seconds_bucket",
		"sitrep_scheduler_lag_seconds_count 0",
		"sitrep_store_write_duration_seconds_count 0",
		"sitrep_store_write_errors_total 0",
		"sitrep_results_written_total 0",
		"go_goroutines",
		"sitrep_storage_low_disk 1",
	} {
		if !strings.Contains(string(body), s) {
			t.Errorf("exposition lacks %q", s)
		}
	}
}

func TestUsageError(t *testing.T) {
	usage := func(ctx context.Context) (sitrep.Usage, error) {
		return sitrep.Usage{}, errors.New("database is locked")
	}
	m := New(usage, func() map[sitrep.State]int { return nil })
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	// One failing source must not take the other metrics down with it.
	if !strings.Contains(body, `sitrep_monitors{state="up"} 0`) || !strings.Contains(body, "sitrep_checks_total") {
		t.Errorf("scrape with failing usage lost other metrics:\n%s", body)
	}
	if strings.Contains(body, "sitrep_storage_bytes ") {
		t.Errorf("scrape reported storage bytes although usage failed")
	}
}

func BenchmarkCheckDone(b *testing.B) {
	m := New(nil, nil)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.CheckDone(sitrep.MonitorHTTP, sitrep.ResultUp, 12*time.Millisecond)
		}
	})
}

func BenchmarkCheckDoneSerial(b *testing.B) {
	m := New(nil, nil)
	b.ReportAllocs()
	for b.Loop() {
		m.CheckDone(sitrep.MonitorTCP, sitrep.ResultDown, 3*time.Millisecond)
	}
}

func TestIncidentResolved(t *testing.T) {
	m := New(nil, nil)
	m.IncidentResolved(sitrep.IncidentMetrics{TimeToDetect: 2 * time.Minute, TimeToFirstUpdate: 3 * time.Minute, TimeToResolve: time.Hour})
	m.IncidentResolved(sitrep.IncidentMetrics{TimeToResolve: 10 * time.Minute}) // detection and first update unknown
	tests := []struct {
		name  string
		count int
		sum   float64
	}{
		{"sitrep_incident_time_to_detect_seconds", 1, 120},
		{"sitrep_incident_time_to_first_public_update_seconds", 1, 180},
		{"sitrep_incident_time_to_resolve_seconds", 2, 4200},
	}
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		found := false
		for _, f := range families {
			if f.GetName() != tt.name {
				continue
			}
			found = true
			h := f.GetMetric()[0].GetHistogram()
			if int(h.GetSampleCount()) != tt.count || h.GetSampleSum() != tt.sum {
				t.Errorf("%s: count %d sum %v, want %d and %v", tt.name, h.GetSampleCount(), h.GetSampleSum(), tt.count, tt.sum)
			}
		}
		if !found {
			t.Errorf("%s not exported", tt.name)
		}
	}
}

func TestDeliveryMetrics(t *testing.T) {
	m := New(nil, nil)
	m.DeliveryAttempt("oncall-email", "delivered", 20*time.Millisecond)
	m.DeliveryAttempt("oncall-email", "retry", 0)
	m.DeliveryAge("subscriber:email", 300*time.Millisecond)
	m.WatchFailedDeliveries(func() (int, error) { return 3, nil })
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, mt := range f.GetMetric() {
			switch {
			case mt.GetCounter() != nil:
				got[f.GetName()] += mt.GetCounter().GetValue()
			case mt.GetGauge() != nil:
				got[f.GetName()] = mt.GetGauge().GetValue()
			case mt.GetHistogram() != nil:
				got[f.GetName()] += float64(mt.GetHistogram().GetSampleCount())
			}
		}
	}
	want := map[string]float64{
		"sitrep_delivery_attempts_total":        2,
		"sitrep_delivery_send_duration_seconds": 1,
		"sitrep_delivery_age_seconds":           1,
		"sitrep_deliveries_failed":              3,
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s = %v, want %v", name, got[name], v)
		}
	}
}
