package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// gapSummary describes the time between consecutive requests for one path,
// over every path, as the targets saw it.
type gapSummary struct {
	Count int64   `json:"count"`
	MeanS float64 `json:"mean_s"`
	P99S  float64 `json:"p99_s"`
	MaxS  float64 `json:"max_s"`
}

// report is everything one run measured. Figures that could not be measured
// are zero and explained in Notes.
type report struct {
	mu sync.Mutex // guards Notes: the API load and the profiler note from their goroutines

	Date      string  `json:"date"`
	Driver    string  `json:"driver"`
	Monitors  int     `json:"monitors"`
	IntervalS float64 `json:"interval_s"`
	DurationS float64 `json:"duration_s"`
	FailFrac  float64 `json:"fail_frac"`
	SlowFrac  float64 `json:"slow_frac"`
	SlowS     float64 `json:"slow_s"`
	Listeners int     `json:"listeners"`
	CPUs      int     `json:"cpus"`
	FileLimit uint64  `json:"file_limit"`
	SteadyS   float64 `json:"steady_window_s"`
	// LoadAvg is the 1-minute load average at the start and end of the
	// steady window: other work on the machine skews every figure.
	LoadAvg    [2]float64 `json:"load_avg"`
	ChildClean bool       `json:"child_clean_exit"`
	StopMS     float64    `json:"stop_ms"`

	ColdStartMS  float64   `json:"cold_start_ms"`
	WarmStartMS  float64   `json:"warm_start_ms,omitempty"` // the median of WarmStartsMS
	WarmStartsMS []float64 `json:"warm_starts_ms,omitempty"`
	CheckedOnce  int       `json:"checked_once"`
	AllCheckedS  float64   `json:"all_checked_s"`

	ExpectedChecksPerSec float64 `json:"expected_checks_per_s"`
	TargetChecksPerSec   float64 `json:"target_checks_per_s"`
	MetricChecksPerSec   float64 `json:"metric_checks_per_s"`

	GapFirst      gapSummary `json:"gap_first"`
	GapWarmup     gapSummary `json:"gap_warmup"`
	GapSteady     gapSummary `json:"gap_steady"`
	GapAPILoad    gapSummary `json:"gap_api_load"`
	OpenGapMaxS   float64    `json:"open_gap_max_s"`
	StaleMonitors int        `json:"stale_monitors"`

	LagP50MS        float64 `json:"lag_p50_ms"`
	LagP99MS        float64 `json:"lag_p99_ms"`
	LagP99APILoadMS float64 `json:"lag_p99_api_load_ms,omitempty"`
	StoreWriteP99MS float64 `json:"store_write_p99_ms"`

	CPUPerCheckMS float64 `json:"cpu_per_check_ms"`
	// Floor is a bare client's cost for the same requests (floor.go).
	Floor             *floorResult `json:"floor,omitempty"`
	CPUPercent        float64      `json:"cpu_percent_one_core"`
	HarnessCPUPercent float64      `json:"harness_cpu_percent_one_core"`
	PeakRSSMB         float64      `json:"peak_rss_mb"` // VmHWM at the end of the load, before the one-shot GETs
	RSSEndMB          float64      `json:"rss_end_mb"`
	PeakRSSAfterAPIMB float64      `json:"peak_rss_after_api_mb"`

	BytesPerResult    float64 `json:"bytes_per_result"`
	BytesPerResultHow string  `json:"bytes_per_result_method"`
	GrowthMBPerHour   float64 `json:"db_growth_mb_per_hour"`
	// Marginal cost of a raw result in the compacted blocks, and what the
	// rollups grew by per result, over the samples after the first maintenance.
	BlockBytesPerResult   float64 `json:"block_bytes_per_result"`
	BlockGrowthMBPerHour  float64 `json:"block_growth_mb_per_hour"`
	BlockPayloadPerResult float64 `json:"block_payload_per_result"`
	RollupBytesPerResult  float64 `json:"rollup_bytes_per_result"`
	DataBytesEnd          int64   `json:"data_bytes_end"`
	DataBytesAfterStop    int64   `json:"data_bytes_after_stop"`
	ResultsWritten        int64   `json:"results_written"`
	// Per result in the result_* tables after a clean stop: pages, and
	// payload bytes within them.
	ResultTablesBytesPerResult   float64 `json:"result_tables_bytes_per_result,omitempty"`
	ResultTablesPayloadPerResult float64 `json:"result_tables_payload_per_result,omitempty"`
	// Tables is the SQLite space per table and index after a clean stop.
	Tables []tableSize `json:"tables,omitempty"`

	APIOneShot *apiLoadResult `json:"api_one_shot,omitempty"`
	APILoad    *apiLoadResult `json:"api_load,omitempty"`

	Notes []string `json:"notes,omitempty"`
}

