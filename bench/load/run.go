package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

func newClient() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{}}
}

// run performs one load run. It returns a partial report along with an error
// when it had to stop early, so that what was measured is not lost.
func run(ctx context.Context, log *slog.Logger, o options) (*report, error) {
	r := &report{
		Date: time.Now().UTC().Format(time.RFC3339), Driver: o.driver, Monitors: o.monitors,
		IntervalS: o.interval.Seconds(), DurationS: o.duration.Seconds(), FailFrac: o.failFrac,
		SlowFrac: o.slowFrac, SlowS: o.slow.Seconds(), Listeners: o.listeners, CPUs: runtime.NumCPU(),
		ExpectedChecksPerSec: float64(o.monitors) / o.interval.Seconds(),
	}
	var err error
	if r.FileLimit, err = raiseFileLimit(); err != nil {
		return r, err
	}
	if need := uint64(o.listeners) + 2*uint64(r.ExpectedChecksPerSec*o.slow.Seconds()+100); r.FileLimit < need {
		r.note("open-files limit %d may be too low (want ≥ %d)", r.FileLimit, need)
	}

	tmp, err := os.MkdirTemp("", "sitrep-load-")
	if err != nil {
		return r, fmt.Errorf("make temp dir: %w", err)
	}
	if o.keep {
		log.Info("keeping run directory", "dir", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	bin := o.bin
	if bin == "" {
		root, err := moduleRoot(ctx)
		if err != nil {
			return r, err
		}
		log.Info("building sitrep", "root", root)
		if bin, err = buildBinary(ctx, root, tmp); err != nil {
			return r, err
		}
	}

	t, err := startTargets(ctx, log, targetPlan{
		monitors: o.monitors, listeners: o.listeners, failFrac: o.failFrac, slowFrac: o.slowFrac,
		slow: o.slow, interval: o.interval,
	})
	if err != nil {
		return r, err
	}
	defer t.close()
	if o.floorOnly {
		r.Floor, err = runFloor(ctx, log, tmp, t.urls, r.ExpectedChecksPerSec, o.floor)
		return r, err
	}

	cfg := filepath.Join(tmp, "sitrep.yaml")
	data := filepath.Join(tmp, "data")
	logPath := filepath.Join(tmp, "sitrep.log")
	// Slow targets must come out degraded, not down: degraded_above sits
	// between a fast answer and the slow delay, and the timeout well above.
	spec := configSpec{
		driver: o.driver, pgURL: o.pgURL, interval: o.interval, flush: o.flush, urls: t.urls,
		timeout: max(10*time.Second, 2*o.slow), degradedAbove: o.slow / 2,
	}
	spec.timeout = min(spec.timeout, o.interval)
	if err := writeConfig(cfg, spec); err != nil {
		return r, err
	}
	addr, err := freePort()
	if err != nil {
		return r, err
	}

	var extra []string
	if o.profile != "" {
		if o.debugAddr, err = freePort(); err != nil {
			return r, err
		}
		extra = append(extra, "--debug-listen", o.debugAddr)
	}
	log.Info("starting sitrep", "monitors", o.monitors, "interval", o.interval, "duration", o.duration, "listen", addr)
	c, err := startChild(bin, cfg, data, addr, logPath, extra...)
	if err != nil {
		return r, err
	}
	defer c.stop(10 * time.Second)
	fail := func(err error) (*report, error) {
		return r, fmt.Errorf("%w\nlast lines of sitrep's log:\n%s", err, tail(logPath, 30))
	}

	cold, err := c.waitHealthy(ctx, time.Minute)
	if err != nil {
		return fail(err)
	}
	r.ColdStartMS = ms(cold)
	log.Info("sitrep healthy", "cold_start", cold.Round(time.Millisecond))

	if err := measure(ctx, log, o, r, c, t, data); err != nil {
		return fail(err)
	}

	if hwm, rss, err := memory(c.pid()); err == nil {
		r.PeakRSSMB, r.RSSEndMB = float64(hwm)/(1<<20), float64(rss)/(1<<20)
	}
	if o.latency {
		url := c.base + "/api/v1/monitors"
		if one, err := oneShot(ctx, url, 10); err != nil {
			r.note("one-shot GET /api/v1/monitors failed: %v", err)
		} else {
			r.APIOneShot = &one
		}
	}
	if hwm, _, err := memory(c.pid()); err == nil {
		r.PeakRSSAfterAPIMB = float64(hwm) / (1 << 20)
	}
	stopStart := time.Now()
	r.ChildClean = c.stop(30 * time.Second)
	r.StopMS = ms(time.Since(stopStart))
	if !r.ChildClean {
		r.note("sitrep did not exit cleanly after SIGTERM: %v", c.err)
	}
	if r.DataBytesAfterStop, err = dirSize(data); err != nil {
		r.note("%v", err)
	}
	if o.driver == "sqlite" {
		if tables, err := tableSizes(ctx, filepath.Join(data, "sitrep.db")); err != nil {
			r.note("storage breakdown: %v", err)
		} else {
			r.Tables = tables
			r.resultTableCost()
		}
	}

	if o.restart && ctx.Err() == nil {
		warmStarts(ctx, log, r, bin, cfg, data, logPath)
	}
	if o.floor > 0 && ctx.Err() == nil {
		if r.Floor, err = runFloor(ctx, log, tmp, t.urls, r.ExpectedChecksPerSec, o.floor); err != nil {
			r.note("floor: %v", err)
		}
	}
	return r, nil
}

// measure drives the run from healthy to the end of o.duration: it switches
// gap phases, takes the window snapshots, samples storage growth and runs the
// API load, then fills in the report.
func measure(ctx context.Context, log *slog.Logger, o options, r *report, c *child, t *targets, data string) error {
	tSteady := c.started.Add(o.interval + 2*time.Second)
	tEnd := c.started.Add(o.duration)
	tMid := tEnd
	if o.wrk {
		tMid = tSteady.Add(tEnd.Sub(tSteady) / 2)
	}
	if !tSteady.Before(tMid) {
		return errors.New("no steady window: -duration must exceed -interval by several seconds")
	}

	var (
		s0, s1     snapshot
		have0      bool
		have1      bool
		ru0        syscall.Rusage
		growth     []growthPoint
		apiDone    chan apiLoadResult
		lastSample time.Time
	)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("run interrupted: %w", ctx.Err())
		case <-c.done:
			return fmt.Errorf("sitrep exited during the run: %v", c.err)
		case <-tick.C:
		}
		now := time.Now()
		if !have0 && !now.Before(tSteady) {
			var err error
			t.phase.Store(phaseSteady)
			if s0, err = takeSnapshot(ctx, c, t, data); err != nil {
				return err
			}
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
			r.LoadAvg[0] = loadAvg()
			have0 = true
			log.Info("steady window starts")
			if o.profile != "" {
				go profileCPU(ctx, log, r, o, min(tEnd.Sub(now)-2*time.Second, 2*time.Minute))
			}
		}
		if have0 && now.Sub(lastSample) >= 5*time.Second {
			if p, ok := sampleGrowth(ctx, c, o.driver, data); ok {
				growth = append(growth, p)
			}
			lastSample = now
		}
		if o.wrk && have0 && !have1 && !now.Before(tMid) {
			var err error
			if s1, err = takeSnapshot(ctx, c, t, data); err != nil {
				return err
			}
			have1 = true
			t.phase.Store(phaseAPILoad)
			apiDone = make(chan apiLoadResult, 1)
			d := tEnd.Sub(now)
			log.Info("API load starts", "tool", o.wrkTool, "conns", o.wrkConns, "for", d.Round(time.Second))
			go func() {
				res, err := hammer(ctx, o.wrkTool, c.base+"/api/v1/monitors", o.wrkConns, d)
				if err != nil {
					r.note("API load failed: %v", err)
				}
				apiDone <- res
			}()
		}
		if !now.Before(tEnd) {
			break
		}
	}

	var ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	r.LoadAvg[1] = loadAvg()
	s2, err := takeSnapshot(ctx, c, t, data)
	if err != nil {
		return err
	}
	if apiDone != nil {
		res := <-apiDone
		r.APILoad = &res
	}

	base := s2
	if have1 {
		base = s1
	}
	win := base.at.Sub(s0.at)
	r.SteadyS = win.Seconds()
	reqs := float64(base.requests - s0.requests)
	checks := base.metrics.sum("sitrep_checks_total") - s0.metrics.sum("sitrep_checks_total")
	r.TargetChecksPerSec = reqs / win.Seconds()
	r.MetricChecksPerSec = checks / win.Seconds()
	if !s2.metrics.has("sitrep_checks_total") {
		r.note("sitrep_checks_total missing from /metrics; CPU per check uses target requests")
	}
	perCheck := checks
	if perCheck <= 0 {
		perCheck = reqs
	}
	cpu := base.cpu - s0.cpu
	if perCheck > 0 {
		r.CPUPerCheckMS = ms(cpu) / perCheck
	}
	r.CPUPercent = 100 * cpu.Seconds() / win.Seconds()
	harness := rusageCPU(ru1) - rusageCPU(ru0)
	r.HarnessCPUPercent = 100 * harness.Seconds() / s2.at.Sub(s0.at).Seconds()

	if d, ok := quantile(0.5, buckets(base.metrics, s0.metrics, "sitrep_scheduler_lag_seconds")); ok {
		r.LagP50MS = ms(d)
	}
	if d, ok := quantile(0.99, buckets(base.metrics, s0.metrics, "sitrep_scheduler_lag_seconds")); ok {
		r.LagP99MS = ms(d)
	} else {
		r.note("sitrep_scheduler_lag_seconds has no observations in the steady window")
	}
	if d, ok := quantile(0.99, buckets(base.metrics, s0.metrics, "sitrep_store_write_duration_seconds")); ok {
		r.StoreWriteP99MS = ms(d)
	}
	if have1 {
		if d, ok := quantile(0.99, buckets(s2.metrics, s1.metrics, "sitrep_scheduler_lag_seconds")); ok {
			r.LagP99APILoadMS = ms(d)
		}
	}

	r.GapFirst = t.firstGap.summary()
	r.GapWarmup = t.gaps[phaseWarmup].summary()
	r.GapSteady = t.gaps[phaseSteady].summary()
	r.GapAPILoad = t.gaps[phaseAPILoad].summary()
	longest, stale := t.openGaps(s2.at)
	r.OpenGapMaxS, r.StaleMonitors = longest.Seconds(), stale
	checked, lastFirst := t.coverage()
	r.CheckedOnce = checked
	if checked > 0 {
		r.AllCheckedS = lastFirst.Sub(c.started).Seconds()
	}
	if checked < o.monitors {
		r.note("%d monitors were never checked", o.monitors-checked)
	}

	r.DataBytesEnd = s2.bytes
	r.ResultsWritten = int64(s2.metrics.sum("sitrep_checks_total"))
	r.storageCost(o.driver, growth)
	if s2.metrics.has("sitrep_storage_bytes") {
		r.note("sitrep_storage_bytes at end %.0f, budget %.0f", s2.metrics.sum("sitrep_storage_bytes"),
			s2.metrics.sum("sitrep_storage_budget_bytes"))
	}
	return nil
}

