package sitrep

import "time"

// Observer receives measurements as they happen; internal/metrics turns them
// into Prometheus metrics. Implementations must be cheap and safe for
// concurrent use: they sit on the check path.
type Observer interface {
	// CheckDone is called once per executed check.
	CheckDone(t MonitorType, s ResultStatus, latency time.Duration)
	// SchedulerLag is how late a check started against its planned time.
	SchedulerLag(d time.Duration)
	// StoreWrite is called once per batch of results written.
	StoreWrite(d time.Duration, results int, err error)
}

// NopObserver discards every measurement.
type NopObserver struct{}

func (NopObserver) CheckDone(MonitorType, ResultStatus, time.Duration) {}
func (NopObserver) SchedulerLag(time.Duration)                         {}
func (NopObserver) StoreWrite(time.Duration, int, error)               {}
