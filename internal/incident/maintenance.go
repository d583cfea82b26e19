package incident

import (
	"slices"
	"strings"
	"time"

	"sitrep"
)

// NewMaintenance validates a request to schedule a window and returns it
// with its announcement as the first public update.
func NewMaintenance(in sitrep.MaintenanceInput, cat Catalog, now time.Time) (*sitrep.Maintenance, error) {
	title, err := checkTitle(in.Title)
	if err != nil {
		return nil, err
	}
	if len(in.Components) == 0 {
		return nil, sitrep.FieldErrorf(sitrep.EINVALID, "components", "at least one component is required, valid: %s", cat.ids())
	}
	comps := slices.Clone(in.Components)
	slices.Sort(comps)
	comps = slices.Compact(comps)
	for _, id := range comps {
		if _, ok := cat[id]; !ok {
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, "components", "unknown component %q, valid: %s", id, cat.ids())
		}
	}
	if err := checkWindow(in.Start, in.End); err != nil {
		return nil, err
	}
	msg := strings.TrimSpace(in.Message)
	if msg == "" {
		msg = strings.TrimSpace(in.Description)
	}
	if msg == "" {
		return nil, sitrep.FieldErrorf(sitrep.EINVALID, "message", "is required: tell users what will happen and what they will notice")
	}
	m := &sitrep.Maintenance{
		Title: title, Description: strings.TrimSpace(in.Description), Components: comps,
		PlannedStart: in.Start, PlannedEnd: in.End, Status: sitrep.MaintenanceScheduled,
		Recurrence: in.Recurrence, CreatedAt: now, UpdatedAt: now, Author: in.Author,
	}
	m.Updates = []sitrep.MaintenanceUpdate{{
		Status: sitrep.MaintenanceScheduled, Message: msg, Public: true, At: now, CreatedAt: now, Author: in.Author,
	}}
	return m, nil
}

func checkWindow(start, end time.Time) error {
	switch {
	case start.IsZero():
		return sitrep.FieldErrorf(sitrep.EINVALID, "start", "is required (RFC 3339, e.g. 2026-11-29T02:00:00+01:00)")
	case end.IsZero():
		return sitrep.FieldErrorf(sitrep.EINVALID, "end", "is required (RFC 3339, e.g. 2026-11-29T04:00:00+01:00)")
	case !end.After(start):
		return sitrep.FieldErrorf(sitrep.EINVALID, "end", "%s is not after start %s",
			end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	return nil
}

// CheckMaintenanceTransition reports whether a window may move between
// statuses. Windows move forward (scheduled → in progress → verifying →
// completed), may step back from verifying to in progress when a check
// fails, and may be completed straight from scheduled when the work is
// called off. A completed window is history.
func CheckMaintenanceTransition(from, to sitrep.MaintenanceStatus) error {
	if !to.Valid() {
		_, err := sitrep.ParseMaintenanceStatus("status", string(to))
		return err
	}
	ok := from == to
	switch from {
	case sitrep.MaintenanceScheduled:
		ok = ok || to == sitrep.MaintenanceInProgress || to == sitrep.MaintenanceCompleted
	case sitrep.MaintenanceInProgress:
		ok = ok || to == sitrep.MaintenanceVerifying || to == sitrep.MaintenanceCompleted
	case sitrep.MaintenanceVerifying:
		ok = ok || to == sitrep.MaintenanceInProgress || to == sitrep.MaintenanceCompleted
	}
	if !ok {
		return sitrep.FieldErrorf(sitrep.EINVALID, "status", "a %s window cannot move to %q; valid next: %s",
			from, to, nextMaintenance(from))
	}
	return nil
}

func nextMaintenance(from sitrep.MaintenanceStatus) string {
	switch from {
	case sitrep.MaintenanceScheduled:
		return "in_progress, completed"
	case sitrep.MaintenanceInProgress:
		return "verifying, completed"
	case sitrep.MaintenanceVerifying:
		return "in_progress, completed"
	}
	return "none (the window is completed)"
}

// ApplyMaintenanceUpdate applies a person's change to m: a status change,
// a new time (start only before it began; end until it is completed), and a
// timeline entry.
func ApplyMaintenanceUpdate(m *sitrep.Maintenance, in sitrep.MaintenanceUpdateInput, now time.Time) error {
	status := in.Status
	if status == "" {
		status = m.Status
	}
	if err := CheckMaintenanceTransition(m.Status, status); err != nil {
		return err
	}
	start, end := m.PlannedStart, m.PlannedEnd
	if !in.Start.IsZero() {
		if m.Status != sitrep.MaintenanceScheduled {
			return sitrep.FieldErrorf(sitrep.EINVALID, "start", "the window has already started; only its end can move")
		}
		start = in.Start
	}
	if !in.End.IsZero() {
		if m.Status == sitrep.MaintenanceCompleted {
			return sitrep.FieldErrorf(sitrep.EINVALID, "end", "the window is completed")
		}
		end = in.End
	}
	if err := checkWindow(start, end); err != nil {
		return err
	}
	msg := strings.TrimSpace(in.Message)
	if msg == "" && status == m.Status && start.Equal(m.PlannedStart) && end.Equal(m.PlannedEnd) {
		return sitrep.FieldErrorf(sitrep.EINVALID, "message", "is required when nothing else changes")
	}
	if msg == "" && status != m.Status {
		msg = defaultMaintenanceMessages[status]
	}
	m.PlannedStart, m.PlannedEnd = start, end
	enterStatus(m, status, now)
	if msg != "" {
		m.Updates = append(m.Updates, sitrep.MaintenanceUpdate{
			MaintenanceID: m.ID, Status: status, Message: msg, Public: !in.Internal,
			At: now, CreatedAt: now, Author: in.Author,
		})
	}
	m.UpdatedAt = now
	return nil
}

var defaultMaintenanceMessages = map[sitrep.MaintenanceStatus]string{
	sitrep.MaintenanceInProgress: "Scheduled maintenance is currently in progress. We will provide updates as necessary.",
	sitrep.MaintenanceVerifying:  "Verification is currently underway for the maintenance items.",
	sitrep.MaintenanceCompleted:  "The scheduled maintenance has been completed.",
}

// enterStatus records the actual start and end as a window moves.
func enterStatus(m *sitrep.Maintenance, status sitrep.MaintenanceStatus, now time.Time) {
	if status.Active() && m.ActualStart.IsZero() {
		m.ActualStart = now
	}
	if status == sitrep.MaintenanceCompleted && m.ActualEnd.IsZero() && !m.ActualStart.IsZero() {
		m.ActualEnd = now
	}
	m.Status = status
}

// MutedMonitors returns the monitors whose alerts are muted: those of
// components in an active maintenance window. Users were told; paging staff
// for planned work only teaches them to ignore pages.
func MutedMonitors(cat Catalog, ms []*sitrep.Maintenance) map[string]bool {
	muted := map[string]bool{}
	for _, m := range ms {
		if !m.Status.Active() {
			continue
		}
		for _, id := range m.Components {
			if c, ok := cat[id]; ok {
				for _, mon := range c.Monitors {
					muted[mon] = true
				}
			}
		}
	}
	return muted
}
