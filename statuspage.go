package sitrep

import (
	"context"
	"sort"
	"time"
)

// StatusPageService gives the web layer ready-made snapshots of public pages;
// a snapshot is rebuilt once per change, never per request.
type StatusPageService interface {
	// PageFor chooses the page for a request: by custom domain (host) first,
	// then by slug ("" = the first page). ENOTFOUND if none.
	PageFor(ctx context.Context, host, slug string) (*StatusPage, error)
	// Subscribe returns a channel that receives the page's version whenever
	// it changes (for Server-Sent Events). The channel may drop versions
	// when the reader is slow: only the latest matters. cancel releases it.
	Subscribe(slug string) (ch <-chan uint64, cancel func())
}

// StatusPage is an immutable snapshot of one public page. Everything in it
// may be shown to anyone: it is built from PublicIncident and
// PublicMaintenance values, which cannot carry internal updates, authors or
// unpublished postmortems.
type StatusPage struct {
	// Version grows with every change of the page; renderings are cached
	// per version.
	Version uint64
	Page    Page
	// URL is the page's public address without a trailing slash, e.g.
	// "https://status.example.com"; feeds need absolute links. "" leaves
	// links relative to the request.
	URL string
	// GeneratedAt is "now" for the snapshot: running maintenance durations
	// are measured to it.
	GeneratedAt time.Time

	Banner PageBanner
	Groups []PageGroup

	// ActiveIncidents are the open incidents, newest first.
	ActiveIncidents []*PublicIncident
	// ActiveMaintenances are under way; UpcomingMaintenances are scheduled,
	// soonest first.
	ActiveMaintenances   []*PublicMaintenance
	UpcomingMaintenances []*PublicMaintenance
	// History is every incident and maintenance of the page by month,
	// newest month first (see HistoryByMonth).
	History []HistoryMonth
	// Incidents and Maintenances index every record the page may show, by ID.
	Incidents    map[string]*PublicIncident
	Maintenances map[string]*PublicMaintenance

	// APIv2 holds the pre-rendered Statuspage-compatible documents keyed by
	// file name under /api/v2/, e.g. "summary.json",
	// "incidents/unresolved.json".
	APIv2 map[string][]byte
}

// PageBanner is the overall status line of a page.
type PageBanner struct {
	// Indicator is Statuspage's word: none, minor, major or critical.
	Indicator   string
	Description string
	// Worst is the worst component status on the page.
	Worst ComponentStatus
}

// PageGroup is a group of components as the page shows it.
type PageGroup struct {
	Name       string
	Status     ComponentStatus
	Components []PageComponent
}

// PageComponent is a visible component with its recent uptime.
type PageComponent struct {
	ID          string
	Name        string
	Description string
	Status      ComponentStatus
	// Days are the uptime bars, oldest first (90 on the page).
	Days []PageDay
	// Uptime is the fraction over the days with data; HasData is false when
	// there were none.
	Uptime  float64
	HasData bool
}

// PageDay is one uptime bar.
type PageDay struct {
	// Day is local midnight in the page's time zone.
	Day         time.Time
	Uptime      float64
	HasData     bool
	Maintenance bool
	// Incidents are IDs into StatusPage.Incidents.
	Incidents []string
}

// PublicIncident is the public face of an Incident.
type PublicIncident struct {
	ID         string
	Title      string
	Impact     Impact
	Status     IncidentStatus
	Components []PublicComponentStatus

	StartedAt    time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	MonitoringAt time.Time
	ResolvedAt   time.Time

	// Updates are the public updates, newest first.
	Updates []PublicUpdate
	// Postmortem is set only once published.
	Postmortem *PublicPostmortem
}

// Open reports whether the incident is not resolved.
func (i *PublicIncident) Open() bool { return i.Status != IncidentResolved }

// PublicComponentStatus names a component and the status a record gave it.
type PublicComponentStatus struct {
	ID     string
	Name   string
	Status ComponentStatus
}

// PublicUpdate is one public timeline entry of an incident or maintenance.
// Status is an IncidentStatus or a MaintenanceStatus.
type PublicUpdate struct {
	ID         string
	Status     string
	Message    string
	At         time.Time
	Components []PublicComponentStatus
}

// PublicPostmortem is a published postmortem without its author.
type PublicPostmortem struct {
	Summary     string
	RootCause   string
	Impact      string
	Timeline    []TimelineEntry
	ActionItems []PublicActionItem
	PublishedAt time.Time
}

// PublicActionItem is a follow-up as the public sees it; owners are people
// inside the organisation and are left out.
type PublicActionItem struct {
	Title string
	Due   time.Time
	Done  bool
}

// PublicMaintenance is the public face of a Maintenance.
type PublicMaintenance struct {
	ID           string
	Title        string
	Description  string
	Components   []PublicComponentStatus
	Status       MaintenanceStatus
	PlannedStart time.Time
	PlannedEnd   time.Time
	ActualStart  time.Time
	ActualEnd    time.Time
	Overrun      bool
	OverrunAt    time.Time
	// Updates are the public updates, newest first.
	Updates []PublicUpdate
}

