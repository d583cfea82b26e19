package statusengine

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"sitrep"
	"sitrep/internal/incident"
	"sitrep/internal/status"
)

// rebuildLocked builds every page's snapshot from the current records and
// monitor states and publishes those that changed.
func (e *Engine) rebuildLocked(ctx context.Context, now time.Time) {
	views := status.Compute(status.Input{
		Components: e.cat.Components, Monitors: e.monitors,
		Incidents: e.recs.openIncidents(), Maintenances: e.recs.activeMaintenances(),
	})
	from := now.AddDate(-historyYears, 0, 0)
	stored := e.recs.incidents(from)
	incs := make([]*sitrep.Incident, len(stored))
	for i, inc := range stored {
		incs[i] = publicIncident(inc)
	}
	storedMs := e.recs.maintenances(from)
	ms := make([]*sitrep.Maintenance, len(storedMs))
	for i, m := range storedMs {
		ms[i] = publicMaintenance(m)
	}
	next := make([]*published, 0, len(e.cat.pages))
	for i := range e.cat.pages {
		snap := e.buildPage(ctx, i, views, incs, ms, now)
		next = append(next, &published{snap: snap, hash: snapshotHash(e.seed, snap, now)})
	}
	e.uptime.sweep()
	e.pub.swap(next, uint64(now.UnixMilli()))
	muted := incident.MutedMonitors(e.cat.index, e.recs.activeMaintenances())
	e.muted.Store(&muted)
}

// pageRecords are the records one page shows.
type pageRecords struct {
	ids   map[string]bool
	names map[string]string
	incs  []*sitrep.Incident
	ms    []*sitrep.Maintenance
}

func (r *pageRecords) name(id string) string { return r.names[id] }

func selectRecords(views []status.ComponentView, incs []*sitrep.Incident, ms []*sitrep.Maintenance) *pageRecords {
	r := &pageRecords{ids: make(map[string]bool, len(views)), names: make(map[string]string, len(views))}
	for _, v := range views {
		r.ids[v.Component.ID] = true
		r.names[v.Component.ID] = v.Component.Name
	}
	for _, inc := range incs {
		// An incident that names no component concerns every page.
		on := len(inc.Components) == 0
		for _, ac := range inc.Components {
			on = on || r.ids[ac.ComponentID]
		}
		if on {
			r.incs = append(r.incs, inc)
		}
	}
	for _, m := range ms {
		for _, id := range m.Components {
			if r.ids[id] {
				r.ms = append(r.ms, m)
				break
			}
		}
	}
	return r
}

func (e *Engine) buildPage(ctx context.Context, i int, all []status.ComponentView, incs []*sitrep.Incident, ms []*sitrep.Maintenance, now time.Time) *sitrep.StatusPage {
	page := e.cat.pages[i]
	loc := page.Loc()
	views := status.PageViews(page, all)
	recs := selectRecords(views, incs, ms)
	snap := &sitrep.StatusPage{
		Page: *page, URL: e.cat.pageURL(i), GeneratedAt: now,
		Incidents:    make(map[string]*sitrep.PublicIncident, len(recs.incs)),
		Maintenances: make(map[string]*sitrep.PublicMaintenance, len(recs.ms)),
	}
	b := status.Overall(views, recs.incs)
	snap.Banner = sitrep.PageBanner{Indicator: string(b.Indicator), Description: b.Description, Worst: b.Worst}

	var history []*sitrep.PublicIncident
	for _, inc := range recs.incs {
		p := sitrep.NewPublicIncident(inc, recs.name)
		snap.Incidents[p.ID] = p
		history = append(history, p)
		if p.Open() {
			snap.ActiveIncidents = append(snap.ActiveIncidents, p)
		}
	}
	sort.SliceStable(snap.ActiveIncidents, func(a, b int) bool {
		return snap.ActiveIncidents[a].CreatedAt.After(snap.ActiveIncidents[b].CreatedAt)
	})
	var done []*sitrep.PublicMaintenance
	for _, m := range recs.ms { // by planned start: upcoming come soonest first
		p := sitrep.NewPublicMaintenance(m, recs.name)
		snap.Maintenances[p.ID] = p
		switch {
		case p.Status.Active():
			snap.ActiveMaintenances = append(snap.ActiveMaintenances, p)
		case p.Status == sitrep.MaintenanceScheduled:
			snap.UpcomingMaintenances = append(snap.UpcomingMaintenances, p)
		default:
			done = append(done, p)
		}
	}
	snap.History = sitrep.HistoryByMonth(history, done, loc)
	snap.Groups = e.pageGroups(ctx, page, views, recs, now)
	snap.APIv2 = e.apiDocs(page, snap.URL, views, recs, now)
	return snap
}

