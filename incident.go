package sitrep

import (
	"context"
	"time"
)

// Impact is how bad an incident is for users (Statuspage's words).
type Impact string

const (
	ImpactNone     Impact = "none"
	ImpactMinor    Impact = "minor"
	ImpactMajor    Impact = "major"
	ImpactCritical Impact = "critical"
)

// Impacts lists every impact from least to most severe.
var Impacts = []Impact{ImpactNone, ImpactMinor, ImpactMajor, ImpactCritical}

// Rank orders impacts: none 0 … critical 3; unknown strings rank 0.
func (i Impact) Rank() int {
	switch i {
	case ImpactMinor:
		return 1
	case ImpactMajor:
		return 2
	case ImpactCritical:
		return 3
	}
	return 0
}

// Valid reports whether i is one of Impacts.
func (i Impact) Valid() bool {
	for _, v := range Impacts {
		if i == v {
			return true
		}
	}
	return false
}

// ParseImpact checks s against the valid impacts.
func ParseImpact(field, s string) (Impact, error) {
	i := Impact(s)
	if !i.Valid() {
		return "", FieldErrorf(EINVALID, field, "unknown impact %q, valid: %s", s, joinStrings(Impacts))
	}
	return i, nil
}

// IncidentStatus is where an incident is in its lifecycle.
type IncidentStatus string

const (
	IncidentInvestigating IncidentStatus = "investigating"
	IncidentIdentified    IncidentStatus = "identified"
	IncidentMonitoring    IncidentStatus = "monitoring"
	IncidentResolved      IncidentStatus = "resolved"
)

// IncidentStatuses lists the lifecycle in order.
var IncidentStatuses = []IncidentStatus{IncidentInvestigating, IncidentIdentified, IncidentMonitoring, IncidentResolved}

// Valid reports whether s is one of IncidentStatuses.
func (s IncidentStatus) Valid() bool {
	for _, v := range IncidentStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// ParseIncidentStatus checks s against the valid statuses.
func ParseIncidentStatus(field, s string) (IncidentStatus, error) {
	st := IncidentStatus(s)
	if !st.Valid() {
		return "", FieldErrorf(EINVALID, field, "unknown incident status %q, valid: %s", s, joinStrings(IncidentStatuses))
	}
	return st, nil
}

// AutomationAuthor is the author of everything sitrep writes by itself. An
// update by anyone else on an automatic incident means a responder has taken
// it over.
const AutomationAuthor = "sitrep"

// AffectedComponent is a component an incident or update sets to a status.
type AffectedComponent struct {
	ComponentID string
	Status      ComponentStatus
}

// Incident is a user-visible problem and its public record.
type Incident struct {
	ID     string
	Title  string
	Impact Impact
	Status IncidentStatus
	// Components are the affected components and the status the incident
	// sets each to; that explicit status wins over the derived one while the
	// incident is open.
	Components []AffectedComponent
	// Automatic incidents were opened by sitrep. TakenOver is set once a
	// person edits or updates one; automation then leaves it alone.
	Automatic bool
	TakenOver bool

	CreatedAt time.Time
	UpdatedAt time.Time
	// StartedAt is when users started to be affected; it may be earlier than
	// CreatedAt for an incident written up after the fact.
	StartedAt    time.Time
	MonitoringAt time.Time
	ResolvedAt   time.Time
	// FirstFailedAt is the first failed check behind the incident and
	// DetectedAt when sitrep (or a person) decided it was one; both feed
	// Metrics. Zero when unknown.
	FirstFailedAt time.Time
	DetectedAt    time.Time
	// NudgedAt is when staff were last reminded that the public has not
	// heard anything for a while.
	NudgedAt time.Time

	// Updates is the timeline, in the order written.
	Updates    []IncidentUpdate
	Postmortem *Postmortem

	// Events are written by the store in the same transaction as this
	// change (the transactional outbox) and then cleared; they are never
	// read back as part of the record.
	Events []Event
}

// Open reports whether the incident is not resolved.
func (i *Incident) Open() bool { return i.Status != IncidentResolved }

// Affects reports whether the incident lists component id.
func (i *Incident) Affects(id string) bool {
	for _, c := range i.Components {
		if c.ComponentID == id {
			return true
		}
	}
	return false
}

// LastPublicUpdate returns the public update with the latest display time,
// or nil when there is none.
func (i *Incident) LastPublicUpdate() *IncidentUpdate {
	var last *IncidentUpdate
	for k := range i.Updates {
		u := &i.Updates[k]
		if u.Public && (last == nil || !u.At.Before(last.At)) {
			last = u
		}
	}
	return last
}

// IncidentUpdate is one entry of an incident's timeline.
type IncidentUpdate struct {
	ID         string
	IncidentID string
	Status     IncidentStatus
	Message    string
	// Public updates are shown on pages and sent to subscribers; internal
	// ones are notes for staff.
	Public bool
	// At is the time the update is shown with; it may be back-dated for a
	// write-up. CreatedAt is when it was really written, and is what the
	// time-to-first-update metric uses so that back-dating cannot flatter it.
	At        time.Time
	CreatedAt time.Time
	Author    string
	// Components are the status changes this update made, if any.
	Components []AffectedComponent
}

// Postmortem is the write-up of a resolved incident.
type Postmortem struct {
	Summary     string
	RootCause   string
	Impact      string
	Timeline    []TimelineEntry
	ActionItems []ActionItem
	// Published postmortems appear on the incident's public page.
	Published   bool
	PublishedAt time.Time
	UpdatedAt   time.Time
	Author      string
}

// TimelineEntry is one line of a postmortem timeline.
type TimelineEntry struct {
	At   time.Time
	Text string
}

// ActionItem is a promised follow-up with someone responsible for it.
type ActionItem struct {
	Title string
	Owner string
	Due   time.Time
	Done  bool
}

// IncidentMetrics are the response times of one incident, shown on its
// internal view. A duration is 0 when either end is unknown.
type IncidentMetrics struct {
	FirstFailedAt       time.Time
	DetectedAt          time.Time
	FirstPublicAt       time.Time
	ResolvedAt          time.Time
	TimeToDetect        time.Duration // first failed check → detected
	TimeToFirstUpdate   time.Duration // first failed check (or detection) → first public update
	TimeToResolve       time.Duration // first failed check (or detection) → resolved
	DetectToFirstUpdate time.Duration
}

// Metrics computes the incident's response times.
func (i *Incident) Metrics() IncidentMetrics {
	m := IncidentMetrics{FirstFailedAt: i.FirstFailedAt, DetectedAt: i.DetectedAt, ResolvedAt: i.ResolvedAt}
	if m.DetectedAt.IsZero() {
		m.DetectedAt = i.CreatedAt
	}
	for _, u := range i.Updates {
		if u.Public && (m.FirstPublicAt.IsZero() || u.CreatedAt.Before(m.FirstPublicAt)) {
			m.FirstPublicAt = u.CreatedAt
		}
	}
	origin := m.FirstFailedAt
	if origin.IsZero() {
		origin = m.DetectedAt
	}
	m.TimeToDetect = span(m.FirstFailedAt, m.DetectedAt)
	m.TimeToFirstUpdate = span(origin, m.FirstPublicAt)
	m.TimeToResolve = span(origin, m.ResolvedAt)
	m.DetectToFirstUpdate = span(m.DetectedAt, m.FirstPublicAt)
	return m
}

func span(from, to time.Time) time.Duration {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return 0
	}
	return to.Sub(from)
}

