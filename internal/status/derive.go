// Package status turns monitor states into what users see: component,
// group and page status, daily uptime, and the Statuspage-compatible
// /api/v2 documents. It is pure: no I/O, no clock; callers pass time in.
package status

import (
	"time"

	"sitrep"
)

// Derived is a component's status as its monitors alone say, by its rule.
type Derived struct {
	Status sitrep.ComponentStatus
	// Known is false when no monitor has a known state.
	Known bool
	// FirstFailedAt is the earliest Since of a degraded or down monitor;
	// DownSince the earliest Since of a down one. Zero when none.
	FirstFailedAt time.Time
	DownSince     time.Time
}

// Derive applies c's rule to the states of its monitors. Unknown monitors
// (never checked, or their state lost) are left out, so a half-configured
// component is judged by what is known; when nothing is known the
// component is operational, because a page must not announce an outage
// nobody has seen.
func Derive(c *sitrep.Component, states map[string]sitrep.MonitorState) Derived {
	var d Derived
	known, down, degraded := 0, 0, 0
	for _, id := range c.Monitors {
		st, ok := states[id]
		if !ok {
			continue
		}
		switch st.State {
		case sitrep.StateUp:
			known++
		case sitrep.StateDegraded:
			known++
			degraded++
			d.FirstFailedAt = earliest(d.FirstFailedAt, st.Since)
		case sitrep.StateDown:
			known++
			down++
			d.FirstFailedAt = earliest(d.FirstFailedAt, st.Since)
			d.DownSince = earliest(d.DownSince, st.Since)
		}
	}
	d.Known = known > 0
	rule := c.Rule.WithDefaults()
	switch {
	case known == 0:
		d.Status = sitrep.StatusOperational
	case down == known:
		d.Status = rule.AllDown
	case down > 0:
		d.Status = rule.SomeDown
	case degraded > 0:
		d.Status = rule.AnyDegraded
	default:
		d.Status = sitrep.StatusOperational
	}
	return d
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}
