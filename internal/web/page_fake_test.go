package web

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"sitrep"
)

// fakePages is a StatusPageService over snapshots the test builds; Publish
// swaps one and tells subscribers, as the app layer will.
type fakePages struct {
	mu    sync.Mutex
	pages []*sitrep.StatusPage // the first is the default page
	subs  map[string]map[chan uint64]bool
}

func newFakePages(pages ...*sitrep.StatusPage) *fakePages {
	return &fakePages{pages: pages, subs: map[string]map[chan uint64]bool{}}
}

func (f *fakePages) PageFor(ctx context.Context, host, slug string) (*sitrep.StatusPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.pages {
		if p.Page.CustomDomain != "" && p.Page.CustomDomain == host {
			return p, nil
		}
	}
	for _, p := range f.pages {
		if slug == "" || p.Page.Slug == slug {
			return p, nil
		}
	}
	return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no status page %q", slug)
}

func (f *fakePages) Subscribe(slug string) (<-chan uint64, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan uint64, 1)
	if f.subs[slug] == nil {
		f.subs[slug] = map[chan uint64]bool{}
	}
	f.subs[slug][ch] = true
	return ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs[slug], ch)
	}
}

// subscribers counts open subscriptions of slug.
func (f *fakePages) subscribers(slug string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs[slug])
}

// Publish replaces the page with the same slug and notifies its subscribers.
func (f *fakePages) Publish(p *sitrep.StatusPage) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, old := range f.pages {
		if old.Page.Slug == p.Page.Slug {
			f.pages[i] = p
		}
	}
	for ch := range f.subs[p.Page.Slug] {
		select {
		case <-ch: // drop a version the reader has not taken: only the latest matters
		default:
		}
		ch <- p.Version
	}
}

// pageEnv is a Server with public pages over fakePages.
type pageEnv struct {
	*env
	pages *fakePages
}

func newPageEnv(t testing.TB, pages ...*sitrep.StatusPage) *pageEnv {
	t.Helper()
	e := newEnv(t)
	pe := &pageEnv{env: e, pages: newFakePages(pages...)}
	e.srv = e.newServer(func(o *Options) {
		o.Pages = pe.pages
		o.Logger = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	})
	return pe
}

// The Oslo/US story of issue 3: a hardware failure in Oslo, failover to the
// US that did not work, an overrunning maintenance and a published
// postmortem of an earlier incident.

var storyNow = time.Date(2026, 11, 22, 19, 0, 0, 0, time.UTC)

func storyAt(h, m int) time.Time { return time.Date(2026, 11, 22, h, m, 0, 0, time.UTC) }

type storyOpts struct {
	// edit changes the domain records before the snapshot is built, e.g.
	// to inject hostile text.
	editIncidents   func([]*sitrep.Incident)
	editMaintenance func([]*sitrep.Maintenance)
	editPage        func(*sitrep.Page)
	version         uint64
}

