package notify

import "time"

// Outcome is what became of one delivery attempt.
type Outcome string

const (
	OutcomeDelivered Outcome = "delivered" // the receiver accepted it
	OutcomeRetry     Outcome = "retry"     // failed, will be retried after a backoff
	OutcomeFailed    Outcome = "failed"    // given up: permanent error, max age, or no route
	OutcomeDeferred  Outcome = "deferred"  // not attempted: circuit open or lane full
)

// Metrics receives what the dispatcher measures; the app adapts it to
// Prometheus. Implementations must be safe for concurrent use.
type Metrics interface {
	// Attempt is called once per delivery handled, with the route key and,
	// for attempts that reached a sender, how long the send took.
	Attempt(channel string, outcome Outcome, latency time.Duration)
	// QueueAge is called when an attempt starts, with how long ago the
	// delivery was created (the notification's end-to-end delay so far).
	QueueAge(channel string, age time.Duration)
}

type nopMetrics struct{}

func (nopMetrics) Attempt(string, Outcome, time.Duration) {}
func (nopMetrics) QueueAge(string, time.Duration)         {}
