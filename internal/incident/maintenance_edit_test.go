package incident

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"sitrep"
)

// TestEditMaintenance covers the rules a person meets when correcting a
// window: what may change in which status, and what each field refuses.
func TestEditMaintenance(t *testing.T) {
	start := now.Add(48 * time.Hour)
	end := start.Add(2 * time.Hour)
	str := func(s string) *string { return &s }
	list := func(ids ...string) *[]string { return &ids }
	window := func(st sitrep.MaintenanceStatus) *sitrep.Maintenance {
		m := &sitrep.Maintenance{ID: "m1", Title: "Storage", Description: "Old words", Components: []string{"courses-oslo"},
			PlannedStart: start, PlannedEnd: end, Status: st, RemindersSent: []time.Duration{24 * time.Hour},
			Updates: []sitrep.MaintenanceUpdate{{ID: "u1", Status: sitrep.MaintenanceScheduled, Message: "Announced", Public: true}}}
		switch st {
		case sitrep.MaintenanceInProgress, sitrep.MaintenanceVerifying:
			m.ActualStart = start
		case sitrep.MaintenanceCompleted:
			m.ActualStart, m.ActualEnd = start, end
		}
		return m
	}
	cancelled := window(sitrep.MaintenanceCompleted)
	cancelled.ActualStart, cancelled.ActualEnd = time.Time{}, time.Time{}
	recurring := func() *sitrep.Maintenance {
		m := window(sitrep.MaintenanceScheduled)
		m.Recurrence, m.SeriesID = &sitrep.Recurrence{Start: 2 * time.Hour, End: 4 * time.Hour, TimeZone: "UTC"}, "s1"
		return m
	}

	tests := []struct {
		name  string
		m     *sitrep.Maintenance
		in    sitrep.MaintenanceUpdateInput
		check func(t *testing.T, m *sitrep.Maintenance)
		// On failure: the code, the field named and words of the message.
		code  string
		field string
		says  []string
	}{
		{name: "scheduled: text and components", m: window(sitrep.MaintenanceScheduled),
			in: sitrep.MaintenanceUpdateInput{Title: "  Storage controller  ", Description: str(" New words "), Components: list("messaging-oslo", "courses-us", "courses-us")},
			check: func(t *testing.T, m *sitrep.Maintenance) {
				if m.Title != "Storage controller" || m.Description != "New words" || !slices.Equal(m.Components, []string{"courses-us", "messaging-oslo"}) {
					t.Errorf("not applied: %q %q %v", m.Title, m.Description, m.Components)
				}
				if len(m.Updates) != 1 {
					t.Errorf("a quiet correction posted to the timeline: %+v", m.Updates)
				}
				if !slices.Equal(m.RemindersSent, []time.Duration{24 * time.Hour}) {
					t.Errorf("reminders changed without a move: %v", m.RemindersSent)
				}
			}},
		{name: "scheduled: description cleared", m: window(sitrep.MaintenanceScheduled), in: sitrep.MaintenanceUpdateInput{Description: str("")},
			check: func(t *testing.T, m *sitrep.Maintenance) {
				if m.Description != "" || m.Title != "Storage" {
					t.Errorf("description %q title %q", m.Description, m.Title)
				}
			}},
		{name: "scheduled: moved a week on re-arms the reminders", m: window(sitrep.MaintenanceScheduled),
			in: sitrep.MaintenanceUpdateInput{Start: start.Add(7 * 24 * time.Hour), End: end.Add(7 * 24 * time.Hour), Message: "Moved to next week."},
			check: func(t *testing.T, m *sitrep.Maintenance) {
				if !m.PlannedStart.Equal(start.Add(7*24*time.Hour)) || !m.PlannedEnd.Equal(end.Add(7*24*time.Hour)) || m.Status != sitrep.MaintenanceScheduled {
					t.Errorf("times %v – %v status %s", m.PlannedStart, m.PlannedEnd, m.Status)
				}
				if len(m.RemindersSent) != 0 {
					t.Errorf("the day-before reminder is ahead again but still marked sent: %v", m.RemindersSent)
				}
				if len(m.Updates) != 2 || m.Updates[1].Message != "Moved to next week." || !m.Updates[1].Public {
					t.Errorf("message not posted: %+v", m.Updates)
				}
			}},
		{name: "scheduled: moved by minutes keeps a reminder already sent", m: window(sitrep.MaintenanceScheduled),
			in: sitrep.MaintenanceUpdateInput{Start: now.Add(12 * time.Hour)},
			check: func(t *testing.T, m *sitrep.Maintenance) {
				if !slices.Equal(m.RemindersSent, []time.Duration{24 * time.Hour}) {
					t.Errorf("reminders %v; the day-before one is past for the new start too", m.RemindersSent)
				}
			}},
		{name: "scheduled: same values are no change and no error", m: window(sitrep.MaintenanceScheduled),
			in: sitrep.MaintenanceUpdateInput{Title: "Storage", Start: start, End: end},
			check: func(t *testing.T, m *sitrep.Maintenance) {
				if !m.PlannedStart.Equal(start) || len(m.Updates) != 1 {
					t.Errorf("%+v", m)
				}
			}},
		{name: "in progress: text, components and end", m: window(sitrep.MaintenanceInProgress),
			in: sitrep.MaintenanceUpdateInput{Title: "Storage, part 2", Components: list("courses-us"), End: end.Add(-30 * time.Minute)},
			check: func(t *testing.T, m *sitrep.Maintenance) {
				if m.Title != "Storage, part 2" || !slices.Equal(m.Components, []string{"courses-us"}) || !m.PlannedEnd.Equal(end.Add(-30*time.Minute)) {
					t.Errorf("not applied: %+v", m)
				}
				if m.Status != sitrep.MaintenanceInProgress || !m.ActualStart.Equal(start) {
					t.Errorf("status or actual start changed: %s %v", m.Status, m.ActualStart)
				}
			}},
		{name: "in progress: same start is not a move", m: window(sitrep.MaintenanceInProgress),
			in: sitrep.MaintenanceUpdateInput{Start: start, Title: "Storage again"}},

		{name: "in progress: start cannot move", m: window(sitrep.MaintenanceInProgress),
			in: sitrep.MaintenanceUpdateInput{Start: start.Add(time.Hour)}, code: sitrep.EINVALID, field: "start", says: []string{"already started"}},
		{name: "verifying: start cannot move", m: window(sitrep.MaintenanceVerifying),
			in: sitrep.MaintenanceUpdateInput{Start: start.Add(-time.Hour)}, code: sitrep.EINVALID, field: "start", says: []string{"already started"}},
		{name: "completed: no edit", m: window(sitrep.MaintenanceCompleted),
			in: sitrep.MaintenanceUpdateInput{Title: "Fixed typo"}, code: sitrep.ECONFLICT, says: []string{"m1 is completed", "can no longer be edited"}},
		{name: "cancelled: no edit", m: cancelled,
			in: sitrep.MaintenanceUpdateInput{Components: list("courses-us")}, code: sitrep.ECONFLICT, says: []string{"m1 was cancelled"}},
		{name: "end before start", m: window(sitrep.MaintenanceScheduled),
			in: sitrep.MaintenanceUpdateInput{End: start.Add(-time.Minute)}, code: sitrep.EINVALID, field: "end", says: []string{"not after start"}},
		{name: "start after end", m: window(sitrep.MaintenanceScheduled),
			in: sitrep.MaintenanceUpdateInput{Start: end.Add(time.Hour)}, code: sitrep.EINVALID, field: "end", says: []string{"not after start"}},
		{name: "end equal to start", m: window(sitrep.MaintenanceInProgress),
			in: sitrep.MaintenanceUpdateInput{End: start}, code: sitrep.EINVALID, field: "end"},
		{name: "unknown component", m: window(sitrep.MaintenanceScheduled),
			in: sitrep.MaintenanceUpdateInput{Components: list("courses-oslo", "db")}, code: sitrep.EINVALID, field: "components",
			says: []string{`unknown component "db"`, "courses-oslo, courses-us, messaging-oslo"}},
		{name: "no components", m: window(sitrep.MaintenanceScheduled),
			in: sitrep.MaintenanceUpdateInput{Components: list()}, code: sitrep.EINVALID, field: "components", says: []string{"at least one"}},
		{name: "blank title", m: window(sitrep.MaintenanceScheduled),
			in: sitrep.MaintenanceUpdateInput{Title: "   "}, code: sitrep.EINVALID, field: "title", says: []string{"required"}},
		{name: "long title", m: window(sitrep.MaintenanceScheduled),
			in: sitrep.MaintenanceUpdateInput{Title: strings.Repeat("x", MaxTitle+1)}, code: sitrep.EINVALID, field: "title", says: []string{"at most"}},
		{name: "recurring occurrence: start follows the rule", m: recurring(),
			in: sitrep.MaintenanceUpdateInput{Start: start.Add(time.Hour)}, code: sitrep.EINVALID, field: "start", says: []string{"every day 02:00-04:00 UTC", "one-off"}},
		{name: "recurring occurrence: text and end may change", m: recurring(),
			in: sitrep.MaintenanceUpdateInput{Title: "Weekly, longer", End: end.Add(time.Hour)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := *tt.m
			before.Components = slices.Clone(tt.m.Components)
			err := ApplyMaintenanceUpdate(tt.m, tt.in, catalog(), now)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if tt.check != nil {
					tt.check(t, tt.m)
				}
				return
			}
			var e *sitrep.Error
			if !errors.As(err, &e) || e.Code != tt.code || e.Field != tt.field {
				t.Fatalf("err = %#v, want %s naming field %q", err, tt.code, tt.field)
			}
			for _, w := range tt.says {
				if !strings.Contains(e.Message, w) {
					t.Errorf("message %q does not say %q", e.Message, w)
				}
			}
			if tt.m.Title != before.Title || !slices.Equal(tt.m.Components, before.Components) || !tt.m.PlannedStart.Equal(before.PlannedStart) ||
				!tt.m.PlannedEnd.Equal(before.PlannedEnd) || len(tt.m.Updates) != len(before.Updates) {
				t.Errorf("a refused edit changed the window: %+v", tt.m)
			}
		})
	}
}
