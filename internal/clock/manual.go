// Package clock provides a manual sitrep.Clock for tests: time moves only when
// the test says so, and timers fire as it passes their deadline.
package clock

import (
	"sort"
	"sync"
	"time"

	"sitrep"
)

// Manual is a sitrep.Clock whose time is set by Advance and Set.
type Manual struct {
	mu     sync.Mutex
	now    time.Time
	timers []*manualTimer
}

// NewManual returns a manual clock set to t.
func NewManual(t time.Time) *Manual { return &Manual{now: t} }

// Now returns the clock's current time.
func (c *Manual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires when the clock reaches now+d.
func (c *Manual) NewTimer(d time.Duration) sitrep.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &manualTimer{clock: c, ch: make(chan time.Time, 1)}
	t.when = c.now.Add(d)
	t.active = true
	c.timers = append(c.timers, t)
	c.fireLocked()
	return t
}

// Advance moves the clock forward by d, firing timers in deadline order.
func (c *Manual) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setLocked(c.now.Add(d))
}

// Set moves the clock to t (never backwards).
func (c *Manual) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.setLocked(t)
	}
}

// Timers returns the number of active timers, so a test can wait until the
// code under test is blocked on one before advancing.
func (c *Manual) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.timers {
		if t.active {
			n++
		}
	}
	return n
}

// setLocked walks time forward deadline by deadline so that a timer observes
// the time it was due, not the final time.
func (c *Manual) setLocked(end time.Time) {
	for {
		sort.Slice(c.timers, func(i, j int) bool { return c.timers[i].when.Before(c.timers[j].when) })
		var next *manualTimer
		for _, t := range c.timers {
			if t.active && !t.when.After(end) {
				next = t
				break
			}
		}
		if next == nil {
			c.now = end
			c.compactLocked()
			return
		}
		if next.when.After(c.now) {
			c.now = next.when
		}
		c.fireLocked()
	}
}

func (c *Manual) fireLocked() {
	for _, t := range c.timers {
		if t.active && !t.when.After(c.now) {
			t.active = false
			select {
			case t.ch <- c.now:
			default:
			}
		}
	}
}

func (c *Manual) compactLocked() {
	keep := c.timers[:0]
	for _, t := range c.timers {
		if t.active {
			keep = append(keep, t)
		}
	}
	c.timers = keep
}

type manualTimer struct {
	clock  *Manual
	ch     chan time.Time
	when   time.Time
	active bool
}

func (t *manualTimer) C() <-chan time.Time { return t.ch }

func (t *manualTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	was := t.active
	t.active = false
	return was
}

func (t *manualTimer) Reset(d time.Duration) bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	was := t.active
	t.when = c.now.Add(d)
	t.active = true
	found := false
	for _, x := range c.timers {
		if x == t {
			found = true
		}
	}
	if !found {
		c.timers = append(c.timers, t)
	}
	c.fireLocked()
	return was
}
