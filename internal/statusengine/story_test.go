package statusengine

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"sitrep"
)

// Story 2 of DESIGN.md §1: Oslo loses hardware. Courses go down, sitrep
// opens an incident by itself after two minutes with a templated first
// update, the page and the Statuspage API show it, and recovery posts a
// monitoring update.
func TestStoryAutomaticIncident(t *testing.T) {
	e := newEnv(t)
	e.down("courses-web-oslo", "db-oslo")
	e.at(0)
	if p := e.page("", ""); len(p.ActiveIncidents) != 0 || component(p, "courses-oslo").Status != sitrep.StatusMajorOutage {
		t.Fatalf("at once: incidents %d, status %s; want none yet and major_outage", len(p.ActiveIncidents), component(p, "courses-oslo").Status)
	}
	e.at(time.Minute + 59*time.Second)
	if n := len(e.page("", "").ActiveIncidents); n != 0 {
		t.Fatalf("before auto_open_after: %d incidents", n)
	}
	e.at(2 * time.Minute)
	inc := e.onlyIncident()
	const first = "We are investigating problems with Courses in the Oslo data centre."
	if !inc.Automatic || inc.Status != sitrep.IncidentInvestigating || len(inc.Updates) != 1 || inc.Updates[0].Message != first || !inc.Updates[0].Public {
		t.Fatalf("automatic incident: %+v", inc)
	}
	m := inc.Metrics()
	if !m.FirstFailedAt.Equal(t0) || !m.DetectedAt.Equal(t0.Add(2*time.Minute)) || m.TimeToFirstUpdate != 2*time.Minute {
		t.Errorf("metrics: %+v", m)
	}

	p := e.page("", "")
	if len(p.ActiveIncidents) != 1 || p.ActiveIncidents[0].Updates[0].Message != first {
		t.Fatalf("page incidents: %+v", p.ActiveIncidents)
	}
	if p.Banner.Indicator != "major" {
		t.Errorf("banner %+v, want major", p.Banner)
	}
	var summary struct {
		Status    struct{ Indicator string }
		Incidents []struct {
			Name            string
			Status          string
			IncidentUpdates []struct{ Body string } `json:"incident_updates"`
		}
		Components []struct{ ID, Status string }
	}
	if err := json.Unmarshal(p.APIv2["summary.json"], &summary); err != nil {
		t.Fatal(err)
	}
	if len(summary.Incidents) != 1 || summary.Incidents[0].IncidentUpdates[0].Body != first || summary.Status.Indicator != "major" {
		t.Fatalf("summary.json: %s", p.APIv2["summary.json"])
	}
	// The US page does not show an Oslo incident.
	if us := e.page("status.us.example", ""); len(us.ActiveIncidents) != 0 || us.Banner.Indicator != "none" {
		t.Errorf("US page: %d incidents, banner %+v", len(us.ActiveIncidents), us.Banner)
	}

	e.up("courses-web-oslo", "db-oslo")
	e.at(40 * time.Minute)
	inc = e.onlyIncident()
	if inc.Status != sitrep.IncidentMonitoring || len(inc.Updates) != 2 ||
		inc.Updates[1].Message != "Courses in the Oslo data centre is working again. We are monitoring the results." {
		t.Fatalf("after recovery: %s %+v", inc.Status, inc.Updates)
	}
	if got := e.page("", "").ActiveIncidents[0].Status; got != sitrep.IncidentMonitoring {
		t.Errorf("page shows %s", got)
	}
	// Auto-resolve is off by default: a person says when it is over.
	e.at(3 * time.Hour)
	if inc := e.onlyIncident(); inc.Status != sitrep.IncidentMonitoring {
		t.Errorf("resolved by itself: %s", inc.Status)
	}
	if _, err := e.eng.ResolveIncident(e.ctx, inc.ID, sitrep.IncidentUpdateInput{Message: "Fixed.", Author: "kari"}); err != nil {
		t.Fatal(err)
	}
	if len(e.metrics) != 1 || e.metrics[0].TimeToResolve != 3*time.Hour {
		t.Errorf("metrics hook: %+v", e.metrics)
	}
	if p := e.page("", ""); len(p.ActiveIncidents) != 0 || len(p.History) != 1 || len(p.History[0].Incidents) != 1 {
		t.Errorf("resolved incident: active %d, history %+v", len(p.ActiveIncidents), p.History)
	}
}

