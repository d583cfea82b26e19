package incident_test

// The three outages in DESIGN.md §1, replayed through the pure pipeline:
// monitor states → status.Compute/Track → Automation.Plan → Apply. The
// test imports internal/status to drive the pipeline as the engine will;
// the incident package itself imports only sitrep.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/incident"
	"sitrep/internal/status"
)

const tick = 30 * time.Second

type world struct {
	t        *testing.T
	a        *incident.Automation
	cat      incident.Catalog
	comps    []sitrep.Component
	now      time.Time
	monitors map[string]sitrep.MonitorState
	states   map[string]sitrep.ComponentState
	incs     []*sitrep.Incident
	ms       []*sitrep.Maintenance
	log      []string
	ids      int
}

func newWorld(t *testing.T, start time.Time, comps []sitrep.Component, cfg incident.Config) *world {
	t.Helper()
	a, err := incident.NewAutomation(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, a: a, cat: incident.NewCatalog(comps), comps: comps, now: start, monitors: map[string]sitrep.MonitorState{}}
	for _, c := range comps {
		for _, m := range c.Monitors {
			w.monitors[m] = sitrep.MonitorState{MonitorID: m, State: sitrep.StateUp, Since: start.Add(-24 * time.Hour)}
		}
	}
	w.evaluate()
	return w
}

func (w *world) id(prefix string) string {
	w.ids++
	return fmt.Sprintf("%s%d", prefix, w.ids)
}

// set changes monitor states now, as the evaluator would.
func (w *world) set(s sitrep.State, monitors ...string) {
	for _, m := range monitors {
		w.monitors[m] = sitrep.MonitorState{MonitorID: m, State: s, Since: w.now}
	}
}

func (w *world) views() []status.ComponentView {
	return status.Compute(status.Input{Components: w.comps, Monitors: w.monitors, Incidents: w.incs, Maintenances: w.ms})
}

// evaluate runs one round of the pipeline at w.now.
func (w *world) evaluate() {
	w.states = status.Track(w.states, w.views(), w.now)
	for _, act := range w.a.Plan(incident.Input{Now: w.now, Components: w.comps, States: w.states, Incidents: w.incs, Maintenances: w.ms}) {
		applied := true
		switch act := act.(type) {
		case incident.OpenIncident:
			act.Incident.ID = w.id("inc")
			w.incs = append(w.incs, act.Incident)
		case incident.IncidentAction:
			applied = act.Apply(w.incident(act.IncidentID()))
		case incident.MaintenanceAction:
			applied = act.Apply(w.maintenance(act.MaintenanceID()))
		}
		if applied {
			w.log = append(w.log, w.now.UTC().Format("Mon 15:04")+" "+act.String())
		}
	}
}

// run advances time to end, evaluating every tick.
func (w *world) run(d time.Duration) {
	end := w.now.Add(d)
	for w.now.Before(end) {
		w.now = w.now.Add(tick)
		w.evaluate()
	}
}

func (w *world) incident(id string) *sitrep.Incident {
	for _, inc := range w.incs {
		if inc.ID == id {
			return inc
		}
	}
	w.t.Fatalf("no incident %s", id)
	return nil
}

func (w *world) maintenance(id string) *sitrep.Maintenance {
	for _, m := range w.ms {
		if m.ID == id {
			return m
		}
	}
	w.t.Fatalf("no maintenance %s", id)
	return nil
}

// person applies a responder's update now.
func (w *world) person(id string, in sitrep.IncidentUpdateInput) {
	w.t.Helper()
	in.Author = "on-call"
	if err := incident.ApplyUpdate(w.incident(id), in, w.cat, w.now); err != nil {
		w.t.Fatal(err)
	}
	w.log = append(w.log, w.now.UTC().Format("Mon 15:04")+" person: "+string(w.incident(id).Status))
}

func (w *world) banner(p *sitrep.Page) status.Banner {
	return status.Overall(status.PageViews(p, w.views()), w.incs)
}

