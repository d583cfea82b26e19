package incident

import (
	"fmt"
	"slices"
	"time"

	"sitrep"
)

// Config is how sitrep handles incidents and maintenance on its own.
type Config struct {
	// Defaults apply to every component without its own override.
	Defaults sitrep.IncidentAutomation
	// Reminders are sent this long before a window starts. nil means the
	// defaults (24 h and 1 h); an empty, non-nil slice sends none.
	Reminders []time.Duration
	Templates Templates
	// Location is the zone times are written in (the main page's).
	Location *time.Location
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{Defaults: sitrep.DefaultIncidentAutomation(), Reminders: []time.Duration{24 * time.Hour, time.Hour}}
}

// Automation decides what sitrep does by itself. It holds only its
// configuration and compiled templates, and is safe for concurrent use.
type Automation struct {
	cfg       Config
	reminders []time.Duration // longest first
	t         *compiled
}

// NewAutomation checks cfg and compiles its templates, so a broken template
// fails the start, not an outage.
func NewAutomation(cfg Config) (*Automation, error) {
	t, err := compileTemplates(cfg.Templates)
	if err != nil {
		return nil, err
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"incidents.auto_open_after", cfg.Defaults.AutoOpenAfter},
		{"incidents.auto_resolve_after", cfg.Defaults.AutoResolveAfter},
		{"incidents.nudge_after", cfg.Defaults.NudgeAfter},
	} {
		if d.v < 0 {
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, d.name, "%v is negative; use a duration such as 2m, or off", d.v)
		}
	}
	rem := cfg.Reminders
	if rem == nil {
		rem = DefaultConfig().Reminders
	}
	for _, r := range rem {
		if r <= 0 {
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, "maintenance.reminders", "%v is not a positive duration before the start", r)
		}
	}
	rem = slices.Clone(rem)
	slices.Sort(rem)
	slices.Reverse(rem)
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	return &Automation{cfg: cfg, reminders: slices.Compact(rem), t: t}, nil
}

// Input is the world automation looks at.
type Input struct {
	Now        time.Time
	Components []sitrep.Component
	// States are the derived component states (status.Track): what the
	// monitors say, not what incidents pin.
	States map[string]sitrep.ComponentState
	// Incidents and Maintenances need only hold the open incidents and the
	// windows that are not completed; others are ignored.
	Incidents    []*sitrep.Incident
	Maintenances []*sitrep.Maintenance
}

// Plan returns what to do now, in a stable order: incidents to open, then
// incident changes and nudges, then maintenance steps. Plan is idempotent:
// once the caller has applied the actions, the same input yields none of
// them again.
func (a *Automation) Plan(in Input) []Action {
	p := planner{a: a, in: in, comps: make(map[string]*sitrep.Component, len(in.Components))}
	for i := range in.Components {
		p.comps[in.Components[i].ID] = &in.Components[i]
	}
	p.autoOpen()
	for _, inc := range in.Incidents {
		if inc.Open() {
			p.followIncident(inc)
		}
	}
	for _, m := range in.Maintenances {
		p.followMaintenance(m)
	}
	return p.out
}

type planner struct {
	a     *Automation
	in    Input
	comps map[string]*sitrep.Component
	out   []Action
}

func (p *planner) settings(id string) sitrep.IncidentAutomation {
	s := p.a.cfg.Defaults
	if c, ok := p.comps[id]; ok {
		s = s.With(c.Automation)
	}
	return s
}

// state returns a component's derived state; a component that is no longer
// declared counts as operational so that it never holds anything open.
func (p *planner) state(id string) sitrep.ComponentState {
	if s, ok := p.in.States[id]; ok {
		return s
	}
	return sitrep.ComponentState{ComponentID: id, Status: sitrep.StatusOperational}
}

