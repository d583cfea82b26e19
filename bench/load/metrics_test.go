package main

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

const exposition = `# HELP sitrep_checks_total Checks executed.
# TYPE sitrep_checks_total counter
sitrep_checks_total{outcome="up",type="http"} 90
sitrep_checks_total{outcome="down",type="http"} 10
# TYPE sitrep_scheduler_lag_seconds histogram
sitrep_scheduler_lag_seconds_bucket{le="0.001"} 50
sitrep_scheduler_lag_seconds_bucket{le="0.01"} 90
sitrep_scheduler_lag_seconds_bucket{le="0.1"} 100
sitrep_scheduler_lag_seconds_bucket{le="+Inf"} 100
sitrep_scheduler_lag_seconds_sum 0.5
sitrep_scheduler_lag_seconds_count 100
process_resident_memory_bytes 1.2e+07
`

func TestParseMetricsAndQuantile(t *testing.T) {
	s, err := parseMetrics(strings.NewReader(exposition))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.sum("sitrep_checks_total"); got != 100 {
		t.Errorf("sum checks = %v, want 100", got)
	}
	if got := s.sum("process_resident_memory_bytes"); got != 1.2e7 {
		t.Errorf("rss = %v, want 1.2e7", got)
	}
	bs := buckets(s, nil, "sitrep_scheduler_lag_seconds")
	tests := []struct {
		q    float64
		want time.Duration
	}{
		{0.5, time.Millisecond},
		{0.7, 5500 * time.Microsecond},
		{0.99, 91 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(time.Duration(tt.q*1000).String(), func(t *testing.T) {
			got, ok := quantile(tt.q, bs)
			if !ok || math.Abs(float64(got-tt.want)) > float64(time.Microsecond) {
				t.Errorf("quantile(%v) = %v, %v; want %v", tt.q, got, ok, tt.want)
			}
		})
	}
	// A window with no new observations has no quantile.
	if _, ok := quantile(0.5, buckets(s, s, "sitrep_scheduler_lag_seconds")); ok {
		t.Error("quantile of an empty window reported ok")
	}
}

func TestParseWrk(t *testing.T) {
	out := `Running 10s test @ http://127.0.0.1:8080/api/v1/monitors
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.34ms    2.00ms  1.20s    90.00%
    Req/Sec   300.00     20.00   400.00     70.00%
  Latency Distribution
     50%   10.00ms
     75%   12.00ms
     90%  800.00us
     99%    1.10s
  6000 requests in 10.00s, 1.00GB read
  Non-2xx or 3xx responses: 3
Requests/sec:    600.00
Transfer/sec:    100.00MB
`
	r, err := parseWrk(out, 8, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := apiLoadResult{Tool: "wrk", Connections: 8, Seconds: 10, Requests: 6000, Errors: 3, ReqPerSec: 600,
		P50MS: 10, P90MS: 0.8, P99MS: 1100, MaxMS: 1200}
	if r != want {
		t.Errorf("parseWrk = %+v\nwant %+v", r, want)
	}
}

func TestFitSlope(t *testing.T) {
	x := []float64{0, 100, 200, 300}
	y := []float64{1000, 1600, 2200, 2800}
	if got, ok := fitSlope(x, y); !ok || math.Abs(got-6) > 1e-9 {
		t.Errorf("slope = %v, %v; want 6", got, ok)
	}
	if _, ok := fitSlope(x[:2], y[:2]); ok {
		t.Error("two points gave a slope")
	}
}

func TestAssign(t *testing.T) {
	tests := []struct {
		n          int
		fail, slow float64
	}{
		{100, 0.05, 0.02},
		{7, 0.5, 0.5},
		{10000, 0, 0.02},
		{3, 1, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("n=%d fail=%v slow=%v", tt.n, tt.fail, tt.slow), func(t *testing.T) {
			kinds := make([]uint8, tt.n)
			assign(kinds, tt.fail, kindFail)
			assign(kinds, tt.slow, kindSlow)
			count := map[uint8]int{}
			for _, k := range kinds {
				count[k]++
			}
			if want := int(tt.fail*float64(tt.n) + 0.5); count[kindFail] != want {
				t.Errorf("%d failing, want %d", count[kindFail], want)
			}
			if want := min(tt.n-count[kindFail], int(tt.slow*float64(tt.n)+0.5)); count[kindSlow] != want {
				t.Errorf("%d slow, want %d", count[kindSlow], want)
			}
		})
	}
}
