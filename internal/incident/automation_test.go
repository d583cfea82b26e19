package incident

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sitrep"
)

func components() []sitrep.Component {
	return []sitrep.Component{
		{ID: "courses-oslo", Name: "Courses", Group: "Oslo data centre", Monitors: []string{"courses-web-oslo", "db-oslo"}},
		{ID: "messaging-oslo", Name: "Real-time messaging", Group: "Oslo data centre", Monitors: []string{"ws-oslo"}},
		{ID: "courses-us", Name: "Courses", Group: "US data centre", Monitors: []string{"courses-web-us"}},
	}
}

// st is a derived state that has held since the given time.
func st(id string, s sitrep.ComponentStatus, since time.Time) sitrep.ComponentState {
	c := sitrep.ComponentState{ComponentID: id, Status: s, Since: since, Known: true}
	if s.IsOutage() {
		c.OutageSince = since
		c.FirstFailedAt = since.Add(-time.Minute)
	}
	return c
}

func statesOf(ss ...sitrep.ComponentState) map[string]sitrep.ComponentState {
	m := map[string]sitrep.ComponentState{}
	for _, s := range components() {
		m[s.ID] = st(s.ID, sitrep.StatusOperational, now.Add(-24*time.Hour))
	}
	for _, s := range ss {
		m[s.ComponentID] = s
	}
	return m
}

// describe names an action for comparison: kind and target.
func describe(a Action) string {
	switch a := a.(type) {
	case OpenIncident:
		var ids []string
		for _, c := range a.Incident.Components {
			ids = append(ids, c.ComponentID+"="+string(c.Status))
		}
		return "open " + strings.Join(ids, ",")
	case UpdateIncident:
		return string(a.Status) + " " + a.ID
	case SyncComponents:
		return "sync " + a.ID
	case Nudge:
		return "nudge " + a.ID
	case RemindMaintenance:
		return fmt.Sprintf("remind %s %v", a.ID, a.Before)
	case StartMaintenance:
		return "start " + a.ID
	case CompleteMaintenance:
		return "complete " + a.ID
	case OverrunMaintenance:
		return "overrun " + a.ID
	}
	return fmt.Sprintf("%T", a)
}

func autoIncident(id string, status sitrep.IncidentStatus, created time.Time, comps ...sitrep.AffectedComponent) *sitrep.Incident {
	return &sitrep.Incident{ID: id, Title: "Problems", Status: status, Automatic: true, Components: comps, CreatedAt: created,
		Updates: []sitrep.IncidentUpdate{{Status: status, Public: true, At: created, CreatedAt: created, Author: sitrep.AutomationAuthor}}}
}

