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
	comps, err := checkMaintenanceComponents(in.Components, cat)
	if err != nil {
		return nil, err
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

// checkMaintenanceComponents returns ids sorted and without repeats, or
// names the first that the catalog does not declare. A window is work on
// something: none is refused.
func checkMaintenanceComponents(ids []string, cat Catalog) ([]string, error) {
	if len(ids) == 0 {
		return nil, sitrep.FieldErrorf(sitrep.EINVALID, "components", "at least one component is required, valid: %s", cat.ids())
	}
	comps := slices.Clone(ids)
	slices.Sort(comps)
	comps = slices.Compact(comps)
	for _, id := range comps {
		if _, ok := cat[id]; !ok {
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, "components", "unknown component %q, valid: %s", id, cat.ids())
		}
	}
	return comps, nil
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
// a timeline entry, and edits of its title, description, components and
// times (see sitrep.MaintenanceUpdateInput). The rules:
//
//   - a completed window is history, and so is one cancelled (completed
//     before it started): nothing about it changes (ECONFLICT);
//   - the start moves only before the window began, and never for an
//     occurrence of a recurring series, whose start the rule decides;
//   - the end moves until the window is completed and stays after the start;
//   - components are checked as when scheduling.
//
// An edit posts nothing to the timeline unless a message comes with it: a
// corrected typo is not news. Moving the start re-arms the reminders that
// are now still ahead, so subscribers are reminded of the new time.
func ApplyMaintenanceUpdate(m *sitrep.Maintenance, in sitrep.MaintenanceUpdateInput, cat Catalog, now time.Time) error {
	if m.Status == sitrep.MaintenanceCompleted && in.Edits() {
		what := "is completed"
		if m.ActualStart.IsZero() {
			what = "was cancelled"
		}
		return sitrep.Errorf(sitrep.ECONFLICT, "maintenance window %s %s and can no longer be edited; schedule a new window instead", m.ID, what)
	}
	status := in.Status
	if status == "" {
		status = m.Status
	}
	if err := CheckMaintenanceTransition(m.Status, status); err != nil {
		return err
	}
	title, desc, comps := m.Title, m.Description, m.Components
	var err error
	if in.Title != "" {
		if title, err = checkTitle(in.Title); err != nil {
			return err
		}
	}
	if in.Description != nil {
		desc = strings.TrimSpace(*in.Description)
	}
	if in.Components != nil {
		if comps, err = checkMaintenanceComponents(*in.Components, cat); err != nil {
			return err
		}
	}
	start, end := m.PlannedStart, m.PlannedEnd
	if !in.Start.IsZero() && !in.Start.Equal(m.PlannedStart) {
		switch {
		case m.Status != sitrep.MaintenanceScheduled:
			return sitrep.FieldErrorf(sitrep.EINVALID, "start", "the window has already started; only its end can move")
		case m.Recurrence != nil:
			// Occurrences are made from the rule by their start; one
			// moved off it would be made again at the old time.
			return sitrep.FieldErrorf(sitrep.EINVALID, "start", "the window is an occurrence of %q, which decides its start; "+
				"to move it, complete (cancel) this occurrence and schedule a one-off window", m.Recurrence.String())
		}
		start = in.Start
	}
	if !in.End.IsZero() {
		end = in.End
	}
	if err := checkWindow(start, end); err != nil {
		return err
	}
	msg := strings.TrimSpace(in.Message)
	if msg == "" && status == m.Status && !in.Edits() {
		return sitrep.FieldErrorf(sitrep.EINVALID, "message", "is required when nothing else changes")
	}
	if msg == "" && status != m.Status {
		msg = defaultMaintenanceMessages[status]
	}
	if !start.Equal(m.PlannedStart) {
		m.RemindersSent = remindersStillSent(m.RemindersSent, start, now)
	}
	m.Title, m.Description, m.Components = title, desc, comps
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

// remindersStillSent keeps the reminders sent whose time, counted from the
// new start, has passed: those ahead are due again, so a window moved a
// week on is reminded of a day before its new start, while one moved by
// minutes is not reminded twice.
func remindersStillSent(sent []time.Duration, start, now time.Time) []time.Duration {
	var keep []time.Duration
	for _, r := range sent {
		if !now.Before(start.Add(-r)) {
			keep = append(keep, r)
		}
	}
	return keep
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