func (w *world) count(substr string) int {
	n := 0
	for _, l := range w.log {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}

func publicMessages(inc *sitrep.Incident) []string {
	var out []string
	for _, u := range inc.Updates {
		if u.Public {
			out = append(out, u.Message)
		}
	}
	return out
}

// Story 1: a disk fills on a Sunday evening and the server stops. A customer
// noticed first; sitrep must tell the public within minutes, remind staff
// who have not said anything, and leave the incident to the responder once
// one takes over.
func TestStoryDiskFullSundayEvening(t *testing.T) {
	start := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC) // Sunday 19:00 in Oslo
	comps := []sitrep.Component{{ID: "courses", Name: "Courses", Group: "E-learning", Monitors: []string{"courses-web"}}}
	cfg := incident.DefaultConfig()
	cfg.Templates.ComponentPhrase = "{{.Name}}"
	w := newWorld(t, start, comps, cfg)

	w.set(sitrep.StateDown, "courses-web")
	w.run(2 * time.Minute)
	if len(w.incs) != 1 {
		t.Fatalf("after 2 min: %d incidents, want 1 (log %q)", len(w.incs), w.log)
	}
	inc := w.incs[0]
	if got := publicMessages(inc); len(got) != 1 || got[0] != "We are investigating problems with Courses." {
		t.Errorf("first public update %q", got)
	}
	if m := inc.Metrics(); m.TimeToFirstUpdate != 2*time.Minute {
		t.Errorf("time to first public update %v, want 2m", m.TimeToFirstUpdate)
	}

	// Nobody answers for half an hour: staff are nudged, once.
	w.run(31 * time.Minute)
	if n := w.count("nudge incident " + inc.ID); n != 1 {
		t.Errorf("%d nudges by 19:33, want 1 (log %q)", n, w.log)
	}
	// The responder takes over, frees space, and the server comes back.
	w.person(inc.ID, sitrep.IncidentUpdateInput{Status: sitrep.IncidentIdentified, Message: "The disk of the course server is full; we are freeing space."})
	w.run(15 * time.Minute)
	w.set(sitrep.StateUp, "courses-web")
	w.run(5 * time.Minute)
	if inc.Status != sitrep.IncidentIdentified || w.count("→ monitoring") != 0 {
		t.Errorf("automation acted on a taken-over incident: %s, log %q", inc.Status, w.log)
	}
	w.now = start.Add(58 * time.Minute)
	w.person(inc.ID, sitrep.IncidentUpdateInput{Status: sitrep.IncidentResolved, Message: "Courses are back. We are adding disk forecasts."})
	w.run(2 * time.Hour)
	if m := inc.Metrics(); m.TimeToResolve != 58*time.Minute || m.TimeToDetect != 2*time.Minute {
		t.Errorf("metrics %+v", m)
	}
	if len(w.incs) != 1 || w.count("nudge") != 1 {
		t.Errorf("after resolution nothing more should happen: %q", w.log)
	}
}

