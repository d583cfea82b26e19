package web

import (
	"time"

	"sitrep"
)

// The records API's answers. Times are RFC 3339 in UTC and null when
// unknown; durations are seconds. internal/client mirrors these shapes.

type componentStatusJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

type incidentJSON struct {
	ID            string                `json:"id"`
	Title         string                `json:"title"`
	Impact        string                `json:"impact"`
	Status        string                `json:"status"`
	Components    []componentStatusJSON `json:"components"`
	Automatic     bool                  `json:"automatic"`
	TakenOver     bool                  `json:"taken_over"`
	CreatedAt     *time.Time            `json:"created_at"`
	UpdatedAt     *time.Time            `json:"updated_at"`
	StartedAt     *time.Time            `json:"started_at"`
	MonitoringAt  *time.Time            `json:"monitoring_at"`
	ResolvedAt    *time.Time            `json:"resolved_at"`
	FirstFailedAt *time.Time            `json:"first_failed_at"`
	DetectedAt    *time.Time            `json:"detected_at"`
	Updates       []incidentUpdateJSON  `json:"updates"`
	Metrics       metricsJSON           `json:"metrics"`
	Postmortem    *postmortemJSON       `json:"postmortem"`
}

type incidentUpdateJSON struct {
	ID         string                `json:"id"`
	Status     string                `json:"status"`
	Message    string                `json:"message"`
	Internal   bool                  `json:"internal"`
	At         *time.Time            `json:"at"`
	CreatedAt  *time.Time            `json:"created_at"`
	Author     string                `json:"author"`
	Components []componentStatusJSON `json:"components"`
}

// metricsJSON are the response times of sitrep.IncidentMetrics; a time is
// null while its end is unknown (not yet resolved, no public update).
type metricsJSON struct {
	FirstFailedAt       *time.Time `json:"first_failed_at"`
	DetectedAt          *time.Time `json:"detected_at"`
	FirstPublicAt       *time.Time `json:"first_public_update_at"`
	ResolvedAt          *time.Time `json:"resolved_at"`
	TimeToDetect        *float64   `json:"time_to_detect_seconds"`
	TimeToFirstUpdate   *float64   `json:"time_to_first_update_seconds"`
	TimeToResolve       *float64   `json:"time_to_resolve_seconds"`
	DetectToFirstUpdate *float64   `json:"detect_to_first_update_seconds"`
}

type postmortemJSON struct {
	Summary     string              `json:"summary"`
	RootCause   string              `json:"root_cause"`
	Impact      string              `json:"impact"`
	Timeline    []timelineEntryJSON `json:"timeline"`
	ActionItems []actionItemJSON    `json:"action_items"`
	Published   bool                `json:"published"`
	PublishedAt *time.Time          `json:"published_at"`
	UpdatedAt   *time.Time          `json:"updated_at"`
	Author      string              `json:"author"`
}

type timelineEntryJSON struct {
	At   *time.Time `json:"at"`
	Text string     `json:"text"`
}

type actionItemJSON struct {
	Title string     `json:"title"`
	Owner string     `json:"owner"`
	Due   *time.Time `json:"due"`
	Done  bool       `json:"done"`
}

type incidentListJSON struct {
	Incidents  []incidentJSON `json:"incidents"`
	Total      int            `json:"total"`
	NextCursor *string        `json:"next_cursor"`
}

// timeOrNull is t in UTC, or nil for the zero time.
func timeOrNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// secondsOrNull is d in seconds when both ends were known.
func secondsOrNull(known bool, d time.Duration) *float64 {
	if !known {
		return nil
	}
	s := d.Seconds()
	return &s
}

func componentsJSON(cs []sitrep.AffectedComponent) []componentStatusJSON {
	out := make([]componentStatusJSON, len(cs))
	for i, c := range cs {
		out[i] = componentStatusJSON{ID: c.ComponentID, Status: string(c.Status)}
	}
	return out
}

func newIncidentJSON(inc *sitrep.Incident) incidentJSON {
	m := inc.Metrics()
	j := incidentJSON{
		ID: inc.ID, Title: inc.Title, Impact: string(inc.Impact), Status: string(inc.Status),
		Components: componentsJSON(inc.Components), Automatic: inc.Automatic, TakenOver: inc.TakenOver,
		CreatedAt: timeOrNull(inc.CreatedAt), UpdatedAt: timeOrNull(inc.UpdatedAt), StartedAt: timeOrNull(inc.StartedAt),
		MonitoringAt: timeOrNull(inc.MonitoringAt), ResolvedAt: timeOrNull(inc.ResolvedAt),
		FirstFailedAt: timeOrNull(inc.FirstFailedAt), DetectedAt: timeOrNull(inc.DetectedAt),
		Updates: make([]incidentUpdateJSON, len(inc.Updates)),
		Metrics: metricsJSON{
			FirstFailedAt: timeOrNull(m.FirstFailedAt), DetectedAt: timeOrNull(m.DetectedAt),
			FirstPublicAt: timeOrNull(m.FirstPublicAt), ResolvedAt: timeOrNull(m.ResolvedAt),
			TimeToDetect:        secondsOrNull(!m.FirstFailedAt.IsZero() && !m.DetectedAt.IsZero(), m.TimeToDetect),
			TimeToFirstUpdate:   secondsOrNull(!m.FirstPublicAt.IsZero(), m.TimeToFirstUpdate),
			TimeToResolve:       secondsOrNull(!m.ResolvedAt.IsZero(), m.TimeToResolve),
			DetectToFirstUpdate: secondsOrNull(!m.FirstPublicAt.IsZero() && !m.DetectedAt.IsZero(), m.DetectToFirstUpdate),
		},
	}
	for i, u := range inc.Updates {
		j.Updates[i] = incidentUpdateJSON{
			ID: u.ID, Status: string(u.Status), Message: u.Message, Internal: !u.Public,
			At: timeOrNull(u.At), CreatedAt: timeOrNull(u.CreatedAt), Author: u.Author,
			Components: componentsJSON(u.Components),
		}
	}
	if pm := inc.Postmortem; pm != nil {
		p := &postmortemJSON{
			Summary: pm.Summary, RootCause: pm.RootCause, Impact: pm.Impact, Published: pm.Published,
			PublishedAt: timeOrNull(pm.PublishedAt), UpdatedAt: timeOrNull(pm.UpdatedAt), Author: pm.Author,
			Timeline: make([]timelineEntryJSON, len(pm.Timeline)), ActionItems: make([]actionItemJSON, len(pm.ActionItems)),
		}
		for i, e := range pm.Timeline {
			p.Timeline[i] = timelineEntryJSON{At: timeOrNull(e.At), Text: e.Text}
		}
		for i, a := range pm.ActionItems {
			p.ActionItems[i] = actionItemJSON{Title: a.Title, Owner: a.Owner, Due: timeOrNull(a.Due), Done: a.Done}
		}
		j.Postmortem = p
	}
	return j
}
