// Package evaluate turns results into monitor states. It applies hysteresis
// per location, so that one blip is not an outage, and a quorum across
// locations, so that one location's bad network is not an outage either. It
// is pure: no I/O, no goroutines, no clock.
package evaluate

import (
	"fmt"
	"slices"

	"sitrep"
)

// Tracker follows one monitor. It is not safe for concurrent use: the engine
// serializes evaluation per monitor anyway, because the order of results
// matters.
type Tracker struct {
	id        string
	th        thresholds
	declared  []string // locations the monitor is declared to run from (empty: any)
	locations map[string]*location
	order     []string // locations in first-seen order, for stable reasons
	state     sitrep.MonitorState
	// seed is the state a location starts in when it first reports: the
	// state resumed from storage, so that a restart neither forgets an
	// outage nor declares one on the first failure.
	seed sitrep.State
}

type thresholds struct {
	failuresToDown int
	successesToUp  int
	quorum         int // 0: majority of reporting locations
}

func thresholdsOf(m *sitrep.Monitor) thresholds {
	return thresholds{
		failuresToDown: max(m.FailuresToDown, 1),
		successesToUp:  max(m.SuccessesToUp, 1),
		quorum:         max(m.Quorum, 0),
	}
}

// NewTracker returns a tracker for m that resumes from st, the state last
// recorded for it (a zero MonitorState means unknown).
func NewTracker(m *sitrep.Monitor, st sitrep.MonitorState) *Tracker {
	st.MonitorID = m.ID
	if st.State == "" {
		st.State = sitrep.StateUnknown
	}
	t := &Tracker{
		id:        m.ID,
		locations: make(map[string]*location),
		state:     st,
		seed:      st.State,
	}
	t.SetMonitor(m)
	return t
}

// SetMonitor applies a reloaded definition of the monitor: new thresholds,
// quorum and locations. Counters are kept, so a monitor two failures into a
// run stays two failures in; the new thresholds apply from the next result.
// Locations no longer declared are forgotten.
func (t *Tracker) SetMonitor(m *sitrep.Monitor) {
	t.th = thresholdsOf(m)
	t.declared = slices.Clone(m.Locations)
	if len(t.declared) == 0 {
		return
	}
	t.order = slices.DeleteFunc(t.order, func(name string) bool {
		if slices.Contains(t.declared, name) {
			return false
		}
		delete(t.locations, name)
		return true
	})
}

// State returns the monitor's current state.
func (t *Tracker) State() sitrep.MonitorState { return t.state }

// Observe takes one result and returns the monitor's state after it, and the
// change if the state moved. Results of other monitors, or without a status,
// are ignored.
func (t *Tracker) Observe(r sitrep.Result) (sitrep.MonitorState, *sitrep.StateChange) {
	if r.MonitorID != t.id || r.Status < sitrep.ResultUp || r.Status > sitrep.ResultDown {
		return t.state, nil
	}
	if len(t.declared) > 0 && !slices.Contains(t.declared, r.Location) {
		return t.state, nil
	}
	loc := t.locations[r.Location]
	if loc == nil {
		loc = &location{name: r.Location, state: t.seed}
		t.locations[r.Location] = loc
		t.order = append(t.order, r.Location)
	}
	loc.observe(r, t.th)

	last := r
	t.state.LastResult = &last
	to, reason := t.decide()
	if to == t.state.State {
		return t.state, nil
	}
	c := &sitrep.StateChange{
		MonitorID: t.id,
		From:      t.state.State,
		To:        to,
		At:        r.Time,
		Reason:    reason,
	}
	t.state.State = to
	t.state.Since = r.Time
	return t.state, c
}

// decide applies the quorum to the locations' states.
func (t *Tracker) decide() (sitrep.State, string) {
	var reported, up, down, bad int
	var downLoc, badLoc, upLoc *location
	for _, name := range t.order {
		l := t.locations[name]
		reported++
		switch l.state {
		case sitrep.StateDown:
			down++
			bad++
			downLoc = pick(downLoc, l)
			badLoc = pick(badLoc, l)
		case sitrep.StateDegraded:
			bad++
			badLoc = pick(badLoc, l)
		case sitrep.StateUp:
			up++
			upLoc = pick(upLoc, l)
		}
	}
	quorum := t.quorum(reported)
	one := reported == 1
	switch {
	case down >= quorum && down > 0:
		if one {
			return sitrep.StateDown, downLoc.reason
		}
		return sitrep.StateDown, fmt.Sprintf("%d of %d locations down; %s", down, reported, downLoc.evidence())
	case bad > 0:
		if one {
			return sitrep.StateDegraded, badLoc.reason
		}
		if down > 0 {
			return sitrep.StateDegraded, fmt.Sprintf("%d of %d locations down, %d needed for down; %s", down, reported, quorum, badLoc.evidence())
		}
		return sitrep.StateDegraded, fmt.Sprintf("%d of %d locations degraded; %s", bad, reported, badLoc.evidence())
	case upLoc != nil:
		if one {
			return sitrep.StateUp, upLoc.reason
		}
		return sitrep.StateUp, fmt.Sprintf("%d of %d locations up", up, reported)
	}
	return t.state.State, ""
}

// quorum is how many locations must be down for the monitor to be down. It
// never exceeds the number of locations that can report, or a monitor with
// a quorum of 2 running from one node could never go down.
func (t *Tracker) quorum(reported int) int {
	q := t.th.quorum
	if q == 0 {
		return reported/2 + 1
	}
	limit := reported
	if len(t.declared) > 0 {
		limit = len(t.declared)
	}
	return min(q, limit)
}

// pick prefers the location whose state changed most recently, so the
// reason names the freshest evidence.
func pick(cur, l *location) *location {
	if cur == nil || l.changed.After(cur.changed) {
		return l
	}
	return cur
}
