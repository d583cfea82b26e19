package statusengine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/clock"
)

// benchEngine is the load case: 200 components in 10 groups, two
// monitors each with 90 days of hourly rollups, and two years of incident
// history (one incident every three days, five public updates each).
func benchEngine(b *testing.B) (*Engine, *clock.Manual) {
	b.Helper()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		b.Skipf("no time zone data: %v", err)
	}
	page := sitrep.Page{Slug: "main", Title: "Big", TimeZone: "Europe/Oslo", Location: oslo}
	mons := newFakeMonitors()
	rollups := newFakeRollups()
	var comps []sitrep.Component
	from := now.AddDate(0, 0, -91).Truncate(time.Hour)
	for g := 0; g < 10; g++ {
		group := fmt.Sprintf("Region %d", g)
		page.Groups = append(page.Groups, group)
		for c := 0; c < 20; c++ {
			id := fmt.Sprintf("c%d-%d", g, c)
			web, db := id+"-web", id+"-db"
			comps = append(comps, sitrep.Component{ID: id, Name: "Component " + id, Group: group, Monitors: []string{web, db}})
			st := sitrep.StateUp
			if c == 3 {
				st = sitrep.StateDegraded
			}
			mons.set(web, st, now.Add(-time.Hour))
			mons.set(db, sitrep.StateUp, now.Add(-time.Hour))
			for _, m := range []string{web, db} {
				rollups.hours(m, from, int(now.Sub(from)/time.Hour), func(at time.Time) bool { return at.Hour() == c%24 && at.Day()%7 == 0 })
			}
		}
	}
	incs := newMemIncidents()
	for i := 0; i < 240; i++ {
		created := now.Add(-time.Duration(i) * 73 * time.Hour)
		inc := &sitrep.Incident{Title: "Slow things", Impact: sitrep.ImpactMinor,
			Status: sitrep.IncidentResolved, CreatedAt: created, UpdatedAt: created.Add(time.Hour), ResolvedAt: created.Add(time.Hour),
			Components: []sitrep.AffectedComponent{{ComponentID: comps[i%len(comps)].ID, Status: sitrep.StatusDegraded}}}
		for u := 0; u < 5; u++ {
			at := created.Add(time.Duration(u) * 10 * time.Minute)
			inc.Updates = append(inc.Updates, sitrep.IncidentUpdate{Status: sitrep.IncidentInvestigating,
				Message: "We are looking into slow responses from this component and will update you shortly.", Public: true, At: at, CreatedAt: at,
				Components: inc.Components})
		}
		if err := incs.CreateIncident(context.Background(), inc); err != nil {
			b.Fatal(err)
		}
	}
	clk := clock.NewManual(now)
	eng, err := New(Options{Incidents: incs, Maintenances: newMemMaintenances(), Monitors: mons, Rollups: rollups, Clock: clk, Tick: time.Hour},
		Catalog{Components: comps, Pages: []sitrep.Page{page}, Automation: sitrep.DefaultIncidentAutomation(), PublicURL: "https://status.example.com"})
	if err != nil {
		b.Fatal(err)
	}
	if err := eng.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = eng.Stop(context.Background()) })
	return eng, clk
}

// BenchmarkRefresh is one evaluation with a full snapshot rebuild whose
// content did not change (the common tick).
func BenchmarkRefresh(b *testing.B) {
	eng, _ := benchEngine(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		eng.Refresh(ctx)
	}
}

// BenchmarkRefreshNewMinute also re-reads today's rollups of all 400
// monitors, as happens once a minute.
func BenchmarkRefreshNewMinute(b *testing.B) {
	eng, clk := benchEngine(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		clk.Advance(time.Minute)
		eng.Refresh(ctx)
	}
}

// BenchmarkColdStart is loading and the first build: every component's
// 90 days of rollups are read.
func BenchmarkColdStart(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		eng, _ := benchEngine(b)
		eng.mu.Lock()
		eng.uptime = newUptimeCache()
		eng.mu.Unlock()
		b.StartTimer()
		eng.Refresh(context.Background())
	}
}
