package status

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sitrep"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// storyAPI is the two-data-centre outage: Oslo lost its hardware, the US
// region is degraded, real-time messaging lags, and a maintenance window is
// announced for the repair.
func storyAPI(t *testing.T) *API {
	t.Helper()
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	at := func(h, m int) time.Time { return time.Date(2026, 11, 22, h, m, 0, 0, time.UTC) }
	comps := []sitrep.Component{
		{ID: "courses-oslo", Name: "Courses", Group: "Oslo data centre", Monitors: []string{"courses-web-oslo", "db-oslo"}, Description: "Course pages and assignments"},
		{ID: "messaging-oslo", Name: "Real-time messaging", Group: "Oslo data centre", Monitors: []string{"ws-oslo"}},
		{ID: "courses-us", Name: "Courses", Group: "US data centre", Monitors: []string{"courses-web-us"}},
		{ID: "exams-us", Name: "Exams", Group: "US data centre", Monitors: []string{"exams-us"}, HiddenUntilDegraded: true},
		{ID: "intranet", Name: "Intranet", Group: "Staff", Monitors: []string{"intranet"}},
	}
	mon := map[string]sitrep.MonitorState{
		"courses-web-oslo": {State: sitrep.StateDown, Since: at(17, 58)},
		"db-oslo":          {State: sitrep.StateDown, Since: at(17, 57)},
		"ws-oslo":          {State: sitrep.StateDegraded, Since: at(18, 30)},
		"courses-web-us":   {State: sitrep.StateDegraded, Since: at(18, 5)},
		"exams-us":         {State: sitrep.StateUp, Since: at(1, 0)},
		"intranet":         {State: sitrep.StateDown, Since: at(12, 0)},
	}
	inc := &sitrep.Incident{
		ID: "inc-1", Title: "Problems with Courses in the Oslo data centre", Impact: sitrep.ImpactMajor,
		Status: sitrep.IncidentIdentified, Automatic: true, TakenOver: true,
		Components: []sitrep.AffectedComponent{{ComponentID: "courses-oslo", Status: sitrep.StatusMajorOutage}},
		CreatedAt:  at(18, 0), StartedAt: at(17, 57), UpdatedAt: at(18, 40),
		Updates: []sitrep.IncidentUpdate{
			{ID: "u1", Status: sitrep.IncidentInvestigating, Public: true, At: at(18, 0), CreatedAt: at(18, 0), Author: sitrep.AutomationAuthor,
				Message:    "We are investigating problems with Courses in the Oslo data centre.",
				Components: []sitrep.AffectedComponent{{ComponentID: "courses-oslo", Status: sitrep.StatusPartialOutage}}},
			{ID: "u2", Status: sitrep.IncidentInvestigating, Public: false, At: at(18, 10), CreatedAt: at(18, 10), Author: "kari",
				Message: "Failover did not trigger; paging the hardware vendor."},
			{ID: "u3", Status: sitrep.IncidentIdentified, Public: true, At: at(18, 40), CreatedAt: at(18, 40), Author: "kari",
				Message:    "A hardware failure in Oslo; failover to the US did not work. <script>alert(1)</script>",
				Components: []sitrep.AffectedComponent{{ComponentID: "courses-oslo", Status: sitrep.StatusMajorOutage}}},
		},
	}
	old := &sitrep.Incident{
		ID: "inc-0", Title: "Slow exams", Impact: sitrep.ImpactMinor, Status: sitrep.IncidentResolved,
		Components: []sitrep.AffectedComponent{{ComponentID: "exams-us", Status: sitrep.StatusDegraded}},
		CreatedAt:  at(8, 0), ResolvedAt: at(9, 0), MonitoringAt: at(8, 30),
		Updates: []sitrep.IncidentUpdate{
			{ID: "u0", Status: sitrep.IncidentResolved, Public: true, At: at(9, 0), CreatedAt: at(9, 0), Message: "Exams are fast again."},
		},
		Postmortem: &sitrep.Postmortem{Summary: "A slow query.", RootCause: "A missing index.", Published: true, PublishedAt: at(10, 0),
			ActionItems: []sitrep.ActionItem{{Title: "Add the index", Owner: "ola", Due: at(23, 0)}}},
	}
	staffOnly := &sitrep.Incident{ID: "inc-staff", Title: "Intranet down", Impact: sitrep.ImpactCritical, Status: sitrep.IncidentInvestigating,
		Components: []sitrep.AffectedComponent{{ComponentID: "intranet", Status: sitrep.StatusMajorOutage}}, CreatedAt: at(12, 5)}
	planned := &sitrep.Maintenance{
		ID: "mnt-1", Title: "Replace Oslo storage controller", Components: []string{"courses-oslo", "messaging-oslo"},
		PlannedStart: at(23, 0), PlannedEnd: at(23, 0).Add(3 * time.Hour), Status: sitrep.MaintenanceScheduled, CreatedAt: at(19, 0),
		Updates: []sitrep.MaintenanceUpdate{{ID: "mu1", Status: sitrep.MaintenanceScheduled, Public: true, At: at(19, 0), CreatedAt: at(19, 0),
			Message: "We will replace the failed storage controller in Oslo."}},
	}
	page := &sitrep.Page{Slug: "main", Title: "Example Learning status", Groups: []string{"Oslo data centre", "US data centre"},
		TimeZone: "Europe/Oslo", Location: oslo}
	incs := []*sitrep.Incident{old, inc, staffOnly}
	ms := []*sitrep.Maintenance{planned}
	views := Compute(Input{Components: comps, Monitors: mon, Incidents: incs, Maintenances: ms})
	return BuildAPI(APIInput{
		Page: page, URL: "https://status.example.com", Views: views,
		States: Track(nil, views, at(18, 45)), Incidents: incs, Maintenances: ms,
		CreatedAt: at(0, 0).Add(-30 * 24 * time.Hour), UpdatedAt: at(19, 0),
	})
}