// A responder takes over an automatic incident: automation stops touching
// it, and after 30 minutes without a public word staff are nudged with an
// internal note that never reaches the page.
func TestStoryTakeOverAndNudge(t *testing.T) {
	e := newEnv(t)
	e.down("courses-web-oslo")
	e.at(0)
	e.at(2 * time.Minute)
	inc := e.onlyIncident()
	if inc.Components[0].Status != sitrep.StatusPartialOutage {
		t.Fatalf("one of two monitors down: %+v", inc.Components)
	}
	if _, err := e.eng.UpdateIncident(e.ctx, inc.ID, sitrep.IncidentUpdateInput{
		Status: sitrep.IncidentIdentified, Message: "A failed storage controller; failover did not trigger.", Author: "kari",
	}); err != nil {
		t.Fatal(err)
	}
	e.up("courses-web-oslo")
	e.at(10 * time.Minute)
	inc = e.onlyIncident()
	if !inc.TakenOver || inc.Status != sitrep.IncidentIdentified || len(inc.Updates) != 2 {
		t.Fatalf("taken over incident touched by automation: %+v", inc)
	}
	e.at(31 * time.Minute) // 29 min after kari's update
	if n := len(e.actionsOf("nudge")); n != 0 {
		t.Fatalf("nudged early: %d", n)
	}
	before := e.page("", "")
	e.at(32 * time.Minute)
	nudges := e.actionsOf("nudge")
	if len(nudges) != 1 {
		t.Fatalf("nudges: %d", len(nudges))
	}
	inc = e.onlyIncident()
	last := inc.Updates[len(inc.Updates)-1]
	if last.Public || last.Author != sitrep.AutomationAuthor || !strings.Contains(last.Message, "30 minutes") {
		t.Fatalf("nudge note: %+v", last)
	}
	after := e.page("", "")
	if s := snapshotJSON(t, after); strings.Contains(s, "heard nothing") {
		t.Errorf("nudge reached the page")
	}
	if after.Version != before.Version {
		t.Errorf("an internal note changed the page version %d → %d", before.Version, after.Version)
	}
	e.at(40 * time.Minute)
	if n := len(e.actionsOf("nudge")); n != 1 {
		t.Errorf("nudged again within 30 min: %d", n)
	}
}

// A responder's change that commits between automation's plan and its
// store wins: the action re-checks the stored incident and stands down.
func TestConcurrentResponderWins(t *testing.T) {
	e := newEnv(t)
	e.down("courses-web-oslo", "db-oslo")
	e.at(0)
	e.at(2 * time.Minute)
	e.incs.interfere = func(inc *sitrep.Incident) {
		if !inc.TakenOver {
			inc.TakenOver = true
			inc.Status = sitrep.IncidentIdentified
			inc.Updates = append(inc.Updates, sitrep.IncidentUpdate{Status: sitrep.IncidentIdentified, Message: "Ola is on it.", Public: true,
				At: inc.CreatedAt, CreatedAt: inc.CreatedAt, Author: "ola"})
		}
	}
	e.up("courses-web-oslo", "db-oslo")
	e.at(5 * time.Minute)
	inc := e.onlyIncident()
	if inc.Status != sitrep.IncidentIdentified || len(inc.Updates) != 2 {
		t.Fatalf("automation overwrote the responder: %s %+v", inc.Status, inc.Updates)
	}
	if got := e.page("", "").ActiveIncidents[0]; got.Status != sitrep.IncidentIdentified || got.Updates[0].Message != "Ola is on it." {
		t.Errorf("page did not pick up the stored incident: %+v", got)
	}
}

