// Package incident holds the decisions about incidents and maintenance
// windows: which changes a person may make (the lifecycle), what sitrep
// does by itself (automation), and when recurring windows occur. It is pure:
// every function takes the time it should act at and returns what to do;
// storage and notification are the caller's.
package incident

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"sitrep"
)

// MaxTitle is the longest title accepted, as on Statuspage.
const MaxTitle = 255

// DefaultMessages are the public texts of status changes made without a
// message, in Statuspage's words so that subscribers recognise them.
var DefaultMessages = map[sitrep.IncidentStatus]string{
	sitrep.IncidentInvestigating: "We are currently investigating this issue.",
	sitrep.IncidentIdentified:    "The issue has been identified and a fix is being implemented.",
	sitrep.IncidentMonitoring:    "A fix has been implemented and we are monitoring the results.",
	sitrep.IncidentResolved:      "This incident has been resolved.",
}

// Catalog is what the lifecycle needs to know about declared components.
type Catalog map[string]*sitrep.Component

// NewCatalog indexes components by id.
func NewCatalog(cs []sitrep.Component) Catalog {
	c := make(Catalog, len(cs))
	for i := range cs {
		c[cs[i].ID] = &cs[i]
	}
	return c
}

// CheckTransition reports whether an incident may move from one status to
// another. Open statuses may follow each other in any order, because real
// incidents relapse (a fix that fails sends "monitoring" back to
// "investigating"); a resolved incident stays resolved, and a new problem
// gets a new incident so its timeline and metrics stay honest.
func CheckTransition(from, to sitrep.IncidentStatus) error {
	if !to.Valid() {
		_, err := sitrep.ParseIncidentStatus("status", string(to))
		return err
	}
	if from == sitrep.IncidentResolved && to != sitrep.IncidentResolved {
		return sitrep.FieldErrorf(sitrep.EINVALID, "status",
			"the incident is resolved and cannot move to %q; open a new incident instead", to)
	}
	return nil
}

// NewIncident validates a person's request and returns the incident to
// store, with its first update.
func NewIncident(in sitrep.IncidentInput, cat Catalog, now time.Time) (*sitrep.Incident, error) {
	title, err := checkTitle(in.Title)
	if err != nil {
		return nil, err
	}
	status := in.Status
	if status == "" {
		status = sitrep.IncidentInvestigating
	}
	if !status.Valid() {
		_, err := sitrep.ParseIncidentStatus("status", string(status))
		return nil, err
	}
	comps, err := checkComponents(in.Components, cat)
	if err != nil {
		return nil, err
	}
	impact := in.Impact
	if impact == "" {
		impact = ImpactOf(comps)
	} else if !impact.Valid() {
		_, err := sitrep.ParseImpact("impact", string(impact))
		return nil, err
	}
	at, err := checkAt("at", in.At, now)
	if err != nil {
		return nil, err
	}
	started, err := checkAt("started_at", in.StartedAt, now)
	if err != nil {
		return nil, err
	}
	if in.StartedAt.IsZero() {
		started = at
	}
	msg := strings.TrimSpace(in.Message)
	if msg == "" {
		return nil, sitrep.FieldErrorf(sitrep.EINVALID, "message", "is required: tell users what they are experiencing")
	}
	inc := &sitrep.Incident{
		Title: title, Impact: impact, Status: status, Components: comps,
		CreatedAt: now, UpdatedAt: now, StartedAt: started, DetectedAt: now,
	}
	inc.Updates = []sitrep.IncidentUpdate{{
		Status: status, Message: msg, Public: !in.Internal, At: at, CreatedAt: now,
		Author: in.Author, Components: comps,
	}}
	markStatusTime(inc, status, at)
	return inc, nil
}

// ApplyUpdate applies a person's update to inc: status, impact, title and
// component changes, and a timeline entry. Any update by a person to an
// automatic incident takes it over.
func ApplyUpdate(inc *sitrep.Incident, in sitrep.IncidentUpdateInput, cat Catalog, now time.Time) error {
	status := in.Status
	if status == "" {
		status = inc.Status
	}
	if err := CheckTransition(inc.Status, status); err != nil {
		return err
	}
	if in.Impact != "" && !in.Impact.Valid() {
		_, err := sitrep.ParseImpact("impact", string(in.Impact))
		return err
	}
	if in.Title != "" {
		title, err := checkTitle(in.Title)
		if err != nil {
			return err
		}
		inc.Title = title
	}
	comps, err := checkComponents(in.Components, cat)
	if err != nil {
		return err
	}
	at, err := checkAt("at", in.At, now)
	if err != nil {
		return err
	}
	msg := strings.TrimSpace(in.Message)
	changed := status != inc.Status || len(comps) > 0
	if msg == "" && status != inc.Status {
		msg = DefaultMessages[status]
	}
	if msg == "" && !changed && in.Impact == "" && in.Title == "" {
		return sitrep.FieldErrorf(sitrep.EINVALID, "message", "is required when nothing else changes")
	}
	if in.Impact != "" {
		inc.Impact = in.Impact
	}
	inc.Components = mergeComponents(inc.Components, comps)
	if msg != "" || changed {
		inc.Updates = append(inc.Updates, sitrep.IncidentUpdate{
			IncidentID: inc.ID, Status: status, Message: msg, Public: !in.Internal,
			At: at, CreatedAt: now, Author: in.Author, Components: comps,
		})
	}
	if status != inc.Status {
		markStatusTime(inc, status, at)
	}
	inc.Status = status
	inc.UpdatedAt = now
	if inc.Automatic && in.Author != sitrep.AutomationAuthor {
		inc.TakenOver = true
	}
	return nil
}

