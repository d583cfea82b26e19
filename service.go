package sitrep

import (
	"context"
	"time"
)

// MonitorView is what the API and CLI show about a monitor.
type MonitorView struct {
	ID         string
	Name       string
	Type       MonitorType
	Target     string
	Interval   time.Duration
	State      State
	Since      time.Time
	LastResult *Result
}

// ResultSet is an answer to a results query: raw results where they are
// kept, rollups for the part of the range older than that.
type ResultSet struct {
	MonitorID string
	From, To  time.Time
	Raw       []Result
	// Rollups cover [From, RawFrom); Resolution is the finest one available
	// that keeps the answer to a reasonable number of points.
	Resolution Resolution
	Rollups    []Rollup
}

// MonitorService is what the web layer needs from the running engine.
type MonitorService interface {
	Monitors(ctx context.Context) ([]MonitorView, error)
	Monitor(ctx context.Context, id string) (MonitorView, error)
	Results(ctx context.Context, id string, from, to time.Time) (ResultSet, error)
	// Ping records a heartbeat ping for the monitor owning token.
	Ping(ctx context.Context, token string, p Ping) error
}

// Health reports whether sitrep can do its job.
type Health struct {
	OK       bool
	Storage  error // nil while storage is writable
	Usage    Usage
	Monitors int
}

// HealthService answers /healthz.
type HealthService interface {
	Health(ctx context.Context) Health
}