// The follow-up maintenance of story 2: announced as 3 h, took 4 h. At the
// planned end sitrep says so by itself, and the page shows planned and
// actual times.
func TestStoryMaintenanceOverrun(t *testing.T) {
	e := newEnv(t)
	e.at(0)
	start := t0.Add(2 * time.Hour)
	m, err := e.eng.ScheduleMaintenance(e.ctx, sitrep.MaintenanceInput{
		Title: "Replace Oslo storage controller", Components: []string{"courses-oslo"},
		Start: start, End: start.Add(3 * time.Hour), Message: "Courses in Oslo will be unavailable.", Author: "kari",
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := e.page("", ""); len(p.UpcomingMaintenances) != 1 || p.UpcomingMaintenances[0].ID != m.ID {
		t.Fatalf("upcoming: %+v", p.UpcomingMaintenances)
	}
	e.at(time.Hour) // the 1 h reminder
	if n := len(e.actionsOf("remind")); n != 1 {
		t.Errorf("reminders: %d", n)
	}
	e.at(2 * time.Hour)
	p := e.page("", "")
	if len(p.ActiveMaintenances) != 1 || component(p, "courses-oslo").Status != sitrep.StatusUnderMaintenance {
		t.Fatalf("started: %+v", p.ActiveMaintenances)
	}
	if muted := e.eng.MutedMonitors(); !muted["courses-web-oslo"] || !muted["db-oslo"] || muted["ws-oslo"] {
		t.Errorf("muted: %v", muted)
	}
	// The work takes the component down; the window explains it.
	e.down("courses-web-oslo", "db-oslo")
	e.at(2*time.Hour + 10*time.Minute)
	e.at(4 * time.Hour)
	if incs, _, _ := e.incs.FindIncidents(e.ctx, sitrep.IncidentFilter{}); len(incs) != 0 {
		t.Fatalf("incident opened for planned work: %+v", incs[0])
	}
	v := e.page("", "").Version
	e.at(4*time.Hour + 30*time.Second)
	if e.page("", "").Version != v {
		t.Errorf("version moved within the minute")
	}
	e.at(4*time.Hour + time.Minute)
	if e.page("", "").Version <= v {
		t.Errorf("version did not move after a minute of running maintenance")
	}
	e.at(5 * time.Hour) // planned end, still down
	got, _ := e.mnts.Maintenance(e.ctx, m.ID)
	last := got.Updates[len(got.Updates)-1]
	if !got.Overrun || !got.Status.Active() || !strings.Contains(last.Message, "taking longer than planned") || !last.Public {
		t.Fatalf("overrun: %+v", got)
	}
	if pm := e.page("", "").Maintenances[m.ID]; !pm.Overrun || !pm.OverrunAt.Equal(t0.Add(5*time.Hour)) {
		t.Errorf("page overrun: %+v", pm)
	}
	e.up("courses-web-oslo", "db-oslo")
	e.at(6 * time.Hour)
	got, _ = e.mnts.Maintenance(e.ctx, m.ID)
	if got.Status != sitrep.MaintenanceCompleted || got.ActualDuration() != 4*time.Hour || got.PlannedDuration() != 3*time.Hour {
		t.Fatalf("completed: %+v", got)
	}
	if last := got.Updates[len(got.Updates)-1].Message; !strings.Contains(last, "It took 4 hours instead of the planned 3 hours") {
		t.Errorf("completion message %q", last)
	}
	p = e.page("", "")
	pm := p.Maintenances[m.ID]
	if pm == nil || pm.PlannedEnd.Sub(pm.PlannedStart) != 3*time.Hour || pm.ActualEnd.Sub(pm.ActualStart) != 4*time.Hour {
		t.Fatalf("page record: %+v", pm)
	}
	if len(p.ActiveMaintenances) != 0 || len(p.History) == 0 || len(p.History[0].Maintenances) != 1 {
		t.Errorf("history: %+v", p.History)
	}
	if muted := e.eng.MutedMonitors(); len(muted) != 0 {
		t.Errorf("still muted: %v", muted)
	}
}

// Story 3: mirrors take OS updates in recurring windows. The next
// occurrence is created ahead of time and starts by itself.
func TestStoryRecurringWindow(t *testing.T) {
	e := newEnv(t)
	e.at(0)
	r, err := sitrep.ParseRecurrence("every sunday 02:00-04:00 Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2026, 11, 29, 2, 0, 0, 0, e.oslo)
	series, err := e.eng.ScheduleMaintenance(e.ctx, sitrep.MaintenanceInput{
		Title: "OS updates, mirror A", Components: []string{"courses-us"}, Start: first, End: first.Add(2 * time.Hour),
		Message: "Mirror A installs OS updates.", Recurrence: &r, Author: "ola",
	})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Set(time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC))
	e.eng.Refresh(e.ctx)
	all, _, _ := e.mnts.FindMaintenances(e.ctx, sitrep.MaintenanceFilter{})
	if len(all) != 2 {
		t.Fatalf("windows: %d, want the series and its next occurrence", len(all))
	}
	if s := all[0]; s.ID != series.ID || s.Status != sitrep.MaintenanceCompleted {
		t.Errorf("first window: %+v", s)
	}
	next := all[1]
	want := time.Date(2026, 12, 6, 2, 0, 0, 0, e.oslo)
	if next.SeriesID != series.ID || !next.PlannedStart.Equal(want) || next.Status != sitrep.MaintenanceScheduled {
		t.Fatalf("next occurrence: %+v", next)
	}
	if us := e.page("status.us.example", ""); len(us.UpcomingMaintenances) != 1 || us.UpcomingMaintenances[0].ID != next.ID {
		t.Errorf("US page upcoming: %+v", us.UpcomingMaintenances)
	}
	e.clock.Set(want)
	e.eng.Refresh(e.ctx)
	us := e.page("status.us.example", "")
	if len(us.ActiveMaintenances) != 1 || component(us, "courses-us").Status != sitrep.StatusUnderMaintenance {
		t.Fatalf("not started: %+v", us.ActiveMaintenances)
	}
	// Refreshing again creates nothing twice.
	e.eng.Refresh(e.ctx)
	if all, _, _ := e.mnts.FindMaintenances(e.ctx, sitrep.MaintenanceFilter{}); len(all) != 2 {
		t.Errorf("windows after another refresh: %d", len(all))
	}
}