func TestAPIGolden(t *testing.T) {
	a := storyAPI(t)
	docs := map[string]any{
		"summary.json":                         a.Summary(),
		"status.json":                          a.Status(),
		"components.json":                      a.Components(),
		"incidents.json":                       a.Incidents(),
		"incidents-unresolved.json":            a.Unresolved(),
		"scheduled-maintenances.json":          a.Maintenances(),
		"scheduled-maintenances-upcoming.json": a.Upcoming(),
		"scheduled-maintenances-active.json":   a.Active(),
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			// Action-item owners are staff names and never public.
			if bytes.Contains(got, []byte(`ola`)) {
				t.Errorf("%s names the action item's owner", name)
			}
			path := filepath.Join("testdata", "apiv2", name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file; run go test -update and review the diff\n%s", name, got)
			}
		})
	}
}

// TestAPIShape checks the facts the golden files encode, so a careless
// -update cannot bless a regression.
func TestAPIShape(t *testing.T) {
	a := storyAPI(t)
	s := a.Summary()
	if s.Status.Indicator != IndicatorMajor || s.Status.Description != DescPartialSystemOutage {
		t.Errorf("status %+v", s.Status)
	}
	if len(s.Incidents) != 1 || s.Incidents[0].ID != "inc-1" {
		t.Errorf("summary incidents %+v: want only the open incident of this page", s.Incidents)
	}
	ups := s.Incidents[0].IncidentUpdates
	if len(ups) != 2 || ups[0].ID != "u3" || ups[0].AffectedComponents[0].OldStatus != "partial_outage" {
		t.Errorf("updates must be public only, newest first, with old statuses: %+v", ups)
	}
	if len(s.ScheduledMaintenances) != 1 || s.ScheduledMaintenances[0].Impact != "maintenance" {
		t.Errorf("maintenances %+v", s.ScheduledMaintenances)
	}
	wantComps := []string{"group-oslo-data-centre", "courses-oslo", "messaging-oslo", "group-us-data-centre", "courses-us", "exams-us"}
	if len(s.Components) != len(wantComps) {
		t.Fatalf("components %d, want %d", len(s.Components), len(wantComps))
	}
	for i, id := range wantComps {
		if s.Components[i].ID != id {
			t.Errorf("component %d = %s, want %s", i, s.Components[i].ID, id)
		}
	}
	if c := s.Components[4]; c.Status != "degraded_performance" || *c.GroupID != "group-us-data-centre" {
		t.Errorf("courses-us %+v", c)
	}
	raw, _ := json.Marshal(a.Incidents())
	if bytes.Contains(raw, []byte("<script>")) {
		t.Errorf("script tags must be escaped in JSON: %s", raw)
	}
	if len(a.Active().ScheduledMaintenances) != 0 || len(a.Upcoming().ScheduledMaintenances) != 1 {
		t.Errorf("active/upcoming split wrong")
	}
}

func TestGroupID(t *testing.T) {
	tests := map[string]string{
		"Oslo data centre":    "group-oslo-data-centre",
		"  US  data--centre ": "group-us-data-centre",
		"Østlandet":           "group-østlandet",
		"":                    "group",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := GroupID(in); got != want {
				t.Errorf("GroupID(%q) = %q, want %q", in, got, want)
			}
		})
	}
}
