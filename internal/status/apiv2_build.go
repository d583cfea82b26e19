package status

import (
	"sort"
	"strings"
	"time"
	"unicode"

	"sitrep"
)

// apiTimeLayout is how Statuspage writes times: milliseconds and the page's
// UTC offset.
const apiTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// listLimit is how many incidents or maintenances the list documents carry,
// as on Statuspage.
const listLimit = 50

// APIInput is what the /api/v2 documents of one page are built from.
type APIInput struct {
	Page *sitrep.Page
	// URL is the page's public address without a trailing slash; incident
	// shortlinks are URL/incidents/{id} and URL/maintenance/{id}.
	URL string
	// Views of all components (Compute); those of other pages are skipped.
	Views []ComponentView
	// States give components their updated_at (the last status change).
	States map[string]sitrep.ComponentState
	// Incidents and Maintenances may cover every page; those that affect
	// none of this page's components are skipped (incidents without
	// components concern every page).
	Incidents    []*sitrep.Incident
	Maintenances []*sitrep.Maintenance
	// CreatedAt is when the page's components were first declared; sitrep
	// does not track it per component.
	CreatedAt time.Time
	// UpdatedAt is when anything on the page last changed.
	UpdatedAt time.Time
}

// API holds the documents of one page, built once per change so that
// serving one costs a map lookup, not a rebuild.
type API struct {
	page         PageDoc
	status       StatusDoc
	components   []ComponentDoc
	byID         map[string]ComponentDoc
	incidents    []IncidentDoc // newest first
	open         []IncidentDoc
	maintenances []MaintenanceDoc // newest planned start first
	upcoming     []MaintenanceDoc // soonest first
	active       []MaintenanceDoc
}

// BuildAPI builds the /api/v2 documents for one page.
func BuildAPI(in APIInput) *API {
	loc := in.Page.Loc()
	b := &builder{in: in, loc: loc}
	a := &API{byID: make(map[string]ComponentDoc)}
	a.page = PageDoc{
		ID:        in.Page.Slug,
		Name:      pageName(in.Page),
		URL:       in.URL,
		TimeZone:  timeZoneName(in.Page),
		UpdatedAt: b.ts(in.UpdatedAt),
	}
	views := PageViews(in.Page, in.Views)
	ids := make(map[string]bool, len(views))
	for _, v := range views {
		ids[v.Component.ID] = true
	}
	a.components = b.components(views)
	for _, c := range a.components {
		a.byID[c.ID] = c
	}

	var incidents []*sitrep.Incident
	for _, inc := range in.Incidents {
		if concernsPage(inc, ids) {
			incidents = append(incidents, inc)
		}
	}
	a.status = statusDoc(Overall(views, incidents))

	sort.SliceStable(incidents, func(i, j int) bool { return incidents[i].CreatedAt.After(incidents[j].CreatedAt) })
	for _, inc := range incidents {
		// Years of history: build only what a document carries.
		if len(a.incidents) >= listLimit && !inc.Open() {
			continue
		}
		d := b.incident(inc, a.byID)
		if len(a.incidents) < listLimit {
			a.incidents = append(a.incidents, d)
		}
		if inc.Open() {
			a.open = append(a.open, d)
		}
	}

	var ms []*sitrep.Maintenance
	for _, m := range in.Maintenances {
		for _, id := range m.Components {
			if ids[id] {
				ms = append(ms, m)
				break
			}
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].PlannedStart.Before(ms[j].PlannedStart) })
	for _, m := range ms {
		d := b.maintenance(m, a.byID)
		switch {
		case m.Status == sitrep.MaintenanceScheduled:
			a.upcoming = append(a.upcoming, d)
		case m.Status.Active():
			a.active = append(a.active, d)
		}
	}
	for i := len(ms) - 1; i >= 0 && len(a.maintenances) < listLimit; i-- {
		a.maintenances = append(a.maintenances, b.maintenance(ms[i], a.byID))
	}
	return a
}

// Summary is summary.json: components, unresolved incidents, upcoming and
// active maintenance, and the overall status.
func (a *API) Summary() SummaryDoc {
	sm := append(append([]MaintenanceDoc{}, a.active...), a.upcoming...)
	return SummaryDoc{Page: a.page, Components: a.components, Incidents: nonNil(a.open), ScheduledMaintenances: sm, Status: a.status}
}

// Status is status.json.
func (a *API) Status() StatusOnlyDoc { return StatusOnlyDoc{Page: a.page, Status: a.status} }

// Components is components.json.
func (a *API) Components() ComponentsDoc {
	return ComponentsDoc{Page: a.page, Components: a.components}
}

// Incidents is incidents.json: the 50 most recent incidents.
func (a *API) Incidents() IncidentsDoc {
	return IncidentsDoc{Page: a.page, Incidents: nonNil(a.incidents)}
}

// Unresolved is incidents/unresolved.json.
func (a *API) Unresolved() IncidentsDoc { return IncidentsDoc{Page: a.page, Incidents: nonNil(a.open)} }

