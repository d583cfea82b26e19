package accounts

import (
	"sync"
	"time"
)

// limiter slows down guessing. Each key (an address, an account) gets a
// number of free failures; after that every further attempt must wait twice
// as long as the one before, up to a ceiling. Attempts are counted when they
// start and forgiven on success, so a burst of parallel guesses cannot slip
// through before the first failure is recorded.
type limiter struct {
	free    int
	base    time.Duration
	ceiling time.Duration
	// forget is how long a key must stay quiet before its failures are
	// forgotten, so one forgotten password does not lock an account forever.
	forget time.Duration
	max    int // entries kept before old ones are pruned

	mu      sync.Mutex
	entries map[string]*attempts
}

type attempts struct {
	n    int
	last time.Time
}

func newLimiter(free int) *limiter {
	return &limiter{free: free, base: 15 * time.Second, ceiling: 15 * time.Minute, forget: time.Hour,
		max: 100_000, entries: map[string]*attempts{}}
}

// delay is how long after its last attempt a key with n counted attempts
// must wait.
func (l *limiter) delay(n int) time.Duration {
	if n < l.free {
		return 0
	}
	d := l.base
	for i := l.free; i < n && d < l.ceiling; i++ {
		d *= 2
	}
	return min(d, l.ceiling)
}

// begin counts an attempt for every key, or, when any key must still wait,
// counts nothing and returns how long.
func (l *limiter) begin(now time.Time, keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		a := l.entries[k]
		if a == nil || now.Sub(a.last) >= l.forget {
			continue
		}
		if w := a.last.Add(l.delay(a.n)).Sub(now); w > wait {
			wait = w
		}
	}
	if wait > 0 {
		return wait
	}
	if len(l.entries) >= l.max {
		l.pruneLocked(now)
	}
	for _, k := range keys {
		a := l.entries[k]
		if a == nil || now.Sub(a.last) >= l.forget {
			a = &attempts{}
			l.entries[k] = a
		}
		a.n++
		a.last = now
	}
	return 0
}

// succeed forgives the attempts of every key.
func (l *limiter) succeed(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		delete(l.entries, k)
	}
}

func (l *limiter) pruneLocked(now time.Time) {
	for k, a := range l.entries {
		// Keys already being slowed down are kept, or flooding the table
		// with new keys would reset an attacker's own delay.
		if now.Sub(a.last) >= l.forget || a.n < l.free {
			delete(l.entries, k)
		}
	}
}
