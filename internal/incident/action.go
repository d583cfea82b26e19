package incident

import (
	"fmt"
	"slices"
	"time"

	"sitrep"
)

// Action is one thing automation decided to do. The caller stores it (for
// incident and maintenance actions, inside the store's Update… transaction
// with Apply), and sends the notifications it implies from the same
// transaction's outbox.
type Action interface {
	fmt.Stringer
	action()
}

// IncidentAction changes an existing incident.
type IncidentAction interface {
	Action
	IncidentID() string
	// Apply makes the change on the stored incident and reports whether it
	// did. It re-checks the plan's premise against the incident as stored,
	// so a responder who took over between Plan and Apply wins.
	Apply(inc *sitrep.Incident) bool
}

// MaintenanceAction changes an existing maintenance window.
type MaintenanceAction interface {
	Action
	MaintenanceID() string
	// Apply makes the change and reports whether it did (false when the
	// window already moved on).
	Apply(m *sitrep.Maintenance) bool
}

// OpenIncident opens an automatic incident; the caller creates it.
type OpenIncident struct {
	Incident *sitrep.Incident
}

func (OpenIncident) action() {}

func (a OpenIncident) String() string {
	ids := make([]string, len(a.Incident.Components))
	for i, c := range a.Incident.Components {
		ids[i] = c.ComponentID + "=" + string(c.Status)
	}
	return fmt.Sprintf("open incident %q for %v", a.Incident.Title, ids)
}

// UpdateIncident posts a public update on an automatic incident and moves
// its status; Components are the statuses it sets.
type UpdateIncident struct {
	ID         string
	Status     sitrep.IncidentStatus
	Message    string
	Components []sitrep.AffectedComponent
	At         time.Time
	// Reason says why, for logs and the internal view.
	Reason string
}

func (UpdateIncident) action()              {}
func (a UpdateIncident) IncidentID() string { return a.ID }
func (a UpdateIncident) String() string {
	return fmt.Sprintf("incident %s → %s (%s)", a.ID, a.Status, a.Reason)
}

// Apply posts the update unless the incident was taken over or resolved.
func (a UpdateIncident) Apply(inc *sitrep.Incident) bool {
	if !inc.Automatic || inc.TakenOver || !inc.Open() {
		return false
	}
	inc.Components = mergeComponents(inc.Components, a.Components)
	inc.Updates = append(inc.Updates, sitrep.IncidentUpdate{
		IncidentID: inc.ID, Status: a.Status, Message: a.Message, Public: true,
		At: a.At, CreatedAt: a.At, Author: sitrep.AutomationAuthor, Components: slices.Clone(a.Components),
	})
	if a.Status != inc.Status {
		markStatusTime(inc, a.Status, a.At)
	}
	inc.Status = a.Status
	inc.UpdatedAt = a.At
	return true
}

// SyncComponents follows a changing outage on an automatic incident
// without a message.
type SyncComponents struct {
	ID         string
	Components []sitrep.AffectedComponent
	At         time.Time
}

func (SyncComponents) action()              {}
func (a SyncComponents) IncidentID() string { return a.ID }
func (a SyncComponents) String() string {
	return fmt.Sprintf("incident %s components %v", a.ID, a.Components)
}

// Apply sets the statuses unless the incident was taken over or resolved.
func (a SyncComponents) Apply(inc *sitrep.Incident) bool {
	if !inc.Automatic || inc.TakenOver || !inc.Open() {
		return false
	}
	inc.Components = mergeComponents(inc.Components, a.Components)
	inc.UpdatedAt = a.At
	return true
}

// Nudge reminds staff that customers have not heard anything for a while.
// Apply records it as an internal update; the caller alerts the responders.
type Nudge struct {
	ID         string
	Title      string
	LastPublic time.Time
	Message    string
	At         time.Time
}

func (Nudge) action()              {}
func (a Nudge) IncidentID() string { return a.ID }
func (a Nudge) String() string {
	return fmt.Sprintf("nudge incident %s: no public update since %s", a.ID, a.LastPublic.UTC().Format(time.RFC3339))
}