// Resolve resolves inc; a convenience for the API's resolve and the CLI.
func Resolve(inc *sitrep.Incident, in sitrep.IncidentUpdateInput, cat Catalog, now time.Time) error {
	in.Status = sitrep.IncidentResolved
	if len(in.Components) == 0 && len(inc.Components) > 0 {
		// Resolution hands the components back, as Statuspage does: the
		// last word to customers must not still say "major outage". A
		// responder who knows better names the statuses explicitly.
		in.Components = make(map[string]sitrep.ComponentStatus, len(inc.Components))
		for _, c := range inc.Components {
			in.Components[c.ComponentID] = sitrep.StatusOperational
		}
	}
	return ApplyUpdate(inc, in, cat, now)
}

// SetPostmortem attaches or replaces the postmortem of a resolved incident.
// Publishing stamps PublishedAt the first time.
func SetPostmortem(inc *sitrep.Incident, pm sitrep.Postmortem, now time.Time) error {
	if inc.Status != sitrep.IncidentResolved {
		return sitrep.FieldErrorf(sitrep.EINVALID, "status",
			"a postmortem can be written once the incident is resolved; it is %q", inc.Status)
	}
	if strings.TrimSpace(pm.Summary) == "" {
		return sitrep.FieldErrorf(sitrep.EINVALID, "summary", "is required")
	}
	for i, a := range pm.ActionItems {
		field := fmt.Sprintf("action_items[%d]", i)
		switch {
		case strings.TrimSpace(a.Title) == "":
			return sitrep.FieldErrorf(sitrep.EINVALID, field+".title", "is required")
		case strings.TrimSpace(a.Owner) == "":
			return sitrep.FieldErrorf(sitrep.EINVALID, field+".owner", "is required: every promise needs someone who keeps it")
		case a.Due.IsZero():
			return sitrep.FieldErrorf(sitrep.EINVALID, field+".due", "is required (a date, e.g. 2026-12-01)")
		}
	}
	old := inc.Postmortem
	pm.UpdatedAt = now
	switch {
	case !pm.Published:
		pm.PublishedAt = time.Time{}
	case old != nil && old.Published:
		pm.PublishedAt = old.PublishedAt
	default:
		pm.PublishedAt = now
	}
	inc.Postmortem = &pm
	inc.UpdatedAt = now
	return nil
}

// ImpactOf is the impact an incident has by default from the statuses it
// sets: degraded performance and partial outages are minor, a major outage
// is major. Critical is left to people: it is the word for "everything is
// down", which one dead component in a region is not, and the page banner
// follows the worst open impact.
func ImpactOf(comps []sitrep.AffectedComponent) sitrep.Impact {
	impact := sitrep.ImpactNone
	for _, c := range comps {
		var i sitrep.Impact
		switch c.Status {
		case sitrep.StatusDegraded, sitrep.StatusPartialOutage:
			i = sitrep.ImpactMinor
		case sitrep.StatusMajorOutage:
			i = sitrep.ImpactMajor
		}
		if i.Rank() > impact.Rank() {
			impact = i
		}
	}
	return impact
}

func markStatusTime(inc *sitrep.Incident, status sitrep.IncidentStatus, at time.Time) {
	switch status {
	case sitrep.IncidentMonitoring:
		inc.MonitoringAt = at
	case sitrep.IncidentResolved:
		inc.ResolvedAt = at
	}
}

func checkTitle(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", sitrep.FieldErrorf(sitrep.EINVALID, "title", "is required")
	case len([]rune(s)) > MaxTitle:
		return "", sitrep.FieldErrorf(sitrep.EINVALID, "title", "is %d characters long; at most %d are allowed", len([]rune(s)), MaxTitle)
	}
	return s, nil
}

// checkAt accepts a zero time as now and refuses the future: back-dating is
// for write-ups, but an update dated ahead would sit on top of the timeline.
func checkAt(field string, t, now time.Time) (time.Time, error) {
	if t.IsZero() {
		return now, nil
	}
	if t.After(now.Add(time.Minute)) {
		return time.Time{}, sitrep.FieldErrorf(sitrep.EINVALID, field, "%s is in the future; it may be now or earlier", t.UTC().Format(time.RFC3339))
	}
	return t, nil
}

// checkComponents validates a component → status map and returns it sorted
// by id, so that timelines and documents come out the same every time.
func checkComponents(m map[string]sitrep.ComponentStatus, cat Catalog) ([]sitrep.AffectedComponent, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make([]sitrep.AffectedComponent, 0, len(m))
	for id, st := range m {
		if _, ok := cat[id]; !ok {
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, "components", "unknown component %q, valid: %s", id, cat.ids())
		}
		if st == "" {
			st = sitrep.StatusMajorOutage
		}
		if !st.Valid() {
			_, err := sitrep.ParseComponentStatus("components."+id, string(st))
			return nil, err
		}
		out = append(out, sitrep.AffectedComponent{ComponentID: id, Status: st})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ComponentID < out[j].ComponentID })
	return out, nil
}

func (c Catalog) ids() string {
	ids := make([]string, 0, len(c))
	for id := range c {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return strings.Join(ids, ", ")
}

// mergeComponents sets the statuses in changes on cur, adding components it
// does not list yet. A component set back to operational stays listed: it
// was affected, and the timeline says so.
func mergeComponents(cur, changes []sitrep.AffectedComponent) []sitrep.AffectedComponent {
	for _, ch := range changes {
		found := false
		for i := range cur {
			if cur[i].ComponentID == ch.ComponentID {
				cur[i].Status = ch.Status
				found = true
			}
		}
		if !found {
			cur = append(cur, ch)
		}
	}
	return cur
}