// Story 2: two data centres; Oslo loses hardware and failover does not
// work. Oslo is down, the US degraded, and real-time messaging lags for
// hours after the restore. The follow-up maintenance is announced as 3 h
// and takes 4 h.
func TestStoryTwoDataCentres(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC) // Monday morning
	comps := []sitrep.Component{
		{ID: "courses-oslo", Name: "Courses", Group: "Oslo data centre", Monitors: []string{"courses-web-oslo", "db-oslo"}},
		{ID: "messaging-oslo", Name: "Real-time messaging", Group: "Oslo data centre", Monitors: []string{"ws-oslo"}},
		{ID: "courses-us", Name: "Courses", Group: "US data centre", Monitors: []string{"courses-web-us"}},
	}
	page := &sitrep.Page{Slug: "main", Groups: []string{"Oslo data centre", "US data centre"}, Location: oslo}
	cfg := incident.DefaultConfig()
	cfg.Location = oslo
	w := newWorld(t, start, comps, cfg)

	w.set(sitrep.StateDown, "courses-web-oslo", "db-oslo")
	w.set(sitrep.StateDegraded, "courses-web-us", "ws-oslo")
	w.run(90 * time.Second)
	if len(w.incs) != 0 {
		t.Fatalf("opened before auto_open_after: %q", w.log)
	}
	w.run(30 * time.Second)
	if len(w.incs) != 1 {
		t.Fatalf("%d incidents after 2 min, want 1: %q", len(w.incs), w.log)
	}
	inc := w.incs[0]
	if inc.Components[0] != (sitrep.AffectedComponent{ComponentID: "courses-oslo", Status: sitrep.StatusMajorOutage}) || len(inc.Components) != 1 {
		t.Errorf("affected %v: only Oslo courses are in outage", inc.Components)
	}
	if got := publicMessages(inc)[0]; got != "We are investigating problems with Courses in the Oslo data centre." {
		t.Errorf("first update %q", got)
	}
	if b := w.banner(page); b.Indicator != status.IndicatorMajor || b.Description != "Partial System Outage" {
		t.Errorf("banner during the outage %+v", b)
	}
	groups := status.Groups(page, w.views())
	if groups[0].Status != sitrep.StatusMajorOutage || groups[1].Status != sitrep.StatusDegraded {
		t.Errorf("groups %s / %s", groups[0].Status, groups[1].Status)
	}

	// Oslo is restored after 40 minutes; messaging keeps lagging.
	w.run(38 * time.Minute)
	w.set(sitrep.StateUp, "courses-web-oslo", "db-oslo", "courses-web-us")
	w.run(tick)
	if inc.Status != sitrep.IncidentMonitoring {
		t.Fatalf("after restore: %s, want monitoring (log %q)", inc.Status, w.log)
	}
	if b := w.banner(page); b.Indicator != status.IndicatorMinor || b.Description != "Partially Degraded Service" {
		t.Errorf("banner while messaging lags %+v", b)
	}
	// Hours of lag: no outage, so no new incident, but the open one is
	// nudged every 30 minutes until someone writes: six times, after the one
	// during the outage.
	w.run(3 * time.Hour)
	if len(w.incs) != 1 || inc.Status != sitrep.IncidentMonitoring {
		t.Errorf("lagging messaging must not open incidents: %q", w.log)
	}
	if n := w.count("nudge incident " + inc.ID); n != 7 {
		t.Errorf("%d nudges, want 7 (log %q)", n, w.log)
	}
	w.set(sitrep.StateUp, "ws-oslo")
	w.person(inc.ID, sitrep.IncidentUpdateInput{Status: sitrep.IncidentResolved, Message: "All services are back to normal. A root-cause analysis will follow."})
	if b := w.banner(page); b.Indicator != status.IndicatorNone {
		t.Errorf("banner after resolution %+v", b)
	}

	// The follow-up: replace the storage controller, announced as 3 h.
	planned := time.Date(2026, 11, 28, 22, 0, 0, 0, oslo)
	m, err := incident.NewMaintenance(sitrep.MaintenanceInput{
		Title: "Replace the Oslo storage controller", Components: []string{"courses-oslo", "messaging-oslo"},
		Start: planned, End: planned.Add(3 * time.Hour), Message: "Courses and messaging in Oslo will be unavailable.",
	}, w.cat, w.now)
	if err != nil {
		t.Fatal(err)
	}
	m.ID = "mnt1"
	w.ms = append(w.ms, m)
	w.log = nil
	w.now = planned.Add(-25 * time.Hour)
	w.run(25 * time.Hour)
	if !m.Reminded(24*time.Hour) || !m.Reminded(time.Hour) || w.count("remind") != 2 {
		t.Errorf("reminders %v, log %q", m.RemindersSent, w.log)
	}
	if m.Status != sitrep.MaintenanceInProgress || !m.ActualStart.Equal(planned) {
		t.Fatalf("at the planned start: %s since %v", m.Status, m.ActualStart)
	}
	// The work takes the components down; that is what maintenance is for.
	w.set(sitrep.StateDown, "courses-web-oslo", "db-oslo", "ws-oslo")
	w.run(3 * time.Hour)
	if m.Status != sitrep.MaintenanceInProgress || !m.Overrun {
		t.Fatalf("at the planned end: %s overrun=%v (log %q)", m.Status, m.Overrun, w.log)
	}
	last := m.Updates[len(m.Updates)-1]
	if !last.Public || !strings.Contains(last.Message, "taking longer than planned") || !strings.Contains(last.Message, "Sun 29 Nov 01:00 CET") {
		t.Errorf("overrun update %+v", last)
	}
	if len(w.incs) != 1 {
		t.Errorf("maintenance must not open incidents: %q", w.log)
	}
	views := w.views()
	if views[0].Status != sitrep.StatusUnderMaintenance {
		t.Errorf("courses-oslo shows %s during the overrun", views[0].Status)
	}
	if muted := incident.MutedMonitors(w.cat, w.ms); !muted["db-oslo"] || muted["courses-web-us"] {
		t.Errorf("muted %v", muted)
	}
	w.run(time.Hour - tick)
	w.set(sitrep.StateUp, "courses-web-oslo", "db-oslo", "ws-oslo")
	w.run(tick)
	if m.Status != sitrep.MaintenanceCompleted || m.PlannedDuration() != 3*time.Hour || m.ActualDuration() != 4*time.Hour {
		t.Fatalf("%s planned %v actual %v (log %q)", m.Status, m.PlannedDuration(), m.ActualDuration(), w.log)
	}
	if got := m.Updates[len(m.Updates)-1].Message; !strings.Contains(got, "It took 4 hours instead of the planned 3 hours.") {
		t.Errorf("completion update %q", got)
	}
	if w.count("overrun") != 1 || w.count("complete") != 1 {
		t.Errorf("log %q", w.log)
	}
}