// Maintenances is scheduled-maintenances.json: the 50 most recent windows.
func (a *API) Maintenances() MaintenancesDoc {
	return MaintenancesDoc{Page: a.page, ScheduledMaintenances: nonNil(a.maintenances)}
}

// Upcoming is scheduled-maintenances/upcoming.json.
func (a *API) Upcoming() MaintenancesDoc {
	return MaintenancesDoc{Page: a.page, ScheduledMaintenances: nonNil(a.upcoming)}
}

// Active is scheduled-maintenances/active.json.
func (a *API) Active() MaintenancesDoc {
	return MaintenancesDoc{Page: a.page, ScheduledMaintenances: nonNil(a.active)}
}

// nonNil keeps empty lists as [] rather than null: clients iterate them.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type builder struct {
	in  APIInput
	loc *time.Location
}

func (b *builder) ts(t time.Time) string { return t.In(b.loc).Format(apiTimeLayout) }

func (b *builder) tsp(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := b.ts(t)
	return &s
}

func (b *builder) components(views []ComponentView) []ComponentDoc {
	var out []ComponentDoc
	created := b.ts(b.in.CreatedAt)
	for gi, g := range Groups(b.in.Page, views) {
		gid := GroupID(g.Name)
		gd := ComponentDoc{
			ID: gid, Name: g.Name, Status: string(g.Status), CreatedAt: created, UpdatedAt: created,
			Position: gi + 1, PageID: b.in.Page.Slug, Group: true, Components: []string{},
		}
		var members []ComponentDoc
		groupUpdated := b.in.CreatedAt
		for ci, v := range g.Components {
			c := v.Component
			updated := b.in.CreatedAt
			if st, ok := b.in.States[c.ID]; ok && st.Since.After(updated) {
				updated = st.Since
			}
			if updated.After(groupUpdated) {
				groupUpdated = updated
			}
			d := ComponentDoc{
				ID: c.ID, Name: c.Name, Status: string(v.Status), CreatedAt: created, UpdatedAt: b.ts(updated),
				Position: ci + 1, PageID: b.in.Page.Slug, GroupID: &gid, OnlyShowIfDegraded: c.HiddenUntilDegraded,
			}
			if c.Description != "" {
				desc := c.Description
				d.Description = &desc
			}
			gd.Components = append(gd.Components, c.ID)
			members = append(members, d)
		}
		gd.UpdatedAt = b.ts(groupUpdated)
		out = append(out, gd)
		out = append(out, members...)
	}
	return nonNil(out)
}

func (b *builder) incident(inc *sitrep.Incident, comps map[string]ComponentDoc) IncidentDoc {
	d := IncidentDoc{
		ID:              inc.ID,
		Name:            inc.Title,
		Status:          string(inc.Status),
		CreatedAt:       b.ts(inc.CreatedAt),
		UpdatedAt:       b.tsp(lastChange(inc)),
		MonitoringAt:    b.tsp(inc.MonitoringAt),
		ResolvedAt:      b.tsp(inc.ResolvedAt),
		Impact:          string(inc.Impact),
		Shortlink:       b.in.URL + "/incidents/" + inc.ID,
		StartedAt:       b.ts(firstNonZero(inc.StartedAt, inc.CreatedAt)),
		PageID:          b.in.Page.Slug,
		IncidentUpdates: b.updates(inc, comps),
		Components:      affected(inc.Components, comps),
	}
	if pm := inc.Postmortem; pm != nil && pm.Published {
		body := PostmortemText(pm)
		d.PostmortemBody = &body
		d.PostmortemPublishedAt = b.tsp(pm.PublishedAt)
	}
	return d
}

// updates returns the public updates newest first, each with the component
// changes it made relative to the ones before it.
func (b *builder) updates(inc *sitrep.Incident, comps map[string]ComponentDoc) []IncidentUpdateDoc {
	pub := make([]sitrep.IncidentUpdate, 0, len(inc.Updates))
	for _, u := range inc.Updates {
		if u.Public {
			pub = append(pub, u)
		}
	}
	sort.SliceStable(pub, func(i, j int) bool { return pub[i].At.Before(pub[j].At) })
	current := map[string]sitrep.ComponentStatus{}
	out := make([]IncidentUpdateDoc, len(pub))
	for i, u := range pub {
		d := IncidentUpdateDoc{
			ID: u.ID, Status: string(u.Status), Body: u.Message, IncidentID: inc.ID,
			CreatedAt: b.ts(u.CreatedAt), UpdatedAt: b.ts(u.CreatedAt), DisplayAt: b.ts(u.At),
			DeliverNotifications: true,
		}
		for _, ac := range u.Components {
			if _, onPage := comps[ac.ComponentID]; !onPage {
				// A component of another page (say, staff-only) must not
				// leak its id onto this one.
				continue
			}
			old, ok := current[ac.ComponentID]
			if !ok {
				old = sitrep.StatusOperational
			}
			current[ac.ComponentID] = ac.Status
			d.AffectedComponents = append(d.AffectedComponents, AffectedComponentDoc{
				Code: ac.ComponentID, Name: comps[ac.ComponentID].Name, OldStatus: string(old), NewStatus: string(ac.Status),
			})
		}
		out[len(pub)-1-i] = d
	}
	return out
}