// pageGroups builds the groups with their visible components and uptime
// bars. Hidden components stay off the page until they are degraded.
func (e *Engine) pageGroups(ctx context.Context, page *sitrep.Page, views []status.ComponentView, recs *pageRecords, now time.Time) []sitrep.PageGroup {
	loc := page.Loc()
	start := now.In(loc).AddDate(0, 0, -(uptimeDays + 1))
	incsOf := map[string][]*sitrep.Incident{}
	for _, inc := range recs.incs {
		if !inc.Open() && inc.ResolvedAt.Before(start) {
			continue
		}
		for _, ac := range inc.Components {
			incsOf[ac.ComponentID] = append(incsOf[ac.ComponentID], inc)
		}
	}
	msOf := map[string][]*sitrep.Maintenance{}
	for _, m := range recs.ms {
		for _, id := range m.Components {
			msOf[id] = append(msOf[id], m)
		}
	}
	var out []sitrep.PageGroup
	for _, g := range status.Groups(page, views) {
		pg := sitrep.PageGroup{Name: g.Name, Status: g.Status}
		for _, v := range g.Components {
			if !v.Visible {
				continue
			}
			c := v.Component
			pc := sitrep.PageComponent{ID: c.ID, Name: c.Name, Description: c.Description, Status: v.Status}
			bars := e.uptimeDays(ctx, c, loc, now, msOf[c.ID])
			// Incidents and windows are cheap to place and change often;
			// only the rollup figures come from the cache.
			marks := status.DailyUptime(status.UptimeInput{
				Component: c, Maintenances: msOf[c.ID], Incidents: incsOf[c.ID], Days: uptimeDays, End: now, Location: loc,
			})
			pc.Days = make([]sitrep.PageDay, len(marks.Days))
			sum, n := 0.0, 0
			for k, d := range marks.Days {
				pd := sitrep.PageDay{Day: d.Day, Uptime: 1, Maintenance: d.Maintenance, Incidents: d.Incidents}
				if len(bars) == len(marks.Days) {
					pd.Uptime, pd.HasData = bars[k].Uptime, bars[k].HasData
					pd.Maintenance = pd.Maintenance || bars[k].Maintenance
				}
				if pd.HasData {
					sum += pd.Uptime
					n++
				}
				pc.Days[k] = pd
			}
			pc.Uptime, pc.HasData = 1, n > 0
			if n > 0 {
				pc.Uptime = sum / float64(n)
			}
			pg.Components = append(pg.Components, pc)
		}
		if len(pg.Components) > 0 {
			out = append(out, pg)
		}
	}
	return out
}

// apiDocNames are the /api/v2 documents every page carries.
var apiDocNames = []string{
	"summary.json", "status.json", "components.json", "incidents.json", "incidents/unresolved.json",
	"scheduled-maintenances.json", "scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json",
}

func (e *Engine) apiDocs(page *sitrep.Page, url string, views []status.ComponentView, recs *pageRecords, now time.Time) map[string][]byte {
	updated := e.declaredAt
	for _, v := range views {
		if st, ok := e.tracked[v.Component.ID]; ok && st.Since.After(updated) && !st.Since.After(now) {
			updated = st.Since
		}
	}
	for _, inc := range recs.incs {
		updated = latest(updated, inc.UpdatedAt)
	}
	for _, m := range recs.ms {
		updated = latest(updated, m.UpdatedAt)
	}
	api := status.BuildAPI(status.APIInput{
		Page: page, URL: url, Views: views, States: e.tracked,
		Incidents: recs.incs, Maintenances: recs.ms, CreatedAt: e.declaredAt, UpdatedAt: updated,
	})
	docs := map[string]any{
		"summary.json":                         api.Summary(),
		"status.json":                          api.Status(),
		"components.json":                      api.Components(),
		"incidents.json":                       api.Incidents(),
		"incidents/unresolved.json":            api.Unresolved(),
		"scheduled-maintenances.json":          api.Maintenances(),
		"scheduled-maintenances/upcoming.json": api.Upcoming(),
		"scheduled-maintenances/active.json":   api.Active(),
	}
	out := make(map[string][]byte, len(docs))
	for _, name := range apiDocNames {
		b, err := json.Marshal(docs[name])
		if err != nil {
			// The documents are plain structs of strings; this cannot
			// happen short of a programming error, which must not take the
			// page down.
			e.log.Error("encode /api/v2 document", "page", page.Slug, "doc", name, "err", err)
			continue
		}
		out[name] = append(b, '\n')
	}
	return out
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
