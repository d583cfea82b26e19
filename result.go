package sitrep

import "time"

// ResultStatus is the verdict of one check.
type ResultStatus uint8

const (
	ResultUp       ResultStatus = 1
	ResultDegraded ResultStatus = 2
	ResultDown     ResultStatus = 3
)

func (s ResultStatus) String() string {
	switch s {
	case ResultUp:
		return "up"
	case ResultDegraded:
		return "degraded"
	case ResultDown:
		return "down"
	}
	return "unknown"
}

// Phases are the timings of one check's steps; zero where a step did not
// happen (a reused resolver answer, plain HTTP without TLS).
type Phases struct {
	DNS       time.Duration
	Connect   time.Duration
	TLS       time.Duration
	FirstByte time.Duration
}

// Result is one execution of a monitor at one location.
type Result struct {
	MonitorID string
	Location  string
	Time      time.Time // when the check started
	Status    ResultStatus
	Latency   time.Duration
	Phases    Phases
	// Error says what was wrong, for a degraded or down result: e.g.
	// "status 503, expected 200", "connect: connection refused",
	// "certificate expires in 2 days (2026-11-23)". Empty for up.
	Error string
}

// Resolution is the granularity of a rollup.
type Resolution string

const (
	ResolutionRaw    Resolution = "raw"
	ResolutionMinute Resolution = "minute"
	ResolutionHour   Resolution = "hour"
	ResolutionDay    Resolution = "day"
)

// Duration returns the length of one bucket (0 for raw).
func (r Resolution) Duration() time.Duration {
	switch r {
	case ResolutionMinute:
		return time.Minute
	case ResolutionHour:
		return time.Hour
	case ResolutionDay:
		return 24 * time.Hour
	}
	return 0
}

// Rollup aggregates the results of one monitor over one bucket (all
// locations together). Buckets are aligned to UTC.
type Rollup struct {
	MonitorID  string
	Resolution Resolution
	Start      time.Time
	Up         int
	Degraded   int
	Down       int
	// Latency figures cover up and degraded results only: a refused
	// connection is fast and would flatter the mean.
	LatencySum time.Duration
	LatencyMin time.Duration
	LatencyMax time.Duration
}

// Count is the number of results in the bucket.
func (r Rollup) Count() int { return r.Up + r.Degraded + r.Down }

// Uptime is the fraction of results that were up or degraded (1 when empty).
func (r Rollup) Uptime() float64 {
	n := r.Count()
	if n == 0 {
		return 1
	}
	return float64(r.Up+r.Degraded) / float64(n)
}

// LatencyMean is the mean latency of good results.
func (r Rollup) LatencyMean() time.Duration {
	n := r.Up + r.Degraded
	if n == 0 {
		return 0
	}
	return r.LatencySum / time.Duration(n)
}