// Story 3: an automatic OS update rebooted a church-management app
// uncleanly; the restore from backup was slow. The fix: mirrors that never
// take updates at the same time, and a responder who runs the incident by
// hand and writes the postmortem.
func TestStoryUncleanReboot(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	comps := []sitrep.Component{
		{ID: "app", Name: "Church management", Group: "Services", Monitors: []string{"app-a", "app-b"}},
	}

	// The mirrors' update windows never overlap, DST weekends included.
	ra, err := sitrep.ParseRecurrence("every Sunday 02:00–04:00 Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	rb, err := sitrep.ParseRecurrence("every Sunday 04:00–06:00 Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, oslo)
	wa, wb := incident.Occurrences(ra, from, from.AddDate(1, 0, 0)), incident.Occurrences(rb, from, from.AddDate(1, 0, 0))
	if len(wa) != 52 || len(wb) != 52 {
		t.Fatalf("%d and %d Sundays in 2026", len(wa), len(wb))
	}
	for i := range wa {
		if wa[i].End.After(wb[i].Start) {
			t.Errorf("mirror windows overlap on %v: A ends %v, B starts %v", wa[i].Start.In(oslo), wa[i].End.In(oslo), wb[i].Start.In(oslo))
		}
		if h := wa[i].Start.In(oslo).Hour(); h != 2 && h != 3 {
			t.Errorf("window A starts %v", wa[i].Start.In(oslo))
		}
	}

	// One mirror rebooting inside its window is planned: no incident.
	series := &sitrep.Maintenance{ID: "series-a", Title: "OS updates, mirror A", Components: []string{"app"}, Recurrence: &ra, Description: "Mirror A installs updates."}
	start := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	w := newWorld(t, start, comps, incident.DefaultConfig())
	for _, m := range incident.Materialize(series, nil, start, start.Add(7*24*time.Hour), start) {
		m.ID = w.id("mnt")
		w.ms = append(w.ms, m)
	}
	if len(w.ms) != 1 {
		t.Fatalf("%d occurrences in a week", len(w.ms))
	}
	win := w.ms[0]
	w.now = win.PlannedStart
	w.evaluate()
	w.set(sitrep.StateDown, "app-a")
	w.run(20 * time.Minute)
	if len(w.incs) != 0 || win.Status != sitrep.MaintenanceInProgress {
		t.Fatalf("planned reboot: %d incidents, window %s (log %q)", len(w.incs), win.Status, w.log)
	}
	w.set(sitrep.StateUp, "app-a")
	w.run(2 * time.Hour)
	if win.Status != sitrep.MaintenanceCompleted || win.Overrun {
		t.Fatalf("window %s overrun=%v", win.Status, win.Overrun)
	}

	// Outside any window both mirrors fail (the old setup). The responder
	// opens the incident before automation does, and automation stays out.
	w.set(sitrep.StateDown, "app-a", "app-b")
	w.run(tick)
	inc, err := incident.NewIncident(sitrep.IncidentInput{
		Title: "Church management is down", Message: "The servers did not come back after an update; we are restoring.",
		Components: map[string]sitrep.ComponentStatus{"app": sitrep.StatusMajorOutage}, Author: "ola",
	}, w.cat, w.now)
	if err != nil {
		t.Fatal(err)
	}
	inc.ID = "manual"
	w.incs = append(w.incs, inc)
	w.run(5 * time.Hour)
	if len(w.incs) != 1 {
		t.Errorf("automation opened a second incident: %q", w.log)
	}
	if n := w.count("nudge incident manual"); n != 10 {
		t.Errorf("%d nudges in 5 h of silence, want 10", n)
	}
	// The write-up is back-dated to when things happened.
	w.person("manual", sitrep.IncidentUpdateInput{Status: sitrep.IncidentIdentified, Message: "The file system was corrupted; restoring yesterday's backup onto new disks.", At: w.now.Add(-4 * time.Hour)})
	w.set(sitrep.StateUp, "app-a", "app-b")
	w.run(time.Hour)
	w.person("manual", sitrep.IncidentUpdateInput{Status: sitrep.IncidentResolved, Message: "Restored. Data entered since the backup must be re-entered."})
	err = incident.SetPostmortem(inc, sitrep.Postmortem{
		Summary: "An automatic OS update rebooted both servers uncleanly.", RootCause: "Both mirrors took updates at the same time.",
		ActionItems: []sitrep.ActionItem{
			{Title: "Stagger mirror updates (Sunday 02-04 and 04-06)", Owner: "ola", Due: w.now.AddDate(0, 0, 7)},
			{Title: "Put a load balancer in front of the mirrors", Owner: "kari", Due: w.now.AddDate(0, 1, 0)},
		},
		Published: true,
	}, w.now)
	if err != nil {
		t.Fatal(err)
	}
	if !inc.Postmortem.PublishedAt.Equal(w.now) || inc.Automatic || inc.TakenOver {
		t.Errorf("incident %+v", inc)
	}
}