func TestPlan(t *testing.T) {
	partialOslo := sitrep.AffectedComponent{ComponentID: "courses-oslo", Status: sitrep.StatusPartialOutage}
	off := time.Duration(0)
	fast := time.Minute
	start := now.Add(time.Hour)
	scheduled := func(created time.Time, sent ...time.Duration) *sitrep.Maintenance {
		return &sitrep.Maintenance{ID: "m1", Status: sitrep.MaintenanceScheduled, Components: []string{"courses-oslo"},
			PlannedStart: start, PlannedEnd: start.Add(3 * time.Hour), CreatedAt: created, RemindersSent: sent}
	}
	running := func(overrun bool) *sitrep.Maintenance {
		return &sitrep.Maintenance{ID: "m1", Status: sitrep.MaintenanceInProgress, Components: []string{"courses-oslo"},
			PlannedStart: now.Add(-3 * time.Hour), PlannedEnd: now, ActualStart: now.Add(-3 * time.Hour), Overrun: overrun}
	}
	tests := []struct {
		name   string
		comps  func([]sitrep.Component)
		cfg    func(*Config)
		states map[string]sitrep.ComponentState
		incs   []*sitrep.Incident
		ms     []*sitrep.Maintenance
		at     time.Time
		want   []string
	}{
		{name: "all operational: nothing to do", states: statesOf(), want: nil},
		{name: "outage shorter than auto_open_after",
			states: statesOf(st("courses-oslo", sitrep.StatusPartialOutage, now.Add(-119*time.Second)))},
		{name: "outage for auto_open_after opens an incident",
			states: statesOf(st("courses-oslo", sitrep.StatusPartialOutage, now.Add(-2*time.Minute))),
			want:   []string{"open courses-oslo=partial_outage"}},
		{name: "components failing together share one incident",
			states: statesOf(st("courses-oslo", sitrep.StatusMajorOutage, now.Add(-5*time.Minute)), st("messaging-oslo", sitrep.StatusPartialOutage, now.Add(-3*time.Minute)), st("courses-us", sitrep.StatusDegraded, now.Add(-time.Hour))),
			want:   []string{"open courses-oslo=major_outage,messaging-oslo=partial_outage"}},
		{name: "degraded never opens", states: statesOf(st("courses-us", sitrep.StatusDegraded, now.Add(-time.Hour)))},
		{name: "an open incident covers the component",
			states: statesOf(st("courses-oslo", sitrep.StatusPartialOutage, now.Add(-time.Hour))),
			incs:   []*sitrep.Incident{{ID: "i9", Status: sitrep.IncidentIdentified, TakenOver: true, CreatedAt: now.Add(-10 * time.Minute), Components: []sitrep.AffectedComponent{partialOslo}}}},
		{name: "a resolved incident does not",
			states: statesOf(st("courses-oslo", sitrep.StatusPartialOutage, now.Add(-time.Hour))),
			incs:   []*sitrep.Incident{{ID: "i9", Status: sitrep.IncidentResolved, Components: []sitrep.AffectedComponent{partialOslo}}},
			want:   []string{"open courses-oslo=partial_outage"}},
		{name: "active maintenance explains the outage",
			states: statesOf(st("courses-oslo", sitrep.StatusMajorOutage, now.Add(-time.Hour))),
			ms:     []*sitrep.Maintenance{{ID: "m1", Status: sitrep.MaintenanceInProgress, Components: []string{"courses-oslo"}, PlannedEnd: now.Add(time.Hour)}}},
		{name: "per-component override: auto-open off",
			comps:  func(cs []sitrep.Component) { cs[0].Automation = &sitrep.AutomationOverride{AutoOpenAfter: &off} },
			states: statesOf(st("courses-oslo", sitrep.StatusMajorOutage, now.Add(-time.Hour)))},
		{name: "per-component override: faster auto-open",
			comps:  func(cs []sitrep.Component) { cs[2].Automation = &sitrep.AutomationOverride{AutoOpenAfter: &fast} },
			states: statesOf(st("courses-us", sitrep.StatusMajorOutage, now.Add(-time.Minute)), st("courses-oslo", sitrep.StatusMajorOutage, now.Add(-time.Minute))),
			want:   []string{"open courses-us=major_outage"}},
		{name: "recovered components move the incident to monitoring",
			states: statesOf(),
			incs:   []*sitrep.Incident{autoIncident("i1", sitrep.IncidentInvestigating, now.Add(-20*time.Minute), partialOslo)},
			want:   []string{"monitoring i1"}},
		{name: "degraded is not recovered",
			states: statesOf(st("courses-oslo", sitrep.StatusDegraded, now.Add(-time.Minute))),
			incs:   []*sitrep.Incident{autoIncident("i1", sitrep.IncidentInvestigating, now.Add(-20*time.Minute), partialOslo)},
			want:   []string{"sync i1"}},
		{name: "a worsening outage is followed silently",
			states: statesOf(st("courses-oslo", sitrep.StatusMajorOutage, now.Add(-time.Minute))),
			incs:   []*sitrep.Incident{autoIncident("i1", sitrep.IncidentInvestigating, now.Add(-20*time.Minute), partialOslo)},
			want:   []string{"sync i1"}},
		{name: "relapse while monitoring",
			states: statesOf(st("courses-oslo", sitrep.StatusPartialOutage, now.Add(-time.Minute))),
			incs:   []*sitrep.Incident{autoIncident("i1", sitrep.IncidentMonitoring, now.Add(-20*time.Minute), partialOslo)},
			want:   []string{"investigating i1"}},
		{name: "no auto-resolve by default",
			states: statesOf(),
			incs:   []*sitrep.Incident{autoIncident("i1", sitrep.IncidentMonitoring, now.Add(-20*time.Minute), partialOslo)}},
		{name: "auto-resolve when configured and calm long enough",
			cfg:    func(c *Config) { c.Defaults.AutoResolveAfter = 15 * time.Minute },
			states: statesOf(),
			incs: []*sitrep.Incident{func() *sitrep.Incident {
				i := autoIncident("i1", sitrep.IncidentMonitoring, now.Add(-20*time.Minute), partialOslo)
				i.MonitoringAt = now.Add(-15 * time.Minute)
				return i
			}()},
			want: []string{"resolved i1"}},
		{name: "auto-resolve waits for a component that only just recovered",
			cfg:    func(c *Config) { c.Defaults.AutoResolveAfter = 15 * time.Minute },
			states: statesOf(st("courses-oslo", sitrep.StatusOperational, now.Add(-time.Minute))),
			incs: []*sitrep.Incident{func() *sitrep.Incident {
				i := autoIncident("i1", sitrep.IncidentMonitoring, now.Add(-20*time.Minute), partialOslo)
				i.MonitoringAt = now.Add(-15 * time.Minute)
				return i
			}()}},
		{name: "taken-over incidents are left alone",
			states: statesOf(),
			incs: []*sitrep.Incident{func() *sitrep.Incident {
				i := autoIncident("i1", sitrep.IncidentInvestigating, now.Add(-20*time.Minute), partialOslo)
				i.TakenOver = true
				return i
			}()}},
		{name: "nudge when the last public update is older than nudge_after",
			states: statesOf(st("courses-oslo", sitrep.StatusPartialOutage, now.Add(-time.Hour))),
			incs:   []*sitrep.Incident{{ID: "i2", Status: sitrep.IncidentIdentified, CreatedAt: now.Add(-30 * time.Minute), Components: []sitrep.AffectedComponent{partialOslo}}},
			want:   []string{"nudge i2"}},
		{name: "internal updates do not count as telling customers",
			states: statesOf(st("courses-oslo", sitrep.StatusPartialOutage, now.Add(-time.Hour))),
			incs: []*sitrep.Incident{{ID: "i2", Status: sitrep.IncidentIdentified, CreatedAt: now.Add(-40 * time.Minute), Components: []sitrep.AffectedComponent{partialOslo},
				Updates: []sitrep.IncidentUpdate{{Public: false, CreatedAt: now.Add(-time.Minute)}}}},
			want: []string{"nudge i2"}},
		{name: "a recent nudge is not repeated",
			states: statesOf(st("courses-oslo", sitrep.StatusPartialOutage, now.Add(-time.Hour))),
			incs:   []*sitrep.Incident{{ID: "i2", Status: sitrep.IncidentIdentified, CreatedAt: now.Add(-50 * time.Minute), NudgedAt: now.Add(-20 * time.Minute), Components: []sitrep.AffectedComponent{partialOslo}}}},
		{name: "nudge off",
			cfg:    func(c *Config) { c.Defaults.NudgeAfter = 0 },
			states: statesOf(),
			incs:   []*sitrep.Incident{{ID: "i2", Status: sitrep.IncidentIdentified, CreatedAt: now.Add(-5 * time.Hour)}}},
		{name: "24h reminder", states: statesOf(), ms: []*sitrep.Maintenance{scheduled(now.Add(-48 * time.Hour))}, at: start.Add(-24 * time.Hour),
			want: []string{"remind m1 24h0m0s"}},
		{name: "not yet time for the 1h reminder", states: statesOf(), ms: []*sitrep.Maintenance{scheduled(now.Add(-48*time.Hour), 24*time.Hour)}, at: start.Add(-61 * time.Minute)},
		{name: "1h reminder", states: statesOf(), ms: []*sitrep.Maintenance{scheduled(now.Add(-48*time.Hour), 24*time.Hour)}, at: start.Add(-time.Hour),
			want: []string{"remind m1 1h0m0s"}},
		{name: "after a restart only the nearest due reminder is sent", states: statesOf(), ms: []*sitrep.Maintenance{scheduled(now.Add(-48 * time.Hour))}, at: start.Add(-30 * time.Minute),
			want: []string{"remind m1 1h0m0s"}},
		{name: "reminders due before the announcement are skipped", states: statesOf(), ms: []*sitrep.Maintenance{scheduled(now.Add(-2 * time.Hour))}, at: start.Add(-3 * time.Hour)},
		{name: "auto-start", states: statesOf(), ms: []*sitrep.Maintenance{scheduled(now.Add(-48*time.Hour), 24*time.Hour, time.Hour)}, at: start,
			want: []string{"start m1"}},
		{name: "auto-complete at planned end when healthy", states: statesOf(), ms: []*sitrep.Maintenance{running(false)},
			want: []string{"complete m1"}},
		{name: "not before the planned end", states: statesOf(), ms: []*sitrep.Maintenance{running(false)}, at: now.Add(-time.Second)},
		{name: "overrun at planned end when unhealthy",
			states: statesOf(st("courses-oslo", sitrep.StatusMajorOutage, now.Add(-time.Hour))), ms: []*sitrep.Maintenance{running(false)},
			want: []string{"overrun m1"}},
		{name: "overrun is announced once",
			states: statesOf(st("courses-oslo", sitrep.StatusMajorOutage, now.Add(-time.Hour))), ms: []*sitrep.Maintenance{running(true)}, at: now.Add(time.Hour)},
		{name: "an overrun window completes once healthy", states: statesOf(), ms: []*sitrep.Maintenance{running(true)}, at: now.Add(time.Hour),
			want: []string{"complete m1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			a, err := NewAutomation(cfg)
			if err != nil {
				t.Fatal(err)
			}
			comps := components()
			if tt.comps != nil {
				tt.comps(comps)
			}
			at := tt.at
			if at.IsZero() {
				at = now
			}
			acts := a.Plan(Input{Now: at, Components: comps, States: tt.states, Incidents: tt.incs, Maintenances: tt.ms})
			var got []string
			for _, act := range acts {
				got = append(got, describe(act))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("actions %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAutoOpenedIncident(t *testing.T) {
	a, err := NewAutomation(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	acts := a.Plan(Input{Now: now, Components: components(), States: statesOf(st("courses-oslo", sitrep.StatusPartialOutage, now.Add(-3*time.Minute)))})
	if len(acts) != 1 {
		t.Fatalf("%v", acts)
	}
	inc := acts[0].(OpenIncident).Incident
	u := inc.Updates[0]
	if u.Message != "We are investigating problems with Courses in the Oslo data centre." || !u.Public || u.Author != sitrep.AutomationAuthor {
		t.Errorf("first update %+v", u)
	}
	if inc.Title != "Problems with Courses in the Oslo data centre" || !inc.Automatic || inc.Impact != sitrep.ImpactMinor {
		t.Errorf("incident %+v", inc)
	}
	m := inc.Metrics()
	if m.TimeToDetect != 4*time.Minute || m.TimeToFirstUpdate != 4*time.Minute {
		t.Errorf("metrics %+v", m)
	}
}

func TestApplyRechecks(t *testing.T) {
	// A responder takes over between Plan and Apply: the responder wins.
	inc := autoIncident("i1", sitrep.IncidentInvestigating, now.Add(-time.Hour), sitrep.AffectedComponent{ComponentID: "courses-oslo", Status: sitrep.StatusPartialOutage})
	up := UpdateIncident{ID: "i1", Status: sitrep.IncidentMonitoring, Message: "ok", At: now}
	inc.TakenOver = true
	if up.Apply(inc) {
		t.Error("applied to a taken-over incident")
	}
	// A public update posted meanwhile cancels a nudge.
	inc = &sitrep.Incident{ID: "i2", Status: sitrep.IncidentIdentified, CreatedAt: now.Add(-time.Hour)}
	n := Nudge{ID: "i2", LastPublic: inc.CreatedAt, At: now}
	inc.Updates = append(inc.Updates, sitrep.IncidentUpdate{Public: true, CreatedAt: now.Add(-time.Second)})
	if n.Apply(inc) {
		t.Error("nudged although customers were just told")
	}
	m := &sitrep.Maintenance{Status: sitrep.MaintenanceCompleted}
	if (OverrunMaintenance{At: now}).Apply(m) || (StartMaintenance{At: now}).Apply(m) {
		t.Error("applied to a completed window")
	}
}

func TestNewAutomationRejects(t *testing.T) {
	tests := []struct {
		name  string
		cfg   func(*Config)
		field string
	}{
		{"broken template", func(c *Config) { c.Templates.Open = "{{.Components" }, "templates.open"},
		{"unknown field", func(c *Config) { c.Templates.Overrun = "{{.Nope}}" }, "templates.overrun"},
		{"negative duration", func(c *Config) { c.Defaults.NudgeAfter = -time.Minute }, "incidents.nudge_after"},
		{"bad reminder", func(c *Config) { c.Reminders = []time.Duration{0} }, "maintenance.reminders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.cfg(&cfg)
			_, err := NewAutomation(cfg)
			wantError(t, err, tt.field)
		})
	}
}