func (b *builder) maintenance(m *sitrep.Maintenance, comps map[string]ComponentDoc) MaintenanceDoc {
	d := MaintenanceDoc{
		ID:             m.ID,
		Name:           m.Title,
		Status:         string(m.Status),
		CreatedAt:      b.ts(m.CreatedAt),
		UpdatedAt:      b.tsp(firstNonZero(m.UpdatedAt, m.CreatedAt)),
		ResolvedAt:     b.tsp(m.ActualEnd),
		Impact:         "maintenance",
		Shortlink:      b.in.URL + "/maintenance/" + m.ID,
		StartedAt:      b.ts(firstNonZero(m.ActualStart, m.CreatedAt)),
		PageID:         b.in.Page.Slug,
		ScheduledFor:   b.ts(m.PlannedStart),
		ScheduledUntil: b.ts(m.PlannedEnd),
	}
	var pub []sitrep.MaintenanceUpdate
	for _, u := range m.Updates {
		if u.Public {
			pub = append(pub, u)
		}
	}
	sort.SliceStable(pub, func(i, j int) bool { return pub[i].At.After(pub[j].At) })
	d.IncidentUpdates = make([]IncidentUpdateDoc, len(pub))
	for i, u := range pub {
		d.IncidentUpdates[i] = IncidentUpdateDoc{
			ID: u.ID, Status: string(u.Status), Body: u.Message, IncidentID: m.ID,
			CreatedAt: b.ts(u.CreatedAt), UpdatedAt: b.ts(u.CreatedAt), DisplayAt: b.ts(u.At),
			DeliverNotifications: true,
		}
	}
	d.Components = []ComponentDoc{}
	for _, id := range m.Components {
		if c, ok := comps[id]; ok {
			d.Components = append(d.Components, c)
		}
	}
	return d
}

func affected(acs []sitrep.AffectedComponent, comps map[string]ComponentDoc) []ComponentDoc {
	out := []ComponentDoc{}
	for _, ac := range acs {
		if c, ok := comps[ac.ComponentID]; ok {
			out = append(out, c)
		}
	}
	return out
}

func concernsPage(inc *sitrep.Incident, ids map[string]bool) bool {
	if len(inc.Components) == 0 {
		return true
	}
	for _, ac := range inc.Components {
		if ids[ac.ComponentID] {
			return true
		}
	}
	return false
}

func lastChange(inc *sitrep.Incident) time.Time {
	t := inc.UpdatedAt
	for _, u := range inc.Updates {
		if u.CreatedAt.After(t) {
			t = u.CreatedAt
		}
	}
	return firstNonZero(t, inc.CreatedAt)
}

func firstNonZero(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

func statusDoc(b Banner) StatusDoc {
	return StatusDoc{Indicator: b.Indicator, Description: b.Description}
}

func pageName(p *sitrep.Page) string {
	if p.Branding.Name != "" {
		return p.Branding.Name
	}
	return p.Title
}

func timeZoneName(p *sitrep.Page) string {
	if p.TimeZone != "" {
		return p.TimeZone
	}
	return "Etc/UTC"
}

// GroupID is the stable id of a component group in API documents: groups
// are declared by name only. "Oslo data centre" becomes
// "group-oslo-data-centre"; letters outside ASCII are kept.
func GroupID(name string) string {
	var sb strings.Builder
	sb.WriteString("group")
	inWord := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if !inWord {
				sb.WriteByte('-')
				inWord = true
			}
			sb.WriteRune(r)
			continue
		}
		inWord = false
	}
	return sb.String()
}

// PostmortemText renders a postmortem as the plain text body Statuspage
// clients expect in postmortem_body.
func PostmortemText(pm *sitrep.Postmortem) string {
	var sb strings.Builder
	section := func(title, body string) {
		if body == "" {
			return
		}
		if sb.Len() > 0 {
			sb.WriteString("\n\n")
		}
		sb.WriteString(title)
		sb.WriteString("\n")
		sb.WriteString(body)
	}
	section("Summary", pm.Summary)
	section("Root cause", pm.RootCause)
	section("Impact", pm.Impact)
	var tl []string
	for _, e := range pm.Timeline {
		tl = append(tl, e.At.UTC().Format("2006-01-02 15:04 UTC")+" "+e.Text)
	}
	section("Timeline", strings.Join(tl, "\n"))
	var ai []string
	for _, a := range pm.ActionItems {
		// Owners are staff names: they stay internal, like the owners on the
		// incident's public page.
		line := "- " + a.Title
		if !a.Due.IsZero() {
			line += " (due " + a.Due.UTC().Format("2006-01-02") + ")"
		}
		ai = append(ai, line)
	}
	section("Action items", strings.Join(ai, "\n"))
	return sb.String()
}
