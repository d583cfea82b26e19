package notify

import "time"

// Backoff is exponential backoff with full jitter: the wait before retry n
// (n = 1 after the first failure) is uniform in [0, min(Cap, Base·2^(n-1))).
// Full jitter spreads the retries of a burst that failed together (a
// provider outage hit every delivery at once) instead of bringing them
// back in lockstep.
type Backoff struct {
	Base time.Duration // default 5 s
	Cap  time.Duration // default 10 min
}

func (b Backoff) withDefaults() Backoff {
	if b.Base <= 0 {
		b.Base = 5 * time.Second
	}
	if b.Cap <= 0 {
		b.Cap = 10 * time.Minute
	}
	return b
}

// Ceiling is the upper bound of the wait before retry n.
func (b Backoff) Ceiling(n int) time.Duration {
	b = b.withDefaults()
	if n < 1 {
		n = 1
	}
	d := b.Base
	for i := 1; i < n; i++ {
		if d >= b.Cap/2 {
			return b.Cap
		}
		d *= 2
	}
	return min(d, b.Cap)
}

// Delay returns the wait before retry n given a uniform random r in [0, 1).
func (b Backoff) Delay(n int, r float64) time.Duration {
	return time.Duration(r * float64(b.Ceiling(n)))
}