func storyIncidents() []*sitrep.Incident {
	return []*sitrep.Incident{
		{
			ID: "inc-1", Title: "Problems with Courses in the Oslo data centre", Impact: sitrep.ImpactMajor,
			Status: sitrep.IncidentIdentified, Automatic: true, TakenOver: true,
			Components: []sitrep.AffectedComponent{{ComponentID: "courses-oslo", Status: sitrep.StatusMajorOutage},
				{ComponentID: "messaging-oslo", Status: sitrep.StatusDegraded}},
			CreatedAt: storyAt(18, 0), StartedAt: storyAt(17, 57), UpdatedAt: storyAt(18, 40),
			Updates: []sitrep.IncidentUpdate{
				{ID: "u1", Status: sitrep.IncidentInvestigating, Public: true, At: storyAt(18, 0), CreatedAt: storyAt(18, 0), Author: sitrep.AutomationAuthor,
					Message:    "We are investigating problems with Courses in the Oslo data centre.",
					Components: []sitrep.AffectedComponent{{ComponentID: "courses-oslo", Status: sitrep.StatusPartialOutage}}},
				{ID: "u2", Status: sitrep.IncidentInvestigating, Public: false, At: storyAt(18, 10), CreatedAt: storyAt(18, 10), Author: "kari",
					Message: "INTERNAL: failover did not trigger; paging the hardware vendor."},
				{ID: "u3", Status: sitrep.IncidentIdentified, Public: true, At: storyAt(18, 40), CreatedAt: storyAt(18, 40), Author: "kari",
					Message: "A hardware failure in Oslo. **Failover to the US did not work**; we are restoring from the standby.\n\n" +
						"- Courses: down in Oslo\n- Messaging: delayed\n\nDetails: [vendor notice](https://vendor.example/notice)",
					Components: []sitrep.AffectedComponent{{ComponentID: "courses-oslo", Status: sitrep.StatusMajorOutage}}},
			},
		},
		{
			ID: "inc-0", Title: "Slow exams", Impact: sitrep.ImpactMinor, Status: sitrep.IncidentResolved,
			Components: []sitrep.AffectedComponent{{ComponentID: "courses-us", Status: sitrep.StatusDegraded}},
			CreatedAt:  storyAt(8, 0).AddDate(0, 0, -20), StartedAt: storyAt(7, 50).AddDate(0, 0, -20),
			MonitoringAt: storyAt(8, 30).AddDate(0, 0, -20), ResolvedAt: storyAt(9, 0).AddDate(0, 0, -20),
			Updates: []sitrep.IncidentUpdate{
				{ID: "u0a", Status: sitrep.IncidentInvestigating, Public: true, At: storyAt(8, 0).AddDate(0, 0, -20), CreatedAt: storyAt(8, 0).AddDate(0, 0, -20), Message: "Exams are slow to load."},
				{ID: "u0b", Status: sitrep.IncidentResolved, Public: true, At: storyAt(9, 0).AddDate(0, 0, -20), CreatedAt: storyAt(9, 0).AddDate(0, 0, -20), Message: "Exams are fast again."},
			},
			Postmortem: &sitrep.Postmortem{
				Summary: "A slow query made exam pages slow for an hour.", RootCause: "A missing index on `answers.exam_id`.",
				Impact: "Exam pages took *up to 20 s* to load.", Published: true, PublishedAt: storyAt(10, 0).AddDate(0, 0, -19),
				Timeline: []sitrep.TimelineEntry{{At: storyAt(7, 50).AddDate(0, 0, -20), Text: "Latency rises."}},
				ActionItems: []sitrep.ActionItem{{Title: "Add the index", Owner: "ola", Due: storyAt(12, 0).AddDate(0, 0, -10), Done: true},
					{Title: "Alert on query latency", Owner: "kari", Due: storyAt(12, 0).AddDate(0, 0, 10)}},
			},
		},
	}
}

func storyMaintenances() []*sitrep.Maintenance {
	return []*sitrep.Maintenance{
		{
			ID: "mnt-0", Title: "Storage firmware upgrade in Oslo", Description: "Firmware upgrade of the Oslo storage array.",
			Components: []string{"courses-oslo"}, Status: sitrep.MaintenanceInProgress,
			PlannedStart: storyAt(14, 0), PlannedEnd: storyAt(17, 0), ActualStart: storyAt(14, 0),
			Overrun: true, OverrunAt: storyAt(17, 0),
			Updates: []sitrep.MaintenanceUpdate{
				{ID: "mu0", Status: sitrep.MaintenanceInProgress, Public: true, At: storyAt(14, 0), Message: "The upgrade has started."},
				{ID: "mu1", Status: sitrep.MaintenanceInProgress, Public: true, At: storyAt(17, 0), Message: "This maintenance is taking longer than planned."},
				{ID: "mu2", Status: sitrep.MaintenanceInProgress, Public: false, At: storyAt(17, 5), Message: "INTERNAL: vendor is slow."},
			},
		},
		{
			// Announced as 3 h, took 4 h: the page shows both.
			ID: "mnt-old", Title: "Database failover drill", Description: "A planned failover drill of the Oslo database.",
			Components: []string{"courses-oslo"}, Status: sitrep.MaintenanceCompleted,
			PlannedStart: storyAt(22, 0).AddDate(0, 0, -10), PlannedEnd: storyAt(22, 0).AddDate(0, 0, -10).Add(3 * time.Hour),
			ActualStart: storyAt(22, 0).AddDate(0, 0, -10), ActualEnd: storyAt(22, 0).AddDate(0, 0, -10).Add(4 * time.Hour),
			Overrun: true, OverrunAt: storyAt(22, 0).AddDate(0, 0, -10).Add(3 * time.Hour),
			Updates: []sitrep.MaintenanceUpdate{
				{ID: "mo1", Status: sitrep.MaintenanceInProgress, Public: true, At: storyAt(1, 0).AddDate(0, 0, -9), Message: "This maintenance is taking longer than planned."},
				{ID: "mo2", Status: sitrep.MaintenanceCompleted, Public: true, At: storyAt(2, 0).AddDate(0, 0, -9), Message: "The drill is complete."},
			},
		},
		{
			ID: "mnt-1", Title: "Replace Oslo storage controller", Description: "We will replace the failed controller.",
			Components: []string{"courses-oslo", "messaging-oslo"}, Status: sitrep.MaintenanceScheduled,
			PlannedStart: storyAt(23, 0), PlannedEnd: storyAt(23, 0).Add(3 * time.Hour),
			Updates: []sitrep.MaintenanceUpdate{{ID: "mu3", Status: sitrep.MaintenanceScheduled, Public: true, At: storyAt(19, 0),
				Message: "We will replace the failed storage controller in Oslo."}},
		},
	}
}

