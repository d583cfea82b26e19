package sitrep

import (
	"context"
	"time"
)

// Store is where sitrep keeps what it must not forget. It is implemented on
// SQLite and PostgreSQL by internal/sqlstore and checked by one conformance
// suite (internal/storetest).
type Store interface {
	// AppendResults durably writes a batch of results. The caller batches
	// every second or so; once it returns nil the results survive a crash.
	AppendResults(ctx context.Context, results []Result) error
	// Results returns the raw results of one monitor with from <= Time < to,
	// oldest first. Raw results older than what the budget kept are simply
	// absent; use Rollups for those.
	Results(ctx context.Context, monitorID string, from, to time.Time) ([]Result, error)
	// Rollups returns aggregates at one resolution with from <= Start < to,
	// oldest first.
	Rollups(ctx context.Context, monitorID string, res Resolution, from, to time.Time) ([]Rollup, error)
	// OldestRaw returns the time of the oldest raw result kept for a monitor
	// (zero when there is none), so readers know where raw data stops.
	OldestRaw(ctx context.Context, monitorID string) (time.Time, error)

	// RecordStateChange durably stores a state change and the monitor's new
	// current state in one transaction.
	RecordStateChange(ctx context.Context, c StateChange) error
	// MonitorStates returns the last recorded state of every monitor, so a
	// restart resumes where it stopped.
	MonitorStates(ctx context.Context) ([]MonitorState, error)
	// StateChanges returns a monitor's transitions with from <= At < to, oldest first.
	StateChanges(ctx context.Context, monitorID string, from, to time.Time) ([]StateChange, error)

	// HeartbeatToken returns the ping token of a heartbeat monitor, creating a
	// random one the first time; a pinned token from config replaces it.
	HeartbeatToken(ctx context.Context, monitorID, pinned string) (string, error)
	// HeartbeatByToken resolves a ping token to its monitor id (ENOTFOUND if none).
	HeartbeatByToken(ctx context.Context, token string) (string, error)
	// RecordPing durably stores a heartbeat ping.
	RecordPing(ctx context.Context, p Ping) error
	// LastPings returns the most recent pings of one monitor, newest first.
	LastPings(ctx context.Context, monitorID string, limit int) ([]Ping, error)

	// Maintain does the background work: compacts recent results into
	// blocks, builds rollups up to now, and enforces the storage budget.
	Maintain(ctx context.Context, now time.Time) error
	// Usage reports how much space storage takes and what the budget allows.
	Usage(ctx context.Context) (Usage, error)
	// Writable checks that storage accepts a write right now (for /healthz).
	Writable(ctx context.Context) error

	Close() error
}

// Usage is how much room storage takes.
type Usage struct {
	// Bytes used by the database (file sizes for SQLite, pg_database_size for PostgreSQL).
	Bytes int64
	// Budget is the configured cap on Bytes.
	Budget int64
	// DiskFree is the free space on the file system holding the data (-1 if
	// unknown, e.g. a remote PostgreSQL).
	DiskFree int64
	// LowDisk is true while free disk space is below the safety floor and raw
	// results are being dropped to protect everything else.
	LowDisk bool
	// RawResults, Rollups are rough counts for display.
	RawResults int64
	// OldestRaw is the oldest raw result kept for any monitor.
	OldestRaw time.Time
}

// PingKind is what a heartbeat ping reports.
type PingKind string

const (
	PingSuccess PingKind = "success"
	PingStart   PingKind = "start"
	PingFail    PingKind = "fail"
)

// Ping is one call of a heartbeat URL.
type Ping struct {
	MonitorID string
	Kind      PingKind
	Time      time.Time
	// Duration and Size are optional figures reported by the job (query
	// parameters duration= and size=); zero when not given.
	Duration time.Duration
	Size     int64
	// Message is a short text the job sent in the body (capped), e.g. its last log line.
	Message string
	Source  string // remote address
}
