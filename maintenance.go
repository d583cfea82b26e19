package sitrep

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// MaintenanceStatus is where a maintenance window is in its lifecycle
// (Statuspage's words for scheduled maintenances).
type MaintenanceStatus string

const (
	MaintenanceScheduled  MaintenanceStatus = "scheduled"
	MaintenanceInProgress MaintenanceStatus = "in_progress"
	MaintenanceVerifying  MaintenanceStatus = "verifying"
	MaintenanceCompleted  MaintenanceStatus = "completed"
)

// MaintenanceStatuses lists the lifecycle in order.
var MaintenanceStatuses = []MaintenanceStatus{MaintenanceScheduled, MaintenanceInProgress, MaintenanceVerifying, MaintenanceCompleted}

// Valid reports whether s is one of MaintenanceStatuses.
func (s MaintenanceStatus) Valid() bool {
	for _, v := range MaintenanceStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// ParseMaintenanceStatus checks s against the valid statuses.
func ParseMaintenanceStatus(field, s string) (MaintenanceStatus, error) {
	st := MaintenanceStatus(s)
	if !st.Valid() {
		return "", FieldErrorf(EINVALID, field, "unknown maintenance status %q, valid: %s", s, joinStrings(MaintenanceStatuses))
	}
	return st, nil
}

// Active reports whether the window is under way: its components are under
// maintenance and alerts for their monitors are muted.
func (s MaintenanceStatus) Active() bool {
	return s == MaintenanceInProgress || s == MaintenanceVerifying
}

// Maintenance is a planned window of work on some components.
type Maintenance struct {
	ID          string
	Title       string
	Description string
	Components  []string

	PlannedStart time.Time
	PlannedEnd   time.Time
	// ActualStart and ActualEnd are zero until the window starts and ends;
	// the page shows them next to the planned times.
	ActualStart time.Time
	ActualEnd   time.Time

	Status MaintenanceStatus
	// Overrun is set when the window was still open at its planned end;
	// OverrunAt is when sitrep announced it.
	Overrun   bool
	OverrunAt time.Time

	Updates []MaintenanceUpdate
	// RemindersSent are the reminder offsets (time before PlannedStart)
	// already sent, so a restart does not send them twice.
	RemindersSent []time.Duration

	// Recurrence is the rule this window is an occurrence of (nil for a
	// one-off); SeriesID groups the occurrences of one rule.
	Recurrence *Recurrence
	SeriesID   string

	CreatedAt time.Time
	UpdatedAt time.Time
	Author    string

	// Events are written by the store in the same transaction as this
	// change (the transactional outbox) and then cleared; they are never
	// read back as part of the record.
	Events []Event
}

// Affects reports whether the window covers component id.
func (m *Maintenance) Affects(id string) bool {
	for _, c := range m.Components {
		if c == id {
			return true
		}
	}
	return false
}

// Reminded reports whether the reminder at offset d was already sent.
func (m *Maintenance) Reminded(d time.Duration) bool {
	for _, r := range m.RemindersSent {
		if r == d {
			return true
		}
	}
	return false
}

// PlannedDuration is the announced length of the window.
func (m *Maintenance) PlannedDuration() time.Duration { return m.PlannedEnd.Sub(m.PlannedStart) }

// ActualDuration is how long the window really took, 0 until it has both
// started and ended.
func (m *Maintenance) ActualDuration() time.Duration { return span(m.ActualStart, m.ActualEnd) }

// MaintenanceUpdate is one entry of a maintenance window's timeline.
type MaintenanceUpdate struct {
	ID            string
	MaintenanceID string
	Status        MaintenanceStatus
	Message       string
	Public        bool
	At            time.Time
	CreatedAt     time.Time
	Author        string
}

// Recurrence is a weekly rule for maintenance windows, e.g. every Sunday
// 02:00–04:00 Europe/Oslo. Start and End are wall-clock times in Location,
// so a window stays at 02:00 local time across daylight-saving changes.
type Recurrence struct {
	// Weekdays the window starts on; empty means every day.
	Weekdays []time.Weekday
	// Start and End are offsets from local midnight; End <= Start means the
	// window ends on the next day.
	Start, End time.Duration
	TimeZone   string
	Location   *time.Location
	// Until, when set, ends the series: no occurrence starts at or after it.
	Until time.Time
}

// Window is one occurrence of a recurrence.
type Window struct {
	Start, End time.Time
}

// MaintenanceFilter selects maintenance windows; zero fields do not filter.
type MaintenanceFilter struct {
	Statuses    []MaintenanceStatus
	ComponentID string
	// From, To select windows whose planned or actual span overlaps [From, To).
	From, To time.Time
	Limit    int
	Offset   int
}

// MaintenanceStore keeps maintenance windows. Implemented by internal/sqlstore.
type MaintenanceStore interface {
	// CreateMaintenance stores a new window and sets its ID.
	CreateMaintenance(ctx context.Context, m *Maintenance) error
	// UpdateMaintenance reads window id, passes it to fn and stores the
	// result in one transaction (see IncidentStore.UpdateIncident).
	UpdateMaintenance(ctx context.Context, id string, fn func(*Maintenance) error) (*Maintenance, error)
	// Maintenance returns one window (ENOTFOUND if none).
	Maintenance(ctx context.Context, id string) (*Maintenance, error)
	// FindMaintenances returns matching windows ordered by planned start,
	// and how many match in all.
	FindMaintenances(ctx context.Context, f MaintenanceFilter) ([]*Maintenance, int, error)
}

// MaintenanceInput is a request to schedule a window
// (`sitrep maintenance schedule`).
type MaintenanceInput struct {
	Title       string
	Components  []string
	Start, End  time.Time
	Description string
	Message     string
	Recurrence  *Recurrence
	Author      string
}

// MaintenanceUpdateInput changes a window; empty fields leave it as it is.
//
// Status and Message move the window along its lifecycle and post to its
// timeline (POST /api/v1/maintenances/{id}/updates). Title, Description,
// Components, Start and End edit it (PATCH /api/v1/maintenances/{id}):
// moving a window that has not started tells subscribers it was
// rescheduled; a change of text or components alone is a quiet correction
// that the page shows at once but nobody is sent.
type MaintenanceUpdateInput struct {
	Status  MaintenanceStatus
	Message string
	Start   time.Time
	End     time.Time

	// Title replaces the headline; "" leaves it.
	Title string
	// Description replaces the description; nil leaves it, a pointer to
	// "" clears it.
	Description *string
	// Components replaces the components the work affects; nil leaves
	// them, a pointer to an empty list means "none", which is refused like
	// it is when scheduling. A pointer, so that "not given" and "none"
	// survive JSON and cannot be confused by an append.
	Components *[]string

	Author   string
	Internal bool
}

// Edits reports whether in changes the window itself (text, components or
// times) rather than only posting to its timeline.
func (in MaintenanceUpdateInput) Edits() bool {
	return in.Title != "" || in.Description != nil || in.Components != nil || !in.Start.IsZero() || !in.End.IsZero()
}

// MaintenanceService is what the API, CLI and web layer need to manage
// maintenance windows.
type MaintenanceService interface {
	ScheduleMaintenance(ctx context.Context, in MaintenanceInput) (*Maintenance, error)
	UpdateMaintenance(ctx context.Context, id string, in MaintenanceUpdateInput) (*Maintenance, error)
	Maintenance(ctx context.Context, id string) (*Maintenance, error)
	FindMaintenances(ctx context.Context, f MaintenanceFilter) ([]*Maintenance, int, error)
}

// String writes the rule in the form internal/sitrep.ParseRecurrence
// reads, e.g. "every sun 02:00-04:00 Europe/Oslo", so that a store can keep
// it as text.
func (r Recurrence) String() string {
	days := "day"
	if len(r.Weekdays) > 0 {
		names := make([]string, len(r.Weekdays))
		for i, d := range r.Weekdays {
			names[i] = strings.ToLower(d.String()[:3])
		}
		days = strings.Join(names, ",")
	}
	zone := r.TimeZone
	if zone == "" {
		zone = "UTC"
	}
	return fmt.Sprintf("every %s %s-%s %s", days, clockString(r.Start), clockString(r.End), zone)
}

func clockString(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}