// storyPage builds the snapshot the app layer would build from the story.
func storyPage(t testing.TB, o storyOpts) *sitrep.StatusPage {
	t.Helper()
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	page := sitrep.Page{Slug: "main", Title: "Example Learning status", Groups: []string{"Oslo data centre", "US data centre"},
		TimeZone: "Europe/Oslo", Location: oslo,
		Branding: sitrep.Branding{Name: "Example Learning", AccentColor: "#0b5fff",
			Links: []sitrep.Link{{Title: "Help centre", URL: "https://help.example.com"}}}}
	if o.editPage != nil {
		o.editPage(&page)
	}
	incs, ms := storyIncidents(), storyMaintenances()
	if o.editIncidents != nil {
		o.editIncidents(incs)
	}
	if o.editMaintenance != nil {
		o.editMaintenance(ms)
	}
	comps := []struct {
		id, name, group string
		status          sitrep.ComponentStatus
	}{
		{"courses-oslo", "Courses", "Oslo data centre", sitrep.StatusMajorOutage},
		{"messaging-oslo", "Real-time messaging", "Oslo data centre", sitrep.StatusDegraded},
		{"courses-us", "Courses", "US data centre", sitrep.StatusDegraded},
	}
	names := map[string]string{}
	for _, c := range comps {
		names[c.id] = c.name
	}
	name := func(id string) string { return names[id] }
	v := o.version
	if v == 0 {
		v = 7
	}
	snap := &sitrep.StatusPage{
		Version: v, Page: page, URL: "https://status.example.com", GeneratedAt: storyNow,
		Banner:       sitrep.PageBanner{Indicator: "major", Description: "Partial System Outage", Worst: sitrep.StatusMajorOutage},
		Incidents:    map[string]*sitrep.PublicIncident{},
		Maintenances: map[string]*sitrep.PublicMaintenance{},
		APIv2: map[string][]byte{
			"summary.json":              []byte(`{"page":{"id":"main","name":"Example Learning"},"status":{"indicator":"major","description":"Partial System Outage"}}` + "\n"),
			"status.json":               []byte(`{"page":{"id":"main"},"status":{"indicator":"major"}}` + "\n"),
			"incidents/unresolved.json": []byte(`{"page":{"id":"main"},"incidents":[]}` + "\n"),
		},
	}
	var pubIncs []*sitrep.PublicIncident
	for _, inc := range incs {
		p := sitrep.NewPublicIncident(inc, name)
		pubIncs = append(pubIncs, p)
		snap.Incidents[p.ID] = p
		if p.Open() {
			snap.ActiveIncidents = append(snap.ActiveIncidents, p)
		}
	}
	var pubMs []*sitrep.PublicMaintenance
	for _, m := range ms {
		p := sitrep.NewPublicMaintenance(m, name)
		if p.Status == sitrep.MaintenanceCompleted {
			pubMs = append(pubMs, p)
		}
		snap.Maintenances[p.ID] = p
		switch {
		case p.Status.Active():
			snap.ActiveMaintenances = append(snap.ActiveMaintenances, p)
		case p.Status == sitrep.MaintenanceScheduled:
			snap.UpcomingMaintenances = append(snap.UpcomingMaintenances, p)
		}
	}
	snap.History = sitrep.HistoryByMonth(pubIncs, pubMs, oslo)
	end := time.Date(2026, 11, 22, 0, 0, 0, 0, oslo)
	for gi, g := range page.Groups {
		pg := sitrep.PageGroup{Name: g, Status: sitrep.StatusOperational}
		for _, c := range comps {
			if c.group != g {
				continue
			}
			pc := sitrep.PageComponent{ID: c.id, Name: c.name, Status: c.status, HasData: true}
			pc.Days = storyDays(end, 90, gi, c.id)
			pc.Uptime = meanUptime(pc.Days)
			pg.Components = append(pg.Components, pc)
			pg.Status = sitrep.WorseStatus(pg.Status, c.status)
		}
		snap.Groups = append(snap.Groups, pg)
	}
	return snap
}

