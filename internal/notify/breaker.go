package notify

import (
	"sync"
	"time"
)

// breaker is a circuit breaker for one channel (or one recipient of it):
// after threshold consecutive failures it opens for cooldown, during which
// deliveries are put off without touching the provider; then one probe is
// let through (half-open) and its outcome closes or reopens the circuit.
// A dead provider thus costs one attempt per cooldown, not one per
// delivery, and its workers stay free.
type breaker struct {
	threshold int
	cooldown  time.Duration

	mu        sync.Mutex
	failures  int
	openUntil time.Time
	probing   bool
}

// allow reports whether an attempt may go ahead now; if not, when to try
// again.
func (b *breaker) allow(now time.Time) (bool, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failures < b.threshold {
		return true, time.Time{}
	}
	if now.Before(b.openUntil) {
		return false, b.openUntil
	}
	if b.probing {
		return false, now.Add(b.cooldown)
	}
	b.probing = true
	return true, time.Time{}
}

func (b *breaker) success() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures, b.probing = 0, false
}

// failure counts a failure that says something about the provider (not a
// permanent error about one message) and returns whether the circuit is
// now open.
func (b *breaker) failure(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures++
	b.probing = false
	if b.failures >= b.threshold {
		b.openUntil = now.Add(b.cooldown)
		return true
	}
	return false
}

// release ends a probe that never reached the provider (shutdown).
func (b *breaker) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
}