// HistoryMonth is one month of a page's record.
type HistoryMonth struct {
	// Month is local midnight of the month's first day.
	Month        time.Time
	Incidents    []*PublicIncident    // newest first
	Maintenances []*PublicMaintenance // newest first
}

// NewPublicIncident copies what the public may see of inc. name maps a
// component ID to its display name; components it maps to "" are not on the
// page and are left out.
func NewPublicIncident(inc *Incident, name func(id string) string) *PublicIncident {
	p := &PublicIncident{
		ID: inc.ID, Title: inc.Title, Impact: inc.Impact, Status: inc.Status,
		Components: publicComponents(inc.Components, name),
		StartedAt:  inc.StartedAt, CreatedAt: inc.CreatedAt, UpdatedAt: inc.UpdatedAt,
		MonitoringAt: inc.MonitoringAt, ResolvedAt: inc.ResolvedAt,
	}
	if p.StartedAt.IsZero() {
		p.StartedAt = inc.CreatedAt
	}
	for _, u := range inc.Updates {
		if !u.Public {
			continue
		}
		p.Updates = append(p.Updates, PublicUpdate{
			ID: u.ID, Status: string(u.Status), Message: u.Message, At: u.At,
			Components: publicComponents(u.Components, name),
		})
	}
	sortUpdates(p.Updates)
	if pm := inc.Postmortem; pm != nil && pm.Published {
		pp := &PublicPostmortem{Summary: pm.Summary, RootCause: pm.RootCause, Impact: pm.Impact,
			Timeline: append([]TimelineEntry(nil), pm.Timeline...), PublishedAt: pm.PublishedAt}
		for _, a := range pm.ActionItems {
			pp.ActionItems = append(pp.ActionItems, PublicActionItem{Title: a.Title, Due: a.Due, Done: a.Done})
		}
		p.Postmortem = pp
	}
	return p
}

// NewPublicMaintenance copies what the public may see of m; name is as for
// NewPublicIncident.
func NewPublicMaintenance(m *Maintenance, name func(id string) string) *PublicMaintenance {
	p := &PublicMaintenance{
		ID: m.ID, Title: m.Title, Description: m.Description, Status: m.Status,
		PlannedStart: m.PlannedStart, PlannedEnd: m.PlannedEnd, ActualStart: m.ActualStart, ActualEnd: m.ActualEnd,
		Overrun: m.Overrun, OverrunAt: m.OverrunAt,
	}
	for _, id := range m.Components {
		if n := name(id); n != "" {
			p.Components = append(p.Components, PublicComponentStatus{ID: id, Name: n, Status: StatusUnderMaintenance})
		}
	}
	for _, u := range m.Updates {
		if u.Public {
			p.Updates = append(p.Updates, PublicUpdate{ID: u.ID, Status: string(u.Status), Message: u.Message, At: u.At})
		}
	}
	sortUpdates(p.Updates)
	return p
}

// HistoryByMonth groups incidents (by start) and maintenances (by planned
// start) into months of loc, newest first.
func HistoryByMonth(incs []*PublicIncident, ms []*PublicMaintenance, loc *time.Location) []HistoryMonth {
	if loc == nil {
		loc = time.UTC
	}
	byMonth := map[time.Time]*HistoryMonth{}
	month := func(t time.Time) *HistoryMonth {
		t = t.In(loc)
		k := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
		h := byMonth[k]
		if h == nil {
			h = &HistoryMonth{Month: k}
			byMonth[k] = h
		}
		return h
	}
	for _, inc := range incs {
		h := month(inc.StartedAt)
		h.Incidents = append(h.Incidents, inc)
	}
	for _, m := range ms {
		h := month(m.PlannedStart)
		h.Maintenances = append(h.Maintenances, m)
	}
	out := make([]HistoryMonth, 0, len(byMonth))
	for _, h := range byMonth {
		sort.SliceStable(h.Incidents, func(i, j int) bool { return h.Incidents[i].StartedAt.After(h.Incidents[j].StartedAt) })
		sort.SliceStable(h.Maintenances, func(i, j int) bool {
			return h.Maintenances[i].PlannedStart.After(h.Maintenances[j].PlannedStart)
		})
		out = append(out, *h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Month.After(out[j].Month) })
	return out
}

func publicComponents(acs []AffectedComponent, name func(string) string) []PublicComponentStatus {
	var out []PublicComponentStatus
	for _, ac := range acs {
		if n := name(ac.ComponentID); n != "" {
			out = append(out, PublicComponentStatus{ID: ac.ComponentID, Name: n, Status: ac.Status})
		}
	}
	return out
}

// sortUpdates puts the newest display time first, keeping the written order
// for equal times reversed too, so the latest word leads.
func sortUpdates(us []PublicUpdate) {
	for i, j := 0, len(us)-1; i < j; i, j = i+1, j-1 {
		us[i], us[j] = us[j], us[i]
	}
	sort.SliceStable(us, func(i, j int) bool { return us[i].At.After(us[j].At) })
}

// PagePasswordChecker is implemented by a StatusPageService whose pages may
// be password protected. The web layer asks it before serving anything of a
// protected page; without it, protected pages are refused outright.
type PagePasswordChecker interface {
	// CheckPagePassword reports whether password opens the page slug. It
	// must compare in constant time.
	CheckPagePassword(slug, password string) bool
}
