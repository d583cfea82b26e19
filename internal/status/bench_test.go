package status

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"sitrep"
)

// bigPage is the load case: 200 components in 10 groups, two
// monitors each, and two years of incident history (about one incident
// every three days, five updates each).
func bigPage() (APIInput, Input) {
	end := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	page := &sitrep.Page{Slug: "main", Title: "Big"}
	var comps []sitrep.Component
	mon := map[string]sitrep.MonitorState{}
	for g := 0; g < 10; g++ {
		group := fmt.Sprintf("Region %d", g)
		page.Groups = append(page.Groups, group)
		for c := 0; c < 20; c++ {
			id := fmt.Sprintf("c%d-%d", g, c)
			a, b := id+"-web", id+"-db"
			comps = append(comps, sitrep.Component{ID: id, Name: id, Group: group, Monitors: []string{a, b}})
			st := sitrep.StateUp
			if c == 3 {
				st = sitrep.StateDegraded
			}
			mon[a] = sitrep.MonitorState{MonitorID: a, State: st, Since: end.Add(-time.Hour)}
			mon[b] = sitrep.MonitorState{MonitorID: b, State: sitrep.StateUp, Since: end.Add(-time.Hour)}
		}
	}
	var incs []*sitrep.Incident
	for i := 0; i < 240; i++ {
		created := end.Add(-time.Duration(i) * 73 * time.Hour)
		inc := &sitrep.Incident{ID: fmt.Sprintf("inc%d", i), Title: "Slow things", Impact: sitrep.ImpactMinor,
			Status: sitrep.IncidentResolved, CreatedAt: created, ResolvedAt: created.Add(time.Hour),
			Components: []sitrep.AffectedComponent{{ComponentID: comps[i%len(comps)].ID, Status: sitrep.StatusDegraded}}}
		if i == 0 {
			inc.Status = sitrep.IncidentInvestigating
		}
		for u := 0; u < 5; u++ {
			at := created.Add(time.Duration(u) * 10 * time.Minute)
			inc.Updates = append(inc.Updates, sitrep.IncidentUpdate{ID: fmt.Sprintf("u%d-%d", i, u), Status: sitrep.IncidentInvestigating,
				Message: "We are looking into slow responses from this component and will update you shortly.", Public: true, At: at, CreatedAt: at,
				Components: inc.Components})
		}
		incs = append(incs, inc)
	}
	in := Input{Components: comps, Monitors: mon, Incidents: incs}
	return APIInput{Page: page, URL: "https://status.example.com", Incidents: incs, CreatedAt: end.AddDate(-2, 0, 0), UpdatedAt: end}, in
}

func BenchmarkCompute(b *testing.B) {
	_, in := bigPage()
	b.ReportAllocs()
	for b.Loop() {
		Compute(in)
	}
}

// BenchmarkBuildAPI is the work done once per change for the /api/v2
// documents: compute statuses, build every document, marshal summary.json.
func BenchmarkBuildAPI(b *testing.B) {
	api, in := bigPage()
	b.ReportAllocs()
	for b.Loop() {
		api.Views = Compute(in)
		a := BuildAPI(api)
		if _, err := json.Marshal(a.Summary()); err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(a.Incidents()); err != nil {
			b.Fatal(err)
		}
	}
}