func (r *report) note(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func (r *report) writeText(w io.Writer) {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("sitrep load run %s", r.Date)
	p("  setup        %d monitors @ %gs, driver %s, %d listeners, fail %.0f%%, slow %.0f%% (%gs), %d CPUs, nofile %d",
		r.Monitors, r.IntervalS, r.Driver, r.Listeners, 100*r.FailFrac, 100*r.SlowFrac, r.SlowS, r.CPUs, r.FileLimit)
	p("  run          %gs total, steady window %.0fs (after the first interval); load average %.2f → %.2f",
		r.DurationS, r.SteadyS, r.LoadAvg[0], r.LoadAvg[1])
	p("  cold start   %.0f ms exec→/healthz 200 (empty data dir); restarts on the run's data: median %.0f ms of %.0f ms",
		r.ColdStartMS, r.WarmStartMS, r.WarmStartsMS)
	p("  coverage     %d/%d monitors checked once; last first check %.1fs after exec", r.CheckedOnce, r.Monitors, r.AllCheckedS)
	p("  throughput   %.1f checks/s at targets, %.1f from sitrep_checks_total, %.1f expected",
		r.TargetChecksPerSec, r.MetricChecksPerSec, r.ExpectedChecksPerSec)
	p("  first gap    mean %.2fs p99 %.2fs max %.2fs (each monitor's 1st→2nd check, n=%d)",
		r.GapFirst.MeanS, r.GapFirst.P99S, r.GapFirst.MaxS, r.GapFirst.Count)
	p("  gaps         steady mean %.2fs p99 %.2fs max %.2fs (n=%d); open gap max %.1fs, %d stale (>2 intervals)",
		r.GapSteady.MeanS, r.GapSteady.P99S, r.GapSteady.MaxS, r.GapSteady.Count, r.OpenGapMaxS, r.StaleMonitors)
	if r.APILoad != nil {
		p("  gaps (API)   under API load mean %.2fs p99 %.2fs max %.2fs (n=%d)",
			r.GapAPILoad.MeanS, r.GapAPILoad.P99S, r.GapAPILoad.MaxS, r.GapAPILoad.Count)
	}
	p("  sched lag    p50 %.1f ms, p99 %.1f ms (sitrep_scheduler_lag_seconds, steady window)", r.LagP50MS, r.LagP99MS)
	p("  store write  p99 %.1f ms per batch", r.StoreWriteP99MS)
	p("  cpu          %.3f ms/check, %.1f%% of one core (harness itself %.1f%%)", r.CPUPerCheckMS, r.CPUPercent, r.HarnessCPUPercent)
	if f := r.Floor; f != nil {
		p("  floor        bare client, same requests at %.1f/s for %.0fs: %.3f ms/request, %.1f%% of one core (%d errors); sitrep above it: %.3f ms/check",
			f.RequestsPerS, f.Seconds, f.CPUPerReqMS, f.CPUPercent, f.Errors, r.CPUPerCheckMS-f.CPUPerReqMS)
	}
	p("  memory       peak RSS %.1f MB (VmHWM), %.1f MB resident at the end; peak %.1f MB after the one-shot GETs",
		r.PeakRSSMB, r.RSSEndMB, r.PeakRSSAfterAPIMB)
	p("  storage      %.2f B/result (%s), %.1f MB/hour extrapolated; %d results, data dir %d B at end, %d B after stop",
		r.BytesPerResult, r.BytesPerResultHow, r.GrowthMBPerHour, r.ResultsWritten, r.DataBytesEnd, r.DataBytesAfterStop)
	p("  blocks       %.2f B/result marginal in result_blocks pages (%.1f MB/hour), %.2f B/result payload; rollups %.2f B/result in pages",
		r.BlockBytesPerResult, r.BlockGrowthMBPerHour, r.BlockPayloadPerResult, r.RollupBytesPerResult)
	if r.ResultTablesBytesPerResult > 0 {
		p("  result rows  %.2f B/result in result_* pages, %.2f B/result payload (after clean stop)",
			r.ResultTablesBytesPerResult, r.ResultTablesPayloadPerResult)
	}
	for _, tb := range r.Tables {
		if tb.Rows == 0 && tb.Bytes <= 4096 {
			continue // an empty table's root page; the JSON has them all
		}
		p("  table        %-28s %10d B in pages, %10d B payload, %d rows", tb.Name, tb.Bytes, tb.Payload, tb.Rows)
	}
	p("  stop         %.0f ms from SIGTERM to exit (clean: %v)", r.StopMS, r.ChildClean)
	if a := r.APIOneShot; a != nil {
		p("  GET monitors sequential x%d: p50 %.1f ms, max %.1f ms, body %d B", a.Requests, a.P50MS, a.MaxMS, a.BodyBytes)
	}
	if a := r.APILoad; a != nil {
		p("  API load     %s %d conns %.0fs: %.1f req/s, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, %d errors; lag p99 %.1f ms",
			a.Tool, a.Connections, a.Seconds, a.ReqPerSec, a.P50MS, a.P90MS, a.P99MS, a.MaxMS, a.Errors, r.LagP99APILoadMS)
	}
	for _, n := range r.Notes {
		p("  note         %s", n)
	}
	_, _ = io.WriteString(w, b.String())
}

func (r *report) writeJSON(w io.Writer) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func secs(d time.Duration) float64 { return d.Seconds() }
func ms(d time.Duration) float64   { return float64(d) / float64(time.Millisecond) }
