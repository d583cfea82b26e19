package notify

import (
	"sync"
	"sync/atomic"
	"time"

	"sitrep"
)

// lane is everything that belongs to one route key: its queue, its
// workers' rate limit and its circuit breaker(s). Lanes share nothing, so a
// slow or dead provider only ever fills its own queue.
type lane struct {
	key    string
	limits Limits
	// queue holds up to limits.Queue plus one claim batch: the lane counts
	// as full at limits.Queue and is then left out of claims (when the
	// store can), so the extra room absorbs the batch already claimed.
	queue  chan job
	bucket *tokenBucket // nil when unlimited
	full   atomic.Bool

	mu       sync.Mutex
	breakers map[string]*breaker
	channels map[string]bool // Delivery.Channel values routed here
}

// job is a claimed delivery and when it was claimed.
type job struct {
	d       sitrep.Delivery
	claimed time.Time
}

func newLane(key string, lim Limits, batch int, c sitrep.Clock) *lane {
	l := &lane{key: key, limits: lim, queue: make(chan job, lim.Queue+batch), breakers: map[string]*breaker{},
		channels: map[string]bool{}}
	if lim.Rate > 0 {
		l.bucket = newTokenBucket(c, lim.Rate, lim.Burst)
	}
	return l
}

func (l *lane) breakerFor(d sitrep.Delivery) *breaker {
	k := ""
	if l.limits.PerRecipient {
		k = d.Recipient
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.breakers[k]
	if !ok {
		b = &breaker{threshold: l.limits.BreakerThreshold, cooldown: l.limits.BreakerCooldown}
		l.breakers[k] = b
	}
	return b
}

// offer queues a claimed delivery; false when even the extra room is gone
// (a store that cannot leave full lanes out of claims).
func (l *lane) offer(j job) bool {
	l.mu.Lock()
	l.channels[j.d.Channel] = true
	l.mu.Unlock()
	select {
	case l.queue <- j:
	default:
		l.full.Store(true)
		return false
	}
	if len(l.queue) >= l.limits.Queue {
		l.full.Store(true)
	}
	return true
}

// channelNames returns the Delivery.Channel values routed to this lane.
func (l *lane) channelNames() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, 0, len(l.channels))
	for c := range l.channels {
		out = append(out, c)
	}
	return out
}