// IncidentFilter selects incidents; zero fields do not filter.
type IncidentFilter struct {
	// Open selects unresolved (true) or resolved (false) incidents.
	Open        *bool
	ComponentID string
	// From, To select incidents that were open at some time in [From, To).
	From, To time.Time
	// Limit caps the answer (newest first); 0 means the store's default.
	Limit  int
	Offset int
}

// IncidentStore keeps incidents and their timelines. Implemented by
// internal/sqlstore; records people wrote are never dropped by the storage
// budget.
type IncidentStore interface {
	// CreateIncident stores a new incident with its first updates and sets
	// its and their IDs.
	CreateIncident(ctx context.Context, inc *Incident) error
	// UpdateIncident reads incident id, passes it to fn and stores what fn
	// left, all in one transaction, so that automation and a responder
	// editing the same incident cannot overwrite each other. New updates
	// appended by fn get IDs. fn's error aborts and is returned.
	UpdateIncident(ctx context.Context, id string, fn func(*Incident) error) (*Incident, error)
	// Incident returns one incident with its updates and postmortem
	// (ENOTFOUND if none).
	Incident(ctx context.Context, id string) (*Incident, error)
	// FindIncidents returns matching incidents, newest first, and how many
	// match in all.
	FindIncidents(ctx context.Context, f IncidentFilter) ([]*Incident, int, error)
}

// IncidentInput is a person's request to open an incident
// (POST /api/v1/incidents, `sitrep incident open`).
type IncidentInput struct {
	Title      string
	Impact     Impact
	Status     IncidentStatus
	Message    string
	Components map[string]ComponentStatus
	// StartedAt and At back-date the incident and its first update; zero
	// means now.
	StartedAt time.Time
	At        time.Time
	Author    string
	Internal  bool
}

// IncidentUpdateInput is a person's update to an incident. Empty fields
// leave the incident as it is.
type IncidentUpdateInput struct {
	Status     IncidentStatus
	Impact     Impact
	Title      string
	Message    string
	Components map[string]ComponentStatus
	At         time.Time
	Author     string
	Internal   bool
}

// IncidentService is what the API, CLI and web layer need to manage incidents.
type IncidentService interface {
	OpenIncident(ctx context.Context, in IncidentInput) (*Incident, error)
	UpdateIncident(ctx context.Context, id string, in IncidentUpdateInput) (*Incident, error)
	ResolveIncident(ctx context.Context, id string, in IncidentUpdateInput) (*Incident, error)
	SetPostmortem(ctx context.Context, id string, pm Postmortem) (*Incident, error)
	Incident(ctx context.Context, id string) (*Incident, error)
	FindIncidents(ctx context.Context, f IncidentFilter) ([]*Incident, int, error)
}