// autoOpen opens one incident for every component that has been in outage
// for its auto_open_after with nothing covering it. Components that qualify
// at the same moment usually share a cause, so they share one incident.
func (p *planner) autoOpen() {
	covered := map[string]bool{}
	for _, inc := range p.in.Incidents {
		if inc.Open() {
			for _, c := range inc.Components {
				covered[c.ComponentID] = true
			}
		}
	}
	for _, m := range p.in.Maintenances {
		// Planned work explains the outage; a window whose start has come
		// counts even before it is marked in progress.
		if m.Status.Active() || (m.Status == sitrep.MaintenanceScheduled && !p.in.Now.Before(m.PlannedStart)) {
			for _, id := range m.Components {
				covered[id] = true
			}
		}
	}
	var affected []sitrep.AffectedComponent
	var names []string
	var firstFailed, outageSince time.Time
	for _, c := range p.in.Components {
		st := p.state(c.ID)
		after := p.settings(c.ID).AutoOpenAfter
		if covered[c.ID] || !st.Status.IsOutage() || after <= 0 || st.OutageSince.IsZero() || p.in.Now.Sub(st.OutageSince) < after {
			continue
		}
		affected = append(affected, sitrep.AffectedComponent{ComponentID: c.ID, Status: st.Status})
		names = append(names, render(p.a.t.phrase, c))
		firstFailed = earliest(firstFailed, st.FirstFailedAt)
		outageSince = earliest(outageSince, st.OutageSince)
	}
	if len(affected) == 0 {
		return
	}
	now := p.in.Now
	data := TemplateData{Components: joinPhrases(names), Plural: len(names) > 1}
	inc := &sitrep.Incident{
		Title: render(p.a.t.openTitle, data), Impact: ImpactOf(affected), Status: sitrep.IncidentInvestigating,
		Components: affected, Automatic: true,
		CreatedAt: now, UpdatedAt: now, StartedAt: earliest(outageSince, firstFailed),
		FirstFailedAt: firstFailed, DetectedAt: now,
	}
	if len([]rune(inc.Title)) > MaxTitle {
		inc.Title = string([]rune(inc.Title)[:MaxTitle-1]) + "…"
	}
	inc.Updates = []sitrep.IncidentUpdate{{
		Status: sitrep.IncidentInvestigating, Message: render(p.a.t.open, data), Public: true,
		At: now, CreatedAt: now, Author: sitrep.AutomationAuthor, Components: slices.Clone(affected),
	}}
	p.out = append(p.out, OpenIncident{Incident: inc})
}

// incidentSettings merges the settings of an incident's components: the
// most eager nudge, and auto-resolve only if every component allows it.
func (p *planner) incidentSettings(inc *sitrep.Incident) sitrep.IncidentAutomation {
	if len(inc.Components) == 0 {
		return p.a.cfg.Defaults
	}
	var out sitrep.IncidentAutomation
	for i, c := range inc.Components {
		s := p.settings(c.ComponentID)
		if i == 0 {
			out = s
			continue
		}
		if s.NudgeAfter > 0 && (out.NudgeAfter <= 0 || s.NudgeAfter < out.NudgeAfter) {
			out.NudgeAfter = s.NudgeAfter
		}
		if s.AutoResolveAfter <= 0 || out.AutoResolveAfter <= 0 {
			out.AutoResolveAfter = 0
		} else {
			out.AutoResolveAfter = max(out.AutoResolveAfter, s.AutoResolveAfter)
		}
	}
	return out
}

func (p *planner) followIncident(inc *sitrep.Incident) {
	now := p.in.Now
	set := p.incidentSettings(inc)
	updated := false
	if inc.Automatic && !inc.TakenOver {
		updated = p.automate(inc, set)
	}
	if updated || set.NudgeAfter <= 0 {
		return
	}
	last := inc.CreatedAt
	for _, u := range inc.Updates {
		if u.Public && u.CreatedAt.After(last) {
			last = u.CreatedAt
		}
	}
	due := last
	if inc.NudgedAt.After(due) {
		due = inc.NudgedAt
	}
	if now.Sub(due) < set.NudgeAfter {
		return
	}
	msg := render(p.a.t.nudge, TemplateData{Title: inc.Title, Since: humanDuration(now.Sub(last))})
	p.out = append(p.out, Nudge{ID: inc.ID, Title: inc.Title, LastPublic: last, Message: msg, At: now})
}