// storyDays makes n days ending with end: the first week without data,
// today the incident, 20 days ago the slow exams.
func storyDays(end time.Time, n, seed int, id string) []sitrep.PageDay {
	days := make([]sitrep.PageDay, n)
	for i := range days {
		d := sitrep.PageDay{Day: end.AddDate(0, 0, i-n+1), Uptime: 1, HasData: i >= 7}
		switch {
		case i == n-1 && id != "courses-us":
			d.Uptime, d.Incidents = 0.91, []string{"inc-1"}
			if id == "courses-oslo" {
				d.Maintenance = true
			}
		case i == n-21 && id == "courses-us":
			d.Uptime, d.Incidents = 0.958, []string{"inc-0"}
		case (i+seed)%29 == 0 && d.HasData:
			d.Uptime = 0.9987
		}
		days[i] = d
	}
	return days
}

func meanUptime(days []sitrep.PageDay) float64 {
	sum, n := 0.0, 0
	for _, d := range days {
		if d.HasData {
			sum += d.Uptime
			n++
		}
	}
	if n == 0 {
		return 1
	}
	return sum / float64(n)
}

// usPage is a second page, for the US audience, on its own domain.
func usPage(t testing.TB) *sitrep.StatusPage {
	p := storyPage(t, storyOpts{version: 3})
	p.Page.Slug, p.Page.Title, p.Page.Groups, p.Page.CustomDomain = "us", "Example Learning US", []string{"US data centre"}, "status.us.example"
	p.Page.Branding = sitrep.Branding{}
	p.Groups = p.Groups[1:]
	p.URL = ""
	return p
}

// bigPage is the weight and speed case of issue 3: 200 components and two
// years of incident history.
func bigPage(t testing.TB) *sitrep.StatusPage {
	snap := storyPage(t, storyOpts{})
	loc := snap.Page.Loc()
	end := time.Date(2026, 11, 22, 0, 0, 0, 0, loc)
	snap.Groups = nil
	snap.Page.Groups = nil
	var pubIncs []*sitrep.PublicIncident
	for n := range 200 { // about two incidents a week
		at := storyNow.Add(-time.Duration(n) * 88 * time.Hour)
		inc := &sitrep.Incident{
			ID: fmt.Sprintf("hist-%03d", n), Title: fmt.Sprintf("Elevated error rates for Courses in region %d", n%10),
			Impact: sitrep.Impacts[n%4], Status: sitrep.IncidentResolved, CreatedAt: at, StartedAt: at,
			ResolvedAt: at.Add(time.Duration(20+n%90) * time.Minute),
			Components: []sitrep.AffectedComponent{{ComponentID: fmt.Sprintf("c%03d", n%200), Status: sitrep.StatusPartialOutage}},
			Updates: []sitrep.IncidentUpdate{
				{ID: "a", Status: sitrep.IncidentInvestigating, Public: true, At: at, Message: "We are investigating elevated error rates."},
				{ID: "b", Status: sitrep.IncidentResolved, Public: true, At: at.Add(time.Hour), Message: "The error rates are back to normal."},
			},
		}
		p := sitrep.NewPublicIncident(inc, func(id string) string { return "Component " + id })
		pubIncs = append(pubIncs, p)
		snap.Incidents[p.ID] = p
	}
	snap.History = sitrep.HistoryByMonth(pubIncs, nil, loc)
	for g := range 10 {
		name := fmt.Sprintf("Region %d", g)
		snap.Page.Groups = append(snap.Page.Groups, name)
		pg := sitrep.PageGroup{Name: name, Status: sitrep.StatusOperational}
		for c := range 20 {
			id := fmt.Sprintf("c%03d", g*20+c)
			pc := sitrep.PageComponent{ID: id, Name: "Component " + id, Status: sitrep.StatusOperational, HasData: true}
			pc.Days = make([]sitrep.PageDay, 90)
			for i := range pc.Days {
				d := sitrep.PageDay{Day: end.AddDate(0, 0, i-89), Uptime: 1, HasData: true}
				// A realistic spread: a handful of imperfect days per component.
				if (i*7+g*20+c)%31 == 0 {
					d.Uptime = 0.97 + float64((i+c)%30)/1000
				}
				if (i+c*3)%45 == 0 {
					d.Incidents = []string{pubIncs[(i+c)%len(pubIncs)].ID}
				}
				pc.Days[i] = d
			}
			pc.Uptime = meanUptime(pc.Days)
			pg.Components = append(pg.Components, pc)
		}
		snap.Groups = append(snap.Groups, pg)
	}
	return snap
}
