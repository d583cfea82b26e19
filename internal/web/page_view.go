package web

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sitrep"
)

// pageLayout is what every public page template shares. Templates only
// place these values; html/template escapes each for its context.
type pageLayout struct {
	Title    string // the <title>
	Name     string // the page's name in the header
	Home     string // link to the page itself
	LogoURL  string // "" unless a safe absolute URL
	Links    []pageLink
	CSS      string
	ThemeCSS string
	JS       string
	Events   string
	Version  uint64
	Atom     string
	RSS      string
	ICS      string
	APIBase  string
	Zone     string // time zone the page shows times in
}

type pageLink struct{ Title, URL string }

// mainView is the page at / or /slug/.
type mainView struct {
	pageLayout
	Banner    bannerView
	Incidents []incidentView
	Active    []maintenanceView
	Upcoming  []maintenanceView
	Groups    []groupView
	History   []monthView
	BarDays   int
	BarStart  string
	BarEnd    string
}

type bannerView struct {
	Class       string // none, minor, major, critical, maintenance
	Description string
}

type statusView struct {
	Class string // a ComponentStatus, safe as a class name
	Label string
}

type incidentView struct {
	ID, Title, URL string
	Impact         string // class and label come from Impact
	ImpactLabel    string
	Status         string
	StatusLabel    string
	Started        timeView
	Resolved       timeView
	Duration       string
	Components     []componentStatusView
	Latest         *updateView
	Updates        []updateView
	Postmortem     *postmortemView
}

type componentStatusView struct {
	Name   string
	Status statusView
}

type updateView struct {
	StatusLabel string
	Body        template.HTML
	At          timeView
	Components  []componentStatusView
}

type timeView struct {
	ISO, Text string
}

func (t timeView) IsZero() bool { return t.ISO == "" }

type postmortemView struct {
	Summary, RootCause, Impact template.HTML
	Timeline                   []timelineView
	ActionItems                []actionView
	Published                  timeView
}

type timelineView struct {
	At   timeView
	Text template.HTML
}

type actionView struct {
	Title string
	Due   string
	Done  bool
}

type maintenanceView struct {
	ID, Title, URL  string
	Description     template.HTML
	Status          string
	StatusLabel     string
	PlannedStart    timeView
	PlannedEnd      timeView
	ActualStart     timeView
	ActualEnd       timeView
	PlannedDuration string
	ActualDuration  string // "" until started
	Running         bool   // started and not ended: ActualDuration is "so far"
	Overrun         bool
	OverrunBy       string
	Components      []componentStatusView
	Updates         []updateView
}

type groupView struct {
	ID         string
	Name       string
	Status     statusView
	Components []componentView
}

type componentView struct {
	ID          string
	Name        string
	Description string
	Status      statusView
	Uptime      string // "99.98 % uptime" or "No data"
	Bars        []barSegment
}

type monthView struct {
	ID           string
	Label        string
	Incidents    []incidentView
	Maintenances []maintenanceView
}

// newLayout fills what every page of snap shares.
func (s *Server) newLayout(pr pageReq, title string) pageLayout {
	p := &pr.snap.Page
	name := p.Branding.Name
	if name == "" {
		name = p.Title
	}
	if name == "" {
		name = "Status"
	}
	if title == "" {
		title = name
	} else {
		title += " · " + name
	}
	l := pageLayout{
		Title: title, Name: name, Home: pr.base + "/",
		CSS: s.pub.cssURL, JS: s.pub.jsURL, Version: pr.snap.Version,
		Events: pr.base + "/events", Atom: pr.base + "/history.atom", RSS: pr.base + "/history.rss",
		ICS: pr.base + "/maintenance.ics", APIBase: pr.base + "/api/v2/",
		Zone: zoneName(p),
	}
	if accentColor(p.Branding.AccentColor) != "" {
		// The colour sits in its own tiny stylesheet: the CSP forbids inline
		// style, and the query makes a new colour bypass caches.
		l.ThemeCSS = pr.base + "/theme.css?c=" + url.QueryEscape(strings.TrimPrefix(accentColor(p.Branding.AccentColor), "#"))
	}
	if u, ok := safeURL(p.Branding.LogoURL); ok && !strings.HasPrefix(u, "mailto:") {
		l.LogoURL = u
	}
	for _, lk := range p.Branding.Links {
		if u, ok := safeURL(lk.URL); ok && lk.Title != "" {
			l.Links = append(l.Links, pageLink{Title: lk.Title, URL: u})
		}
	}
	return l
}

func zoneName(p *sitrep.Page) string {
	if p.TimeZone != "" {
		return p.TimeZone
	}
	return "UTC"
}

