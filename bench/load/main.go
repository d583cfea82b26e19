// Command load runs the real sitrep binary against many HTTP targets served
// on loopback by this process and measures what the performance
// goals talk about: schedule accuracy at the targets, scheduler lag, CPU per
// check, memory, bytes per stored result, cold start and API latency.
//
//	go run ./bench/load -monitors 10000 -interval 30s -duration 3m [-fail 0.05] [-slow 0.02] [-wrk]
//
// It prints a readable report and, as its last line, the same figures as JSON.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

type options struct {
	monitors  int
	interval  time.Duration
	duration  time.Duration
	failFrac  float64
	slowFrac  float64
	slow      time.Duration
	listeners int
	driver    string
	pgURL     string
	flush     time.Duration
	bin       string
	keep      bool
	wrk       bool
	wrkTool   string
	wrkConns  int
	latency   bool
	restart   bool
	out       string
	profile   string
	debugAddr string
	floor     time.Duration
	floorOnly bool // where sitrep serves pprof when -profile is set
}

func main() {
	if job := os.Getenv(floorEnv); job != "" {
		if err := floorClient(job); err != nil {
			fmt.Fprintln(os.Stderr, "load: floor client:", err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.IntVar(&o.monitors, "monitors", 10000, "number of HTTP monitors (and targets)")
	flag.DurationVar(&o.interval, "interval", 30*time.Second, "check interval of every monitor")
	flag.DurationVar(&o.duration, "duration", 3*time.Minute, "how long sitrep runs under load")
	flag.Float64Var(&o.failFrac, "fail", 0.05, "fraction of targets answering 500")
	flag.Float64Var(&o.slowFrac, "slow", 0.02, "fraction of targets answering slowly")
	flag.DurationVar(&o.slow, "slow-delay", 1500*time.Millisecond, "how long a slow target takes")
	flag.IntVar(&o.listeners, "listeners", 0, "target listeners (default: monitors/50, between 1 and 506)")
	flag.StringVar(&o.driver, "driver", "sqlite", "storage driver: sqlite or postgres")
	flag.StringVar(&o.pgURL, "pg-url", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL URL for -driver postgres")
	flag.DurationVar(&o.flush, "flush", time.Second, "storage flush_interval")
	flag.StringVar(&o.bin, "bin", "", "use this sitrep binary instead of building ./cmd/sitrep")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (config, data, log)")
	flag.BoolVar(&o.wrk, "wrk", false, "hammer GET /api/v1/monitors during the second half of the steady window")
	flag.StringVar(&o.wrkTool, "wrk-tool", "auto", "API load generator: auto (wrk if installed), wrk, go")
	flag.IntVar(&o.wrkConns, "wrk-conns", 8, "connections of the API load generator")
	flag.BoolVar(&o.latency, "latency", true, "time sequential GET /api/v1/monitors at the end of the run")
	flag.BoolVar(&o.restart, "restart", true, "after the run, restart sitrep on the same data and time /healthz")
	flag.StringVar(&o.out, "out", "", "also append the JSON line to this file")
	flag.DurationVar(&o.floor, "floor", 30*time.Second, "after the run, time a bare client making the same requests at the same rate (0: skip)")
	flag.BoolVar(&o.floorOnly, "floor-only", false, "start the targets and time only the bare client (-floor), without sitrep")
	flag.StringVar(&o.profile, "profile", "", "write a CPU profile of sitrep over the steady window (at most 2 minutes) to this file")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := o.validate(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A run never outlives its own schedule by much, whatever goes wrong.
	ctx, cancel := context.WithTimeout(ctx, o.duration+4*time.Minute)
	defer cancel()

	r, err := run(ctx, log, o)
	if r != nil {
		r.writeText(os.Stdout)
		_ = r.writeJSON(os.Stdout)
		if o.out != "" {
			if f, ferr := os.OpenFile(o.out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); ferr == nil {
				_ = r.writeJSON(f)
				f.Close()
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func (o *options) validate() error {
	switch {
	case o.monitors <= 0:
		return fmt.Errorf("-monitors must be positive")
	case o.interval < time.Second:
		return fmt.Errorf("-interval must be at least 1s")
	case o.duration <= o.interval:
		return fmt.Errorf("-duration (%s) must be longer than -interval (%s): the steady window starts after the first interval", o.duration, o.interval)
	case o.failFrac < 0 || o.slowFrac < 0 || o.failFrac+o.slowFrac > 1:
		return fmt.Errorf("-fail and -slow must be fractions adding up to at most 1")
	case o.driver != "sqlite" && o.driver != "postgres":
		return fmt.Errorf("-driver must be sqlite or postgres")
	case o.wrkTool != "auto" && o.wrkTool != "wrk" && o.wrkTool != "go":
		return fmt.Errorf("-wrk-tool must be auto, wrk or go")
	}
	if o.listeners <= 0 {
		o.listeners = min(506, max(1, o.monitors/50))
	}
	o.listeners = min(o.listeners, o.monitors)
	return nil
}

// snapshot is the state of the run at one moment, for window deltas.
type snapshot struct {
	at       time.Time
	cpu      time.Duration
	requests int64
	metrics  sample
	bytes    int64
}

func takeSnapshot(ctx context.Context, c *child, t *targets, dataDir string) (snapshot, error) {
	s := snapshot{at: time.Now(), requests: t.requests.Load()}
	var err error
	if s.cpu, err = cpuTime(c.pid()); err != nil {
		return s, err
	}
	if s.bytes, err = dirSize(dataDir); err != nil {
		return s, err
	}
	client := newClient()
	defer client.CloseIdleConnections()
	if s.metrics, err = scrape(ctx, client, c.base); err != nil {
		return s, err
	}
	return s, nil
}
