package statusengine

import (
	"context"
	"errors"
	"time"

	"sitrep"
	"sitrep/internal/incident"
	"sitrep/internal/status"
)

// errSkip aborts a store update whose action no longer applies: the record
// moved on (a responder took the incident over, a window was completed by
// hand) between planning and storing.
var errSkip = errors.New("action no longer applies")

// maxRounds bounds how often one evaluation plans again after acting: a
// window materialized or started may make another step due at once, but a
// bug must not turn into a write loop.
const maxRounds = 3

// evaluateLocked reads the monitors, lets automation act, and rebuilds the
// snapshots. Failures are logged and the rest goes on: the page must keep
// showing what is known even while the store or the monitors hiccup.
func (e *Engine) evaluateLocked(ctx context.Context) {
	now := e.opts.Clock.Now()
	if e.started {
		if err := e.recs.refreshOpen(ctx, e.opts.Incidents, e.opts.Maintenances); err != nil {
			e.log.Warn("re-read open records", "err", err)
		}
		e.recs.prune(now.AddDate(-historyYears, 0, 0))
	}
	if views, err := e.opts.Monitors.Monitors(ctx); err != nil {
		e.log.Warn("read monitor states; keeping the last known", "err", err)
	} else {
		states := make(map[string]sitrep.MonitorState, len(views))
		for _, v := range views {
			states[v.ID] = sitrep.MonitorState{MonitorID: v.ID, State: v.State, Since: v.Since, LastResult: v.LastResult}
		}
		e.monitors = states
	}
	views := status.Compute(status.Input{
		Components: e.cat.Components, Monitors: e.monitors,
		Incidents: e.recs.openIncidents(), Maintenances: e.recs.activeMaintenances(),
	})
	e.tracked = status.Track(e.tracked, views, now)

	for round := 0; round < maxRounds; round++ {
		acted := false
		for _, a := range e.cat.auto.Plan(incident.Input{
			Now: now, Components: e.cat.Components, States: e.tracked,
			Incidents: e.recs.openIncidents(), Maintenances: e.recs.pendingMaintenances(),
		}) {
			if e.apply(ctx, a) {
				acted = true
			}
		}
		if e.materialize(ctx, now) {
			acted = true
		}
		if !acted {
			break
		}
	}
	e.rebuildLocked(ctx, now)
}

// apply stores one action through the store's read-modify-write, so that
// the action is re-checked against the record as stored, and reports
// whether it changed anything.
func (e *Engine) apply(ctx context.Context, a incident.Action) bool {
	log := e.log.With("action", a.String())
	switch a := a.(type) {
	case incident.OpenIncident:
		if err := e.opts.Incidents.CreateIncident(ctx, a.Incident); err != nil {
			log.Error("open automatic incident", "err", err)
			return false
		}
		e.recs.incs[a.Incident.ID] = a.Incident
	case incident.IncidentAction:
		var wasOpen bool
		inc, err := e.opts.Incidents.UpdateIncident(ctx, a.IncidentID(), func(inc *sitrep.Incident) error {
			wasOpen = inc.Open()
			if !a.Apply(inc) {
				return errSkip
			}
			return nil
		})
		if errors.Is(err, errSkip) {
			e.reread(ctx, a.IncidentID(), "")
			return false
		}
		if err != nil {
			log.Error("apply automation to incident", "err", err)
			return false
		}
		e.recs.incs[inc.ID] = inc
		e.resolved(wasOpen, inc)
	case incident.MaintenanceAction:
		m, err := e.opts.Maintenances.UpdateMaintenance(ctx, a.MaintenanceID(), func(m *sitrep.Maintenance) error {
			if !a.Apply(m) {
				return errSkip
			}
			return nil
		})
		if errors.Is(err, errSkip) {
			e.reread(ctx, "", a.MaintenanceID())
			return false
		}
		if err != nil {
			log.Error("apply automation to maintenance", "err", err)
			return false
		}
		e.recs.mnts[m.ID] = m
	default:
		log.Error("unknown automation action")
		return false
	}
	log.Info("automation")
	if e.opts.OnAction != nil {
		e.opts.OnAction(a)
	}
	return true
}

// reread replaces a cached record whose stored version turned out to
// differ, so that the next plan starts from the truth.
func (e *Engine) reread(ctx context.Context, incID, mntID string) {
	if incID != "" {
		if inc, err := e.opts.Incidents.Incident(ctx, incID); err == nil {
			e.recs.incs[incID] = inc
		} else {
			e.log.Warn("re-read incident", "id", incID, "err", err)
		}
	}
	if mntID != "" {
		if m, err := e.opts.Maintenances.Maintenance(ctx, mntID); err == nil {
			e.recs.mnts[mntID] = m
		} else {
			e.log.Warn("re-read maintenance", "id", mntID, "err", err)
		}
	}
}

// resolved reports the response times of an incident that has just been
// resolved.
func (e *Engine) resolved(wasOpen bool, inc *sitrep.Incident) {
	if wasOpen && !inc.Open() && e.opts.OnIncidentMetrics != nil {
		e.opts.OnIncidentMetrics(inc.Metrics())
	}
}

// materialize creates the coming windows of recurring series, far enough
// ahead for the longest reminder, and reports whether it created any.
func (e *Engine) materialize(ctx context.Context, now time.Time) bool {
	created := false
	for _, s := range e.recs.series() {
		have := e.recs.occurrenceStarts(s.ID)
		for _, m := range incident.Materialize(s, have, now, now.Add(e.cat.horizon), now) {
			if err := e.opts.Maintenances.CreateMaintenance(ctx, m); err != nil {
				e.log.Error("create recurring maintenance window", "series", s.ID, "start", m.PlannedStart, "err", err)
				continue
			}
			e.recs.mnts[m.ID] = m
			created = true
			e.log.Info("scheduled recurring maintenance window", "series", s.ID, "id", m.ID, "start", m.PlannedStart)
		}
	}
	return created
}