// resultTableCost divides what the result tables (the recent log, the
// compacted blocks, the error-text dictionary, and their indexes) hold by the
// number of results written: the per-result cost without the fixed per-monitor
// tables and without SQLite's free pages.
func (r *report) resultTableCost() {
	if r.ResultsWritten <= 0 {
		return
	}
	var pages, payload int64
	for _, tb := range r.Tables {
		if strings.HasPrefix(tb.Name, "result") {
			pages += tb.Bytes
			payload += tb.Payload
		}
	}
	r.ResultTablesBytesPerResult = float64(pages) / float64(r.ResultsWritten)
	r.ResultTablesPayloadPerResult = float64(payload) / float64(r.ResultsWritten)
}

func rusageCPU(ru syscall.Rusage) time.Duration {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// warmStarts restarts sitrep three times on the data the run left and times
// /healthz: the start an operator sees after an upgrade or a crash.
func warmStarts(ctx context.Context, log *slog.Logger, r *report, bin, cfg, data, logPath string) {
	for range 3 {
		d, err := warmStart(ctx, bin, cfg, data, logPath)
		if err != nil {
			r.note("warm restart: %v", err)
			return
		}
		r.WarmStartsMS = append(r.WarmStartsMS, ms(d))
		log.Info("warm restart healthy", "after", d.Round(time.Millisecond))
	}
	sorted := slices.Clone(r.WarmStartsMS)
	slices.Sort(sorted)
	r.WarmStartMS = sorted[len(sorted)/2]
}

func warmStart(ctx context.Context, bin, cfg, data, logPath string) (time.Duration, error) {
	addr, err := freePort()
	if err != nil {
		return 0, err
	}
	c, err := startChild(bin, cfg, data, addr, logPath)
	if err != nil {
		return 0, err
	}
	defer c.stop(30 * time.Second)
	return c.waitHealthy(ctx, time.Minute)
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
