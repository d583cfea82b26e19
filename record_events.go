package sitrep

// IncidentEvents returns what a change of an incident from old (nil when
// it is new) to inc must tell subscribers. The store calls it inside the
// transaction that writes the change, after new updates got their IDs, so
// every change — from the API, the admin UI or automation — announces
// itself exactly once and never without being committed.
//
// Only public updates are announced: an internal note or a nudge is for
// staff and never reaches a subscriber.
func IncidentEvents(old, inc *Incident) []Event {
	seen := map[string]bool{}
	if old != nil {
		for _, u := range old.Updates {
			seen[u.ID] = true
		}
	}
	comps := make([]string, len(inc.Components))
	for i, c := range inc.Components {
		comps[i] = c.ComponentID
	}
	base := Event{IncidentID: inc.ID, Components: comps, OrderKey: "incident:" + inc.ID}
	var events []Event
	opened := old != nil && old.hasPublicUpdate()
	for _, u := range inc.Updates {
		if seen[u.ID] || !u.Public {
			continue
		}
		e := base
		e.UpdateID, e.At = u.ID, u.CreatedAt
		switch {
		case !opened:
			e.Kind, opened = EventIncidentOpened, true
		case u.Status == IncidentResolved:
			e.Kind = EventIncidentResolved
		default:
			e.Kind = EventIncidentUpdated
		}
		events = append(events, e)
	}
	if pm := inc.Postmortem; pm != nil && pm.Published && (old == nil || old.Postmortem == nil || !old.Postmortem.Published) {
		e := base
		e.Kind, e.At = EventPostmortemPublished, pm.PublishedAt
		events = append(events, e)
	}
	return events
}

func (i *Incident) hasPublicUpdate() bool {
	for _, u := range i.Updates {
		if u.Public {
			return true
		}
	}
	return false
}

// MaintenanceEvents returns what a change of a maintenance window from old
// (nil when it is new) to m must tell subscribers: scheduled, each reminder
// sent, started, a new planned end, overrun, completed.
func MaintenanceEvents(old, m *Maintenance) []Event {
	base := Event{MaintenanceID: m.ID, Components: append([]string(nil), m.Components...), OrderKey: "maintenance:" + m.ID}
	var events []Event
	add := func(kind EventKind) {
		e := base
		e.Kind = kind
		events = append(events, e)
	}
	if old == nil {
		add(EventMaintenanceScheduled)
		if m.Status.Active() {
			add(EventMaintenanceStarted)
		}
		return events
	}
	if len(m.RemindersSent) > len(old.RemindersSent) {
		add(EventMaintenanceReminder)
	}
	if m.Status.Active() && !old.Status.Active() && old.Status != MaintenanceCompleted {
		add(EventMaintenanceStarted)
	}
	if !m.PlannedEnd.Equal(old.PlannedEnd) && m.Status != MaintenanceCompleted {
		add(EventMaintenanceExtended)
	}
	if m.Overrun && !old.Overrun {
		add(EventMaintenanceOverrun)
	}
	if m.Status == MaintenanceCompleted && old.Status != MaintenanceCompleted {
		add(EventMaintenanceCompleted)
	}
	return events
}
