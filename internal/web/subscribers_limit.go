package web

import (
	"net"
	"net/netip"
	"sync"
	"time"
)

// limiter is a set of token buckets keyed by client or address. The map is
// bounded: when it is full, buckets that have refilled are forgotten (they
// would behave as new ones anyway), and if a flood of distinct keys leaves
// none refilled, the map starts over rather than grow without end.
type limiter struct {
	mu      sync.Mutex
	burst   float64
	every   time.Duration // one token back per every
	max     int
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(burst int, every time.Duration, max int) *limiter {
	return &limiter{burst: float64(burst), every: every, max: max, buckets: make(map[string]*bucket)}
}

// allow takes a token for key at now; when none is left it says how long
// until one is.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.max {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = l.level(b, now)
	b.at = now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(l.every))
	}
	b.tokens--
	return true, 0
}

func (l *limiter) level(b *bucket, now time.Time) float64 {
	return min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.every))
}

func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if l.level(b, now) >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= l.max {
		clear(l.buckets)
	}
}

// clientKey is the remote address, IPv6 clients by their /64 (one host
// usually holds a whole /64). Behind a reverse proxy every request shares
// the proxy's address; trusting a forwarded-for header is the proxy
// configuration's job, not something a public form may believe.
func clientKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