// fmtTime shows t in the page's zone with the zone's abbreviation.
func fmtTime(t time.Time, loc *time.Location) timeView {
	if t.IsZero() {
		return timeView{}
	}
	return timeView{ISO: t.UTC().Format(time.RFC3339), Text: t.In(loc).Format("2 Jan 2006, 15:04 MST")}
}

func fmtDate(t time.Time, loc *time.Location) string { return t.In(loc).Format("2 Jan 2006") }

// fmtDuration is a human duration rounded to the minute: "3 h", "4 h 10 min".
func fmtDuration(d time.Duration) string {
	if d < time.Minute {
		return "under a minute"
	}
	d = d.Round(time.Minute)
	days, h, m := int(d/(24*time.Hour)), int(d/time.Hour)%24, int(d/time.Minute)%60
	var parts []string
	if days > 0 {
		parts = append(parts, strconv.Itoa(days)+" d")
	}
	if h > 0 {
		parts = append(parts, strconv.Itoa(h)+" h")
	}
	if m > 0 {
		parts = append(parts, strconv.Itoa(m)+" min")
	}
	return strings.Join(parts, " ")
}

// fmtPercent truncates rather than rounds, so 99.996 % never shows as 100 %.
func fmtPercent(f float64) string {
	v := int64(f * 10000)
	return strconv.FormatInt(v/100, 10) + "." + pad2(v%100) + " %"
}

func pad2(v int64) string {
	if v < 10 {
		return "0" + strconv.FormatInt(v, 10)
	}
	return strconv.FormatInt(v, 10)
}

var statusLabels = map[sitrep.ComponentStatus]string{
	sitrep.StatusOperational:      "Operational",
	sitrep.StatusUnderMaintenance: "Under maintenance",
	sitrep.StatusDegraded:         "Degraded performance",
	sitrep.StatusPartialOutage:    "Partial outage",
	sitrep.StatusMajorOutage:      "Major outage",
}

func newStatusView(st sitrep.ComponentStatus) statusView {
	if l, ok := statusLabels[st]; ok {
		return statusView{Class: string(st), Label: l}
	}
	return statusView{Class: string(sitrep.StatusOperational), Label: "Unknown"}
}