// automate follows an automatic incident nobody has taken over; it reports
// whether it posted a public update.
func (p *planner) automate(inc *sitrep.Incident, set sitrep.IncidentAutomation) bool {
	now := p.in.Now
	recovered, outage := true, false
	var current []sitrep.AffectedComponent
	var names []string
	var sync []sitrep.AffectedComponent
	for _, ac := range inc.Components {
		st := p.state(ac.ComponentID)
		if st.Status != sitrep.StatusOperational {
			recovered = false
		}
		if st.Status.IsOutage() {
			outage = true
		}
		current = append(current, sitrep.AffectedComponent{ComponentID: ac.ComponentID, Status: st.Status})
		if c, ok := p.comps[ac.ComponentID]; ok {
			names = append(names, render(p.a.t.phrase, c))
		} else {
			names = append(names, ac.ComponentID)
		}
		if st.Status != ac.Status && st.Status != sitrep.StatusOperational {
			sync = append(sync, sitrep.AffectedComponent{ComponentID: ac.ComponentID, Status: st.Status})
		}
	}
	data := TemplateData{Title: inc.Title, Components: joinPhrases(names), Plural: len(names) > 1}
	switch {
	case inc.Status != sitrep.IncidentMonitoring && recovered:
		p.out = append(p.out, UpdateIncident{ID: inc.ID, Status: sitrep.IncidentMonitoring,
			Message: render(p.a.t.monitoring, data), Components: current, At: now,
			Reason: "all affected components are operational"})
		return true
	case inc.Status == sitrep.IncidentMonitoring && outage:
		p.out = append(p.out, UpdateIncident{ID: inc.ID, Status: sitrep.IncidentInvestigating,
			Message: render(p.a.t.relapse, data), Components: current, At: now,
			Reason: "an affected component is in outage again"})
		return true
	case inc.Status == sitrep.IncidentMonitoring && recovered && set.AutoResolveAfter > 0:
		calm := !inc.MonitoringAt.IsZero() && now.Sub(inc.MonitoringAt) >= set.AutoResolveAfter
		for _, ac := range inc.Components {
			if st, ok := p.in.States[ac.ComponentID]; ok && now.Sub(st.Since) < set.AutoResolveAfter {
				calm = false
			}
		}
		if calm {
			p.out = append(p.out, UpdateIncident{ID: inc.ID, Status: sitrep.IncidentResolved,
				Message: render(p.a.t.resolved, data), At: now,
				Reason: fmt.Sprintf("operational for %s while monitoring", humanDuration(set.AutoResolveAfter))})
			return true
		}
	case len(sync) > 0 && inc.Status != sitrep.IncidentMonitoring:
		// The outage changed shape (partial became major): the page must
		// show it, but a status change alone is not worth a message.
		p.out = append(p.out, SyncComponents{ID: inc.ID, Components: sync, At: now})
	}
	return false
}

func (p *planner) followMaintenance(m *sitrep.Maintenance) {
	now := p.in.Now
	loc := p.a.cfg.Location
	data := TemplateData{
		Title: m.Title,
		Start: m.PlannedStart.In(loc).Format(messageTime), End: m.PlannedEnd.In(loc).Format(messageTime),
		Planned: humanDuration(m.PlannedDuration()), Overrun: m.Overrun,
	}
	switch {
	case m.Status == sitrep.MaintenanceScheduled && !now.Before(m.PlannedStart):
		p.out = append(p.out, StartMaintenance{ID: m.ID, Message: render(p.a.t.start, data), At: now})
	case m.Status == sitrep.MaintenanceScheduled:
		p.remind(m, data)
	case m.Status.Active() && !now.Before(m.PlannedEnd):
		healthy := true
		for _, id := range m.Components {
			if p.state(id).Status != sitrep.StatusOperational {
				healthy = false
			}
		}
		switch {
		case healthy:
			if !m.ActualStart.IsZero() {
				data.Actual = humanDuration(now.Sub(m.ActualStart))
			}
			p.out = append(p.out, CompleteMaintenance{ID: m.ID, Message: render(p.a.t.complete, data), At: now})
		case !m.Overrun:
			p.out = append(p.out, OverrunMaintenance{ID: m.ID, Message: render(p.a.t.overrun, data), At: now})
		}
	}
}

// messageTime is how window times read in messages: "Sun 29 Nov 02:00 CET".
const messageTime = "Mon 2 Jan 15:04 MST"

// remind sends the nearest due reminder. Reminders due before the window
// was announced are skipped (the announcement said it all), and when
// several are due at once, as after a restart, only the nearest is sent and
// the others are marked as sent with it.
func (p *planner) remind(m *sitrep.Maintenance, data TemplateData) {
	now := p.in.Now
	var due []time.Duration
	for _, r := range p.a.reminders {
		at := m.PlannedStart.Add(-r)
		if m.Reminded(r) || now.Before(at) || at.Before(m.CreatedAt) {
			continue
		}
		due = append(due, r)
	}
	if len(due) == 0 {
		return
	}
	nearest := due[len(due)-1]
	data.Before = humanDuration(m.PlannedStart.Sub(now))
	p.out = append(p.out, RemindMaintenance{ID: m.ID, Before: nearest, Covers: due, Message: render(p.a.t.reminder, data), At: now})
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}
