package incident

import (
	"fmt"
	"testing"
	"time"

	"sitrep"
)

// BenchmarkPlan runs automation over 200 components with five open
// incidents and twenty pending windows: the work of one evaluation tick.
func BenchmarkPlan(b *testing.B) {
	a, err := NewAutomation(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	in := Input{Now: now, States: map[string]sitrep.ComponentState{}}
	for i := 0; i < 200; i++ {
		id := fmt.Sprintf("c%d", i)
		in.Components = append(in.Components, sitrep.Component{ID: id, Name: id, Group: "G"})
		s := sitrep.ComponentState{ComponentID: id, Status: sitrep.StatusOperational, Since: now.Add(-time.Hour)}
		if i < 5 {
			s = sitrep.ComponentState{ComponentID: id, Status: sitrep.StatusPartialOutage, Since: now.Add(-time.Hour), OutageSince: now.Add(-time.Hour)}
			in.Incidents = append(in.Incidents, &sitrep.Incident{ID: id, Status: sitrep.IncidentIdentified, CreatedAt: now.Add(-time.Minute),
				Components: []sitrep.AffectedComponent{{ComponentID: id, Status: sitrep.StatusPartialOutage}}})
		}
		in.States[id] = s
	}
	for i := 0; i < 20; i++ {
		start := now.Add(time.Duration(i+2) * 24 * time.Hour)
		in.Maintenances = append(in.Maintenances, &sitrep.Maintenance{ID: fmt.Sprint(i), Status: sitrep.MaintenanceScheduled,
			Components: []string{"c1"}, PlannedStart: start, PlannedEnd: start.Add(time.Hour), CreatedAt: now.Add(-time.Hour)})
	}
	b.ReportAllocs()
	for b.Loop() {
		if acts := a.Plan(in); len(acts) != 0 {
			b.Fatalf("%v", acts)
		}
	}
}
