package sitrep

import (
	"context"
	"time"
)

// AlertState is where a staff alert stands.
type AlertState string

const (
	AlertTriggered    AlertState = "triggered"    // paging, escalating and reminding
	AlertAcknowledged AlertState = "acknowledged" // someone is on it: no more escalation or reminders
	AlertResolved     AlertState = "resolved"     // every monitor it covers is well again
)

// Alert is one page to staff. Monitors that fail together under one route
// and grouping key share an alert, so one incident pages once rather than
// once per monitor.
type Alert struct {
	ID string
	// Key groups monitors into this alert, e.g. "route-0/component/courses";
	// at most one alert per key is open (triggered or acknowledged).
	Key          string
	MonitorIDs   []string
	ComponentIDs []string
	// Route is the id of the route that matched; Policy the escalation
	// policy's id ("" for none).
	Route  string
	Policy string
	State  AlertState
	// Severity is the worst monitor state seen: down or degraded.
	Severity State
	// Level is the escalation level reached (0 first).
	Level          int
	TriggeredAt    time.Time
	AckedAt        time.Time
	AckedBy        string
	ResolvedAt     time.Time
	LastNotifiedAt time.Time
	Summary        string
	// Events are written in the same transaction as the alert (the
	// transactional outbox); the store never returns them.
	Events []Event
}

// Open reports whether a is triggered or acknowledged.
func (a *Alert) Open() bool { return a.State == AlertTriggered || a.State == AlertAcknowledged }

// AlertFilter selects alerts to list.
type AlertFilter struct {
	// OpenOnly keeps triggered and acknowledged alerts.
	OpenOnly bool
	// Limit caps the answer (0: the store's default).
	Limit int
}

// AlertStore keeps alerts durably, each change with its events in one
// transaction.
type AlertStore interface {
	// CreateAlert inserts a new alert and its Events. ECONFLICT when an open
	// alert with the same Key exists.
	CreateAlert(ctx context.Context, a Alert) error
	// UpdateAlert reads an alert, lets fn change it and writes it back with
	// the Events fn set, all in one transaction. fn returning an error
	// aborts the change: nothing is written and UpdateAlert returns the
	// alert as it was read together with fn's error.
	UpdateAlert(ctx context.Context, id string, fn func(a *Alert) error) (Alert, error)
	// Alert returns one alert (ENOTFOUND if none).
	Alert(ctx context.Context, id string) (Alert, error)
	// OpenAlertByKey returns the open alert with this key (ENOTFOUND if none).
	OpenAlertByKey(ctx context.Context, key string) (Alert, error)
	// Alerts lists alerts, newest first.
	Alerts(ctx context.Context, f AlertFilter) ([]Alert, error)
}

// GroupBy says which monitors share an alert under one route.
type GroupBy string

const (
	GroupByComponent GroupBy = "component" // all monitors of a component page once
	GroupByMonitor   GroupBy = "monitor"   // each monitor pages on its own
)

// AlertRoute sends the failures of matching monitors to channels and an
// escalation policy. Match fields left empty match everything; the first
// matching route wins.
type AlertRoute struct {
	ID string
	// Monitors and Components are ids or path.Match globs ("*", "db-*").
	Monitors   []string
	Components []string
	// Labels must all be present on the monitor with these values.
	Labels map[string]string
	// Severities are the monitor states that alert (default down only).
	Severities []State
	// Channels are paged when the alert triggers, with the policy's first level.
	Channels    []string
	Escalation  string
	RepeatEvery time.Duration // 0: no reminders
	GroupBy     GroupBy
}

// EscalationPolicy says who is paged next while nobody acknowledges.
type EscalationPolicy struct {
	ID     string
	Levels []EscalationLevel
}

// EscalationLevel is paged After the alert triggered (level 0 usually at 0).
type EscalationLevel struct {
	After   time.Duration
	Targets []EscalationTarget
}

// EscalationTarget is a channel, or whoever is on call in a schedule
// (through that member's channel). Exactly one is set.
type EscalationTarget struct {
	Channel  string
	Schedule string
}

// AlertService is what the web layer and CLI need from alerting.
type AlertService interface {
	Alerts(ctx context.Context, f AlertFilter) ([]Alert, error)
	Alert(ctx context.Context, id string) (Alert, error)
	// Ack acknowledges an alert: escalation and reminders stop. Acking an
	// acknowledged alert is a no-op; a resolved one is ECONFLICT.
	Ack(ctx context.Context, id, by string) (Alert, error)
	// AlertForToken checks a signed acknowledgement token and returns its
	// alert (EFORBIDDEN when the token is tampered with or expired).
	AlertForToken(ctx context.Context, token string) (Alert, error)
	// AckToken acknowledges the alert a signed token names.
	AckToken(ctx context.Context, token, by string) (Alert, error)
	// OnCall says who is on call at a time in one schedule, or in every
	// schedule when schedule is "" (ENOTFOUND for an unknown schedule).
	OnCall(ctx context.Context, schedule string, at time.Time) ([]OnCall, error)
}