// label turns a snake_case enum into words: "in_progress" → "In progress".
func label(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// knownClass keeps class names to the values the stylesheet knows.
func knownClass(v string, known ...string) string {
	for _, k := range known {
		if v == k {
			return v
		}
	}
	return known[0]
}

func componentViews(cs []sitrep.PublicComponentStatus) []componentStatusView {
	out := make([]componentStatusView, len(cs))
	for i, c := range cs {
		out[i] = componentStatusView{Name: c.Name, Status: newStatusView(c.Status)}
	}
	return out
}

func updateViews(us []sitrep.PublicUpdate, loc *time.Location) []updateView {
	out := make([]updateView, len(us))
	for i, u := range us {
		out[i] = updateView{StatusLabel: label(u.Status), Body: renderMarkdown(u.Message), At: fmtTime(u.At, loc),
			Components: componentViews(u.Components)}
	}
	return out
}

// newIncidentView builds the view of inc; full adds the timeline and
// postmortem, which only the incident's own page shows.
func newIncidentView(pr pageReq, inc *sitrep.PublicIncident, full bool) incidentView {
	loc := pr.snap.Page.Loc()
	v := incidentView{
		ID: inc.ID, Title: inc.Title, URL: pr.base + "/incidents/" + url.PathEscape(inc.ID),
		Impact:      knownClass(string(inc.Impact), "none", "minor", "major", "critical"),
		ImpactLabel: label(string(inc.Impact)) + " impact",
		Status:      knownClass(string(inc.Status), "investigating", "identified", "monitoring", "resolved"),
		StatusLabel: label(string(inc.Status)),
		Started:     fmtTime(inc.StartedAt, loc), Resolved: fmtTime(inc.ResolvedAt, loc),
		Components: componentViews(inc.Components),
	}
	if !inc.ResolvedAt.IsZero() {
		v.Duration = fmtDuration(inc.ResolvedAt.Sub(inc.StartedAt))
	}
	if len(inc.Updates) > 0 {
		latest := updateViews(inc.Updates[:1], loc)[0]
		v.Latest = &latest
	}
	if full {
		v.Updates = updateViews(inc.Updates, loc)
		if pm := inc.Postmortem; pm != nil {
			pv := &postmortemView{Summary: renderMarkdown(pm.Summary), RootCause: renderMarkdown(pm.RootCause),
				Impact: renderMarkdown(pm.Impact), Published: fmtTime(pm.PublishedAt, loc)}
			for _, e := range pm.Timeline {
				pv.Timeline = append(pv.Timeline, timelineView{At: fmtTime(e.At, loc), Text: renderMarkdown(e.Text)})
			}
			for _, a := range pm.ActionItems {
				av := actionView{Title: a.Title, Done: a.Done}
				if !a.Due.IsZero() {
					av.Due = fmtDate(a.Due, loc)
				}
				pv.ActionItems = append(pv.ActionItems, av)
			}
			v.Postmortem = pv
		}
	}
	return v
}

func newMaintenanceView(pr pageReq, m *sitrep.PublicMaintenance, full bool) maintenanceView {
	loc := pr.snap.Page.Loc()
	v := maintenanceView{
		ID: m.ID, Title: m.Title, URL: pr.base + "/maintenance/" + url.PathEscape(m.ID),
		Description:     renderMarkdown(m.Description),
		Status:          knownClass(string(m.Status), "scheduled", "in_progress", "verifying", "completed"),
		StatusLabel:     label(string(m.Status)),
		PlannedStart:    fmtTime(m.PlannedStart, loc),
		PlannedEnd:      fmtTime(m.PlannedEnd, loc),
		ActualStart:     fmtTime(m.ActualStart, loc),
		ActualEnd:       fmtTime(m.ActualEnd, loc),
		PlannedDuration: fmtDuration(m.PlannedEnd.Sub(m.PlannedStart)),
		Components:      componentViews(m.Components),
	}
	if !m.ActualStart.IsZero() {
		end := m.ActualEnd
		if end.IsZero() {
			end, v.Running = pr.snap.GeneratedAt, true
		}
		if end.After(m.ActualStart) {
			v.ActualDuration = fmtDuration(end.Sub(m.ActualStart))
		}
		// Overrun is what sitrep announced; a window that ran long and
		// ended is shown as such too, from the record's own times.
		if m.Overrun || end.After(m.PlannedEnd) {
			v.Overrun = true
			if end.After(m.PlannedEnd) {
				v.OverrunBy = fmtDuration(end.Sub(m.PlannedEnd))
			}
		}
	}
	if full {
		v.Updates = updateViews(m.Updates, loc)
	}
	return v
}

func (s *Server) newMainView(pr pageReq) mainView {
	snap := pr.snap
	loc := snap.Page.Loc()
	v := mainView{
		pageLayout: s.newLayout(pr, ""),
		Banner:     bannerView{Class: bannerClass(snap.Banner), Description: snap.Banner.Description},
	}
	if v.Banner.Description == "" {
		v.Banner.Description = "All Systems Operational"
	}
	for _, inc := range snap.ActiveIncidents {
		v.Incidents = append(v.Incidents, newIncidentView(pr, inc, false))
	}
	for _, m := range snap.ActiveMaintenances {
		v.Active = append(v.Active, newMaintenanceView(pr, m, false))
	}
	for _, m := range snap.UpcomingMaintenances {
		v.Upcoming = append(v.Upcoming, newMaintenanceView(pr, m, false))
	}
	titles := func(id string) string {
		if inc, ok := snap.Incidents[id]; ok {
			return inc.Title
		}
		return ""
	}
	for gi, g := range snap.Groups {
		gv := groupView{ID: "g" + strconv.Itoa(gi), Name: g.Name, Status: newStatusView(g.Status)}
		for ci, c := range g.Components {
			cv := componentView{ID: c.ID, Name: c.Name, Description: c.Description, Status: newStatusView(c.Status), Uptime: "No data"}
			if c.HasData {
				cv.Uptime = fmtPercent(c.Uptime) + " uptime"
			}
			cv.Bars = barSegments(c.Days, loc, titles, gv.ID+"-"+strconv.Itoa(ci))
			if n := len(c.Days); n > v.BarDays {
				v.BarDays = n
				v.BarStart, v.BarEnd = fmtDate(c.Days[0].Day, loc), fmtDate(c.Days[n-1].Day, loc)
			}
			gv.Components = append(gv.Components, cv)
		}
		v.Groups = append(v.Groups, gv)
	}
	for _, h := range snap.History {
		mv := monthView{ID: "m" + h.Month.Format("2006-01"), Label: h.Month.Format("January 2006")}
		for _, inc := range h.Incidents {
			mv.Incidents = append(mv.Incidents, newIncidentView(pr, inc, false))
		}
		for _, m := range h.Maintenances {
			mv.Maintenances = append(mv.Maintenances, newMaintenanceView(pr, m, false))
		}
		v.History = append(v.History, mv)
	}
	return v
}

// bannerClass picks the banner's colour: maintenance is shown as such even
// though Statuspage's indicator for it is "none".
func bannerClass(b sitrep.PageBanner) string {
	if b.Indicator == "none" || b.Indicator == "" {
		if b.Worst == sitrep.StatusUnderMaintenance {
			return "maintenance"
		}
		return "none"
	}
	return knownClass(b.Indicator, "none", "minor", "major", "critical")
}
