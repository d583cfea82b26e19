package status

import (
	"time"

	"sitrep"
)

// Source says where a component's shown status comes from.
type Source struct {
	// Kind is "monitors", "incident" or "maintenance".
	Kind string
	// ID is the incident or maintenance id for explicit statuses.
	ID string
}

// Source kinds.
const (
	SourceMonitors    = "monitors"
	SourceIncident    = "incident"
	SourceMaintenance = "maintenance"
)

// ComponentView is a component with the status a page shows for it.
type ComponentView struct {
	Component *sitrep.Component
	// Status is what the page shows: the explicit status of an open
	// incident or active maintenance when there is one, else Derived.
	Status  sitrep.ComponentStatus
	Derived Derived
	Source  Source
	// Visible is false for a component hidden until degraded while it is
	// operational.
	Visible bool
}

// Input is everything Compute needs.
type Input struct {
	Components []sitrep.Component
	Monitors   map[string]sitrep.MonitorState
	// Incidents and Maintenances may include closed ones; only open
	// incidents and active windows set statuses.
	Incidents    []*sitrep.Incident
	Maintenances []*sitrep.Maintenance
}

// Compute returns the view of every component, in input order.
//
// An explicit status wins over the derived one until the incident is
// resolved or the window ends: the people handling it know more than the
// probes (a component can be "fine" to a probe and broken for users). When
// several explicit statuses apply, the most severe wins, which lets an
// incident's outage show through a maintenance window on the same component.
func Compute(in Input) []ComponentView {
	explicit := make(map[string]explicitStatus, len(in.Incidents))
	for _, inc := range in.Incidents {
		if !inc.Open() {
			continue
		}
		for _, ac := range inc.Components {
			explicit[ac.ComponentID] = explicit[ac.ComponentID].worse(ac.Status, Source{SourceIncident, inc.ID})
		}
	}
	for _, m := range in.Maintenances {
		if !m.Status.Active() {
			continue
		}
		for _, id := range m.Components {
			explicit[id] = explicit[id].worse(sitrep.StatusUnderMaintenance, Source{SourceMaintenance, m.ID})
		}
	}
	views := make([]ComponentView, len(in.Components))
	for i := range in.Components {
		c := &in.Components[i]
		d := Derive(c, in.Monitors)
		v := ComponentView{Component: c, Status: d.Status, Derived: d, Source: Source{Kind: SourceMonitors}}
		if e, ok := explicit[c.ID]; ok && e.set {
			v.Status, v.Source = e.status, e.source
		}
		v.Visible = !c.HiddenUntilDegraded || v.Status != sitrep.StatusOperational
		views[i] = v
	}
	return views
}

type explicitStatus struct {
	set    bool
	status sitrep.ComponentStatus
	source Source
}

func (e explicitStatus) worse(s sitrep.ComponentStatus, src Source) explicitStatus {
	if !e.set || s.Severity() > e.status.Severity() {
		return explicitStatus{set: true, status: s, source: src}
	}
	return e
}

// Track advances the derived component states automation works from. prev
// holds the states from the last call (nil at start); the answer holds one
// state per view. Since moves only when the status changes, and an outage
// keeps its start while it moves between partial and major.
func Track(prev map[string]sitrep.ComponentState, views []ComponentView, now time.Time) map[string]sitrep.ComponentState {
	next := make(map[string]sitrep.ComponentState, len(views))
	for _, v := range views {
		id := v.Component.ID
		d := v.Derived
		p, had := prev[id]
		s := sitrep.ComponentState{
			ComponentID:   id,
			Status:        d.Status,
			Since:         now,
			FirstFailedAt: d.FirstFailedAt,
			Known:         d.Known,
		}
		if had && p.Status == d.Status {
			s.Since = p.Since
		}
		if d.Status.IsOutage() {
			switch {
			case had && p.Status.IsOutage() && !p.OutageSince.IsZero():
				s.OutageSince = p.OutageSince
			case !d.DownSince.IsZero() && !d.DownSince.After(now):
				// The monitors know when they went down; after a restart that
				// is better than "now", which would restart the auto-open timer.
				s.OutageSince = d.DownSince
			default:
				s.OutageSince = now
			}
		}
		next[id] = s
	}
	return next
}
