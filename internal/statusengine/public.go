package statusengine

import (
	"time"

	"sitrep"
)

// publicIncident returns a copy of inc that holds only what the public may
// see: the public updates, and an UpdatedAt moved by nothing else. Every
// builder of a snapshot works from such copies, so an internal note can
// neither appear on a page nor move a timestamp or version there.
func publicIncident(inc *sitrep.Incident) *sitrep.Incident {
	c := *inc
	c.Updates = make([]sitrep.IncidentUpdate, 0, len(inc.Updates))
	c.UpdatedAt = inc.CreatedAt
	for _, u := range inc.Updates {
		if u.Public {
			c.Updates = append(c.Updates, u)
			c.UpdatedAt = latest(c.UpdatedAt, u.CreatedAt)
		}
	}
	c.UpdatedAt = latest(latest(c.UpdatedAt, inc.MonitoringAt), inc.ResolvedAt)
	if pm := inc.Postmortem; pm != nil && pm.Published {
		c.UpdatedAt = latest(c.UpdatedAt, pm.UpdatedAt)
		// Owners and the author are people inside the organisation.
		pc := *pm
		pc.Author = ""
		pc.ActionItems = make([]sitrep.ActionItem, len(pm.ActionItems))
		for i, a := range pm.ActionItems {
			a.Owner = ""
			pc.ActionItems[i] = a
		}
		c.Postmortem = &pc
	} else {
		c.Postmortem = nil
	}
	c.NudgedAt = time.Time{}
	return &c
}

// publicMaintenance is publicIncident for a maintenance window.
func publicMaintenance(m *sitrep.Maintenance) *sitrep.Maintenance {
	c := *m
	c.Updates = make([]sitrep.MaintenanceUpdate, 0, len(m.Updates))
	c.UpdatedAt = m.CreatedAt
	for _, u := range m.Updates {
		if u.Public {
			c.Updates = append(c.Updates, u)
			c.UpdatedAt = latest(c.UpdatedAt, u.CreatedAt)
		}
	}
	c.UpdatedAt = latest(latest(c.UpdatedAt, m.ActualStart), m.ActualEnd)
	c.RemindersSent = nil
	return &c
}
