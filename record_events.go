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

// EventMaintenanceRescheduled tells subscribers that a window which has not
// started yet moved: a new start, a new end, or both. It lives here, beside
// the rule that derives it, rather than with the other kinds in notify.go.
const EventMaintenanceRescheduled EventKind = "maintenance.rescheduled"

// MaintenanceEvents returns what a change of a maintenance window from old
// (nil when it is new) to m must tell subscribers: scheduled, each reminder
// sent, rescheduled (before it started), started, a new planned end (while
// it runs), overrun, completed.
//
// A change of title, description or components alone says nothing: it is
// a correction the page and feeds show at once, not news worth a message.
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
	moved := !m.PlannedStart.Equal(old.PlannedStart) || !m.PlannedEnd.Equal(old.PlannedEnd)
	switch {
	case moved && old.Status == MaintenanceScheduled && m.Status == MaintenanceScheduled:
		// Not started: "extended" would mislead (the start may have
		// moved, or the end come earlier). The message posted with the
		// move, if any, is the body subscribers read.
		add(EventMaintenanceRescheduled)
		events[len(events)-1].UpdateID = newPublicUpdate(old, m)
	case !m.PlannedEnd.Equal(old.PlannedEnd) && m.Status != MaintenanceCompleted:
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

// newPublicUpdate returns the ID of the last public update m has that old
// had not, "" if none.
func newPublicUpdate(old, m *Maintenance) string {
	seen := make(map[string]bool, len(old.Updates))
	for _, u := range old.Updates {
		seen[u.ID] = true
	}
	for i := len(m.Updates) - 1; i >= 0; i-- {
		if u := m.Updates[i]; u.Public && !seen[u.ID] {
			return u.ID
		}
	}
	return ""
}
