package notify

import (
	"context"
	"sync"
	"time"

	"sitrep"
)

// tokenBucket allows rate sends per second with bursts of burst, on the
// injected clock so tests advance it instead of sleeping.
type tokenBucket struct {
	clock sitrep.Clock
	rate  float64
	burst float64

	mu     sync.Mutex
	tokens float64
	last   time.Time
}

func newTokenBucket(c sitrep.Clock, rate float64, burst int) *tokenBucket {
	if burst < 1 {
		burst = 1
	}
	return &tokenBucket{clock: c, rate: rate, burst: float64(burst), tokens: float64(burst), last: c.Now()}
}

// reserve takes a token if one is there; otherwise it says how long until
// the next one.
func (b *tokenBucket) reserve() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clock.Now()
	if now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

// wait blocks until a token is taken or ctx ends.
func (b *tokenBucket) wait(ctx context.Context) error {
	for {
		d := b.reserve()
		if d <= 0 {
			return nil
		}
		t := b.clock.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C():
		}
	}
}
