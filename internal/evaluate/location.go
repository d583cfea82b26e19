package evaluate

import (
	"fmt"
	"time"

	"sitrep"
)

// location is the hysteresis of one location: runs of consecutive results
// decide when its state moves.
type location struct {
	name    string
	lastErr string
	state   sitrep.State
	changed time.Time
	reason  string

	up      int // consecutive up results
	notDown int // consecutive up or degraded results
	bad     int // consecutive degraded or down results
	down    int // consecutive down results
}

func (l *location) observe(r sitrep.Result, th thresholds) {
	l.lastErr = r.Error
	switch r.Status {
	case sitrep.ResultUp:
		l.up++
		l.notDown++
		l.bad, l.down = 0, 0
	case sitrep.ResultDegraded:
		l.notDown++
		l.bad++
		l.up, l.down = 0, 0
	case sitrep.ResultDown:
		l.bad++
		l.down++
		l.up, l.notDown = 0, 0
	}

	to, reason := l.next(r, th)
	if to != l.state {
		l.state = to
		l.changed = r.Time
		l.reason = reason
	}
}

// next is the transition table. Going worse needs failuresToDown results in
// a row, going better successesToUp; from unknown a good result is believed
// at once, because there is no outage to be cautious about ending.
func (l *location) next(r sitrep.Result, th thresholds) (sitrep.State, string) {
	switch l.state {
	case sitrep.StateUnknown, "":
		switch {
		case r.Status == sitrep.ResultUp:
			return sitrep.StateUp, "first result up"
		case r.Status == sitrep.ResultDegraded:
			return sitrep.StateDegraded, withError("first result degraded", r.Error)
		case l.down >= th.failuresToDown:
			return sitrep.StateDown, failures(l.down, r.Error)
		}
	case sitrep.StateUp:
		switch {
		case l.down >= th.failuresToDown:
			return sitrep.StateDown, failures(l.down, r.Error)
		case l.bad >= th.failuresToDown:
			return sitrep.StateDegraded, degraded(l.bad, r.Error)
		}
	case sitrep.StateDegraded:
		switch {
		case l.down >= th.failuresToDown:
			return sitrep.StateDown, failures(l.down, r.Error)
		case l.up >= th.successesToUp:
			return sitrep.StateUp, successes(l.up)
		}
	case sitrep.StateDown:
		switch {
		case l.up >= th.successesToUp:
			return sitrep.StateUp, successes(l.up)
		case l.notDown >= th.successesToUp:
			return sitrep.StateDegraded, degraded(l.notDown, r.Error)
		}
	}
	return l.state, l.reason
}

// evidence names the location and its latest error, for multi-location reasons.
func (l *location) evidence() string {
	return withError(l.name, l.lastErr)
}

func failures(n int, msg string) string {
	if n == 1 {
		return withError("1 failure", msg)
	}
	return withError(fmt.Sprintf("%d consecutive failures", n), msg)
}

func degraded(n int, msg string) string {
	if n == 1 {
		return withError("1 degraded result", msg)
	}
	return withError(fmt.Sprintf("%d consecutive degraded results", n), msg)
}

func successes(n int) string {
	if n == 1 {
		return "1 success"
	}
	return fmt.Sprintf("%d consecutive successes", n)
}

func withError(s, msg string) string {
	if msg == "" {
		return s
	}
	return s + ": " + msg
}
