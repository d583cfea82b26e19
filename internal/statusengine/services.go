package statusengine

import (
	"context"
	"fmt"
	"time"

	"sitrep"
	"sitrep/internal/incident"
)

// The services validate through internal/incident, store, and rebuild the
// snapshots before they return, so that a responder who posts an update
// and reloads the page sees it. Records they return are the engine's own
// copies and must not be modified.

// OpenIncident opens an incident by hand.
func (e *Engine) OpenIncident(ctx context.Context, in sitrep.IncidentInput) (*sitrep.Incident, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.opts.Clock.Now()
	inc, err := incident.NewIncident(in, e.cat.index, now)
	if err != nil {
		return nil, err
	}
	// The probes may have seen it first; time-to-detect starts there.
	for _, ac := range inc.Components {
		if st, ok := e.tracked[ac.ComponentID]; ok && !st.FirstFailedAt.IsZero() &&
			(inc.FirstFailedAt.IsZero() || st.FirstFailedAt.Before(inc.FirstFailedAt)) {
			inc.FirstFailedAt = st.FirstFailedAt
		}
	}
	if err := e.opts.Incidents.CreateIncident(ctx, inc); err != nil {
		return nil, fmt.Errorf("store new incident %q: %w", inc.Title, err)
	}
	e.recs.incs[inc.ID] = inc
	e.log.Info("incident opened", "id", inc.ID, "title", inc.Title, "author", in.Author)
	e.rebuildLocked(ctx, now)
	return inc, nil
}

// UpdateIncident applies a person's update; on an automatic incident it
// takes the incident over, and automation leaves it alone from then on.
func (e *Engine) UpdateIncident(ctx context.Context, id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	return e.changeIncident(ctx, id, func(inc *sitrep.Incident, now time.Time) error {
		return incident.ApplyUpdate(inc, in, e.cat.index, now)
	})
}

// ResolveIncident resolves an incident with a final update.
func (e *Engine) ResolveIncident(ctx context.Context, id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	return e.changeIncident(ctx, id, func(inc *sitrep.Incident, now time.Time) error {
		return incident.Resolve(inc, in, e.cat.index, now)
	})
}

// SetPostmortem attaches or replaces the postmortem of a resolved incident.
func (e *Engine) SetPostmortem(ctx context.Context, id string, pm sitrep.Postmortem) (*sitrep.Incident, error) {
	return e.changeIncident(ctx, id, func(inc *sitrep.Incident, now time.Time) error {
		return incident.SetPostmortem(inc, pm, now)
	})
}

func (e *Engine) changeIncident(ctx context.Context, id string, fn func(*sitrep.Incident, time.Time) error) (*sitrep.Incident, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.opts.Clock.Now()
	var wasOpen bool
	inc, err := e.opts.Incidents.UpdateIncident(ctx, id, func(inc *sitrep.Incident) error {
		wasOpen = inc.Open()
		return fn(inc, now)
	})
	if err != nil {
		if sitrep.ErrorCode(err) == sitrep.EINTERNAL {
			return nil, fmt.Errorf("update incident %s: %w", id, err)
		}
		return nil, err
	}
	e.recs.incs[inc.ID] = inc
	e.resolved(wasOpen, inc)
	e.rebuildLocked(ctx, now)
	return inc, nil
}

// Incident returns one incident as stored, internal updates included.
func (e *Engine) Incident(ctx context.Context, id string) (*sitrep.Incident, error) {
	return e.opts.Incidents.Incident(ctx, id)
}

// FindIncidents lists incidents from the store.
func (e *Engine) FindIncidents(ctx context.Context, f sitrep.IncidentFilter) ([]*sitrep.Incident, int, error) {
	return e.opts.Incidents.FindIncidents(ctx, f)
}

// ScheduleMaintenance announces a window; with a recurrence the window is
// the first of a series and the next ones are created ahead of time.
func (e *Engine) ScheduleMaintenance(ctx context.Context, in sitrep.MaintenanceInput) (*sitrep.Maintenance, error) {
	if r := in.Recurrence; r != nil && r.Location == nil && r.TimeZone != "" {
		loc, err := time.LoadLocation(r.TimeZone)
		if err != nil {
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, "recurrence", "unknown time zone %q; use an IANA name such as Europe/Oslo", r.TimeZone)
		}
		rc := *r
		rc.Location = loc
		in.Recurrence = &rc
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.opts.Clock.Now()
	m, err := incident.NewMaintenance(in, e.cat.index, now)
	if err != nil {
		return nil, err
	}
	if err := e.opts.Maintenances.CreateMaintenance(ctx, m); err != nil {
		return nil, fmt.Errorf("store new maintenance window %q: %w", m.Title, err)
	}
	e.recs.mnts[m.ID] = m
	e.log.Info("maintenance scheduled", "id", m.ID, "title", m.Title, "start", m.PlannedStart, "end", m.PlannedEnd)
	e.materialize(ctx, now)
	e.rebuildLocked(ctx, now)
	// A window that starts now, or a reminder already due, should not
	// wait for the next tick.
	e.Poke()
	return m, nil
}

// UpdateMaintenance applies a person's change to a window.
func (e *Engine) UpdateMaintenance(ctx context.Context, id string, in sitrep.MaintenanceUpdateInput) (*sitrep.Maintenance, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.opts.Clock.Now()
	m, err := e.opts.Maintenances.UpdateMaintenance(ctx, id, func(m *sitrep.Maintenance) error {
		return incident.ApplyMaintenanceUpdate(m, in, e.cat.index, now)
	})
	if err != nil {
		if sitrep.ErrorCode(err) == sitrep.EINTERNAL {
			return nil, fmt.Errorf("update maintenance window %s: %w", id, err)
		}
		return nil, err
	}
	e.recs.mnts[m.ID] = m
	e.rebuildLocked(ctx, now)
	e.Poke()
	return m, nil
}

// Maintenance returns one window as stored.
func (e *Engine) Maintenance(ctx context.Context, id string) (*sitrep.Maintenance, error) {
	return e.opts.Maintenances.Maintenance(ctx, id)
}

// FindMaintenances lists windows from the store.
func (e *Engine) FindMaintenances(ctx context.Context, f sitrep.MaintenanceFilter) ([]*sitrep.Maintenance, int, error) {
	return e.opts.Maintenances.FindMaintenances(ctx, f)
}