// Apply records the nudge unless a public update or another nudge came in
// meanwhile.
func (a Nudge) Apply(inc *sitrep.Incident) bool {
	if !inc.Open() || !a.At.After(inc.NudgedAt) {
		return false
	}
	for _, u := range inc.Updates {
		if u.Public && u.CreatedAt.After(a.LastPublic) {
			return false
		}
	}
	inc.NudgedAt = a.At
	inc.Updates = append(inc.Updates, sitrep.IncidentUpdate{
		IncidentID: inc.ID, Status: inc.Status, Message: a.Message, Public: false,
		At: a.At, CreatedAt: a.At, Author: sitrep.AutomationAuthor,
	})
	return true
}

// RemindMaintenance sends the reminder Before the window starts; Covers are
// the reminder offsets it stands for (see remind).
type RemindMaintenance struct {
	ID      string
	Before  time.Duration
	Covers  []time.Duration
	Message string
	At      time.Time
}

func (RemindMaintenance) action()                 {}
func (a RemindMaintenance) MaintenanceID() string { return a.ID }
func (a RemindMaintenance) String() string {
	return fmt.Sprintf("remind maintenance %s (%v before)", a.ID, a.Before)
}

// Apply marks the reminders as sent; a reminder is a notification, not a
// timeline entry.
func (a RemindMaintenance) Apply(m *sitrep.Maintenance) bool {
	if m.Status != sitrep.MaintenanceScheduled || m.Reminded(a.Before) {
		return false
	}
	for _, r := range a.Covers {
		if !m.Reminded(r) {
			m.RemindersSent = append(m.RemindersSent, r)
		}
	}
	m.UpdatedAt = a.At
	return true
}

// StartMaintenance starts a window at its planned start.
type StartMaintenance struct {
	ID      string
	Message string
	At      time.Time
}

func (StartMaintenance) action()                 {}
func (a StartMaintenance) MaintenanceID() string { return a.ID }
func (a StartMaintenance) String() string        { return "start maintenance " + a.ID }

// Apply starts the window if it is still scheduled.
func (a StartMaintenance) Apply(m *sitrep.Maintenance) bool {
	if m.Status != sitrep.MaintenanceScheduled {
		return false
	}
	enterStatus(m, sitrep.MaintenanceInProgress, a.At)
	appendMaintenanceUpdate(m, a.Message, a.At)
	return true
}

// CompleteMaintenance completes a window whose components are healthy at
// or after its planned end.
type CompleteMaintenance struct {
	ID      string
	Message string
	At      time.Time
}

func (CompleteMaintenance) action()                 {}
func (a CompleteMaintenance) MaintenanceID() string { return a.ID }
func (a CompleteMaintenance) String() string        { return "complete maintenance " + a.ID }

// Apply completes the window if it is still under way.
func (a CompleteMaintenance) Apply(m *sitrep.Maintenance) bool {
	if !m.Status.Active() {
		return false
	}
	enterStatus(m, sitrep.MaintenanceCompleted, a.At)
	appendMaintenanceUpdate(m, a.Message, a.At)
	return true
}

// OverrunMaintenance announces that a window runs past its planned end; the
// window stays open.
type OverrunMaintenance struct {
	ID      string
	Message string
	At      time.Time
}

func (OverrunMaintenance) action()                 {}
func (a OverrunMaintenance) MaintenanceID() string { return a.ID }
func (a OverrunMaintenance) String() string        { return "maintenance " + a.ID + " overruns" }

// Apply marks the overrun once.
func (a OverrunMaintenance) Apply(m *sitrep.Maintenance) bool {
	if !m.Status.Active() || m.Overrun {
		return false
	}
	m.Overrun = true
	m.OverrunAt = a.At
	appendMaintenanceUpdate(m, a.Message, a.At)
	return true
}

func appendMaintenanceUpdate(m *sitrep.Maintenance, msg string, at time.Time) {
	m.Updates = append(m.Updates, sitrep.MaintenanceUpdate{
		MaintenanceID: m.ID, Status: m.Status, Message: msg, Public: true,
		At: at, CreatedAt: at, Author: sitrep.AutomationAuthor,
	})
	m.UpdatedAt = at
}
