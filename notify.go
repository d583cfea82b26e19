package sitrep

import (
	"context"
	"time"
)

// EventKind names something people are told about. Subscriber events are
// what customers hear; alert events are what staff are paged with.
type EventKind string

const (
	EventIncidentOpened       EventKind = "incident.opened"
	EventIncidentUpdated      EventKind = "incident.updated"
	EventIncidentResolved     EventKind = "incident.resolved"
	EventPostmortemPublished  EventKind = "postmortem.published"
	EventMaintenanceScheduled EventKind = "maintenance.scheduled"
	EventMaintenanceReminder  EventKind = "maintenance.reminder"
	EventMaintenanceStarted   EventKind = "maintenance.started"
	EventMaintenanceOverrun   EventKind = "maintenance.overrun"
	EventMaintenanceExtended  EventKind = "maintenance.extended"
	EventMaintenanceCompleted EventKind = "maintenance.completed"

	EventAlertTriggered EventKind = "alert.triggered"
	EventAlertReminder  EventKind = "alert.reminder"
	EventAlertEscalated EventKind = "alert.escalated"
	EventAlertResolved  EventKind = "alert.resolved"
)

// Event is one thing that happened and must be told. Events are written in
// the same transaction as the change that caused them (the transactional
// outbox): an incident update and its event are committed together or not
// at all. The dispatcher later expands an event into deliveries, one per
// recipient, each with its own idempotency key.
type Event struct {
	ID   string
	Kind EventKind
	At   time.Time
	// Subject of the event; which of these are set depends on Kind.
	IncidentID    string
	UpdateID      string
	MaintenanceID string
	AlertID       string
	MonitorID     string
	// Components affected, for per-component subscriptions and routes.
	Components []string
	// OrderKey groups events whose deliveries must arrive in order, e.g.
	// "incident:ID": an update is never delivered before the opening.
	OrderKey string
	// Level is the escalation level an alert event targets (0 first).
	Level int
}

// DeliveryState is where a delivery stands.
type DeliveryState string

const (
	DeliveryPending   DeliveryState = "pending"   // waiting for its turn or a retry
	DeliveryDelivered DeliveryState = "delivered" // the receiver accepted it
	DeliveryFailed    DeliveryState = "failed"    // gave up (max age or permanent error); can be retried by hand
)

// Delivery is one event for one recipient through one channel.
type Delivery struct {
	ID      string
	EventID string
	Kind    EventKind
	// Channel is the declared channel id (staff) or "subscriber" for a
	// subscriber's own address or webhook.
	Channel      string
	SubscriberID string
	// Recipient is the address, URL or key the message goes to (display
	// only for secrets: webhook URLs are shown without their query).
	Recipient string
	// IdempotencyKey is unique per (event, recipient) and is sent to
	// receivers that support deduplication (PagerDuty dedup_key, our
	// webhook's event id).
	IdempotencyKey string
	OrderKey       string
	State          DeliveryState
	Attempts       int
	CreatedAt      time.Time
	NextAttemptAt  time.Time
	DeliveredAt    time.Time
	LastError      string
}

// Message is what a channel sends: rendered once per delivery from the
// event, the record it concerns and the recipient's page branding.
type Message struct {
	Kind     EventKind
	Title    string
	Text     string // plain text body
	HTML     string // HTML body (email)
	URL      string // link to the incident, maintenance or alert
	Severity string // "critical", "major", "minor", "info", "resolved"
	// DedupKey groups messages about the same thing at the receiver
	// (PagerDuty, Opsgenie alias); Resolve marks the message that closes it.
	DedupKey string
	Resolve  bool
	// AckURL is a signed link that acknowledges the alert (staff only).
	AckURL string
	// Headers are extra mail headers, e.g. List-Unsubscribe.
	Headers map[string]string
	// Secret is the recipient's own signing secret (a subscriber's webhook
	// secret); signing channels prefer it to their configured one. It is
	// never sent.
	Secret string
	// IdempotencyKey is the delivery's key.
	IdempotencyKey string
	At             time.Time
	// Fields are short labelled facts (component, status, since) that
	// chat channels show as a list.
	Fields []MessageField
}

// MessageField is one labelled fact of a Message.
type MessageField struct{ Name, Value string }

// Sender delivers messages through one kind of channel (email, Slack,
// PagerDuty...). Send must be safe for concurrent use and honour ctx.
type Sender interface {
	Send(ctx context.Context, to string, m Message) error
}

// PermanentError marks a delivery error that retrying cannot fix (a 400
// from the receiver, an invalid address); the dispatcher stops retrying.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// OutboxStore is the durable side of notifications.
type OutboxStore interface {
	// AddEvents writes events on their own (for events not caused by a
	// record change, such as alert reminders). Events caused by a change
	// are written by the store together with that change: see
	// Incident.Events, Maintenance.Events and StateChange.Events.
	AddEvents(ctx context.Context, events []Event) error
	// PendingEvents returns events not yet expanded into deliveries, oldest first.
	PendingEvents(ctx context.Context, limit int) ([]Event, error)
	// ExpandEvent records the deliveries of an event and marks it expanded,
	// in one transaction; deliveries whose idempotency key exists already
	// are skipped, so a crash between expansion and marking repeats nothing.
	ExpandEvent(ctx context.Context, eventID string, deliveries []Delivery) error
	// DueDeliveries claims up to limit pending deliveries whose next
	// attempt is due, respecting order: a delivery is not due while an
	// earlier one with the same OrderKey and recipient is pending.
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]Delivery, error)
	// RecordAttempt stores the outcome of one attempt.
	RecordAttempt(ctx context.Context, d Delivery) error
	// Deliveries lists deliveries by state, newest first (for the API,
	// metrics and the admin UI).
	Deliveries(ctx context.Context, state DeliveryState, limit int) ([]Delivery, error)
	// RetryDelivery puts a failed delivery back to pending, due now.
	RetryDelivery(ctx context.Context, id string, now time.Time) error
	// Event returns one event (ENOTFOUND if none).
	Event(ctx context.Context, id string) (Event, error)
}
