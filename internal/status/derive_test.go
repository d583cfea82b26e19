package status

import (
	"testing"
	"time"

	"sitrep"
)

var t0 = time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)

func states(kv ...any) map[string]sitrep.MonitorState {
	m := map[string]sitrep.MonitorState{}
	for i := 0; i < len(kv); i += 2 {
		id := kv[i].(string)
		m[id] = sitrep.MonitorState{MonitorID: id, State: kv[i+1].(sitrep.State), Since: t0}
	}
	return m
}

func TestDerive(t *testing.T) {
	up, deg, down, unk := sitrep.StateUp, sitrep.StateDegraded, sitrep.StateDown, sitrep.StateUnknown
	three := []string{"a", "b", "c"}
	anyDownMajor := sitrep.ComponentRule{SomeDown: sitrep.StatusMajorOutage}
	tests := []struct {
		name     string
		monitors []string
		rule     sitrep.ComponentRule
		states   map[string]sitrep.MonitorState
		want     sitrep.ComponentStatus
		known    bool
	}{
		{"all up", three, sitrep.ComponentRule{}, states("a", up, "b", up, "c", up), sitrep.StatusOperational, true},
		{"one degraded", three, sitrep.ComponentRule{}, states("a", up, "b", deg, "c", up), sitrep.StatusDegraded, true},
		{"one down", three, sitrep.ComponentRule{}, states("a", down, "b", deg, "c", up), sitrep.StatusPartialOutage, true},
		{"all down", three, sitrep.ComponentRule{}, states("a", down, "b", down, "c", down), sitrep.StatusMajorOutage, true},
		{"unknown ignored: the known ones are all down", three, sitrep.ComponentRule{}, states("a", down, "b", unk), sitrep.StatusMajorOutage, true},
		{"unknown ignored: up and down", three, sitrep.ComponentRule{}, states("a", down, "b", up, "c", unk), sitrep.StatusPartialOutage, true},
		{"all unknown", three, sitrep.ComponentRule{}, states("a", unk, "b", unk), sitrep.StatusOperational, false},
		{"no monitors", nil, sitrep.ComponentRule{}, states(), sitrep.StatusOperational, false},
		{"override: any down is major", three, anyDownMajor, states("a", down, "b", up, "c", up), sitrep.StatusMajorOutage, true},
		{"override keeps the other defaults", three, anyDownMajor, states("a", deg, "b", up, "c", up), sitrep.StatusDegraded, true},
		{"override: degraded counts as partial", three, sitrep.ComponentRule{AnyDegraded: sitrep.StatusPartialOutage}, states("a", deg, "b", up), sitrep.StatusPartialOutage, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &sitrep.Component{ID: "x", Monitors: tt.monitors, Rule: tt.rule}
			d := Derive(c, tt.states)
			if d.Status != tt.want || d.Known != tt.known {
				t.Errorf("Derive = %s known=%v, want %s known=%v", d.Status, d.Known, tt.want, tt.known)
			}
		})
	}
}

func TestComputeExplicit(t *testing.T) {
	comps := []sitrep.Component{
		{ID: "courses-oslo", Group: "Oslo", Monitors: []string{"web-oslo"}},
		{ID: "video", Group: "Oslo", Monitors: []string{"video"}, HiddenUntilDegraded: true},
		{ID: "exams", Group: "Oslo", Monitors: []string{"exams"}, HiddenUntilDegraded: true},
	}
	mon := states("web-oslo", sitrep.StateUp, "video", sitrep.StateUp, "exams", sitrep.StateDegraded)
	openInc := &sitrep.Incident{ID: "i1", Status: sitrep.IncidentIdentified, Components: []sitrep.AffectedComponent{{ComponentID: "courses-oslo", Status: sitrep.StatusMajorOutage}}}
	resolvedInc := &sitrep.Incident{ID: "i0", Status: sitrep.IncidentResolved, Components: []sitrep.AffectedComponent{{ComponentID: "video", Status: sitrep.StatusMajorOutage}}}
	activeMaint := &sitrep.Maintenance{ID: "m1", Status: sitrep.MaintenanceInProgress, Components: []string{"courses-oslo", "video"}}
	doneMaint := &sitrep.Maintenance{ID: "m0", Status: sitrep.MaintenanceCompleted, Components: []string{"exams"}}

	tests := []struct {
		name   string
		incs   []*sitrep.Incident
		maints []*sitrep.Maintenance
		want   map[string]sitrep.ComponentStatus
		source map[string]Source
	}{
		{"derived only", nil, nil,
			map[string]sitrep.ComponentStatus{"courses-oslo": sitrep.StatusOperational, "video": sitrep.StatusOperational, "exams": sitrep.StatusDegraded},
			map[string]Source{"courses-oslo": {Kind: SourceMonitors}}},
		{"open incident wins over healthy monitors", []*sitrep.Incident{openInc, resolvedInc}, []*sitrep.Maintenance{doneMaint},
			map[string]sitrep.ComponentStatus{"courses-oslo": sitrep.StatusMajorOutage, "video": sitrep.StatusOperational, "exams": sitrep.StatusDegraded},
			map[string]Source{"courses-oslo": {SourceIncident, "i1"}, "exams": {Kind: SourceMonitors}}},
		{"maintenance sets under_maintenance", nil, []*sitrep.Maintenance{activeMaint},
			map[string]sitrep.ComponentStatus{"courses-oslo": sitrep.StatusUnderMaintenance, "video": sitrep.StatusUnderMaintenance},
			map[string]Source{"video": {SourceMaintenance, "m1"}}},
		{"an incident outage shows through maintenance", []*sitrep.Incident{openInc}, []*sitrep.Maintenance{activeMaint},
			map[string]sitrep.ComponentStatus{"courses-oslo": sitrep.StatusMajorOutage, "video": sitrep.StatusUnderMaintenance},
			map[string]Source{"courses-oslo": {SourceIncident, "i1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			views := Compute(Input{Components: comps, Monitors: mon, Incidents: tt.incs, Maintenances: tt.maints})
			for _, v := range views {
				id := v.Component.ID
				if want, ok := tt.want[id]; ok && v.Status != want {
					t.Errorf("%s: status %s, want %s", id, v.Status, want)
				}
				if want, ok := tt.source[id]; ok && v.Source != want {
					t.Errorf("%s: source %+v, want %+v", id, v.Source, want)
				}
				wantVisible := !v.Component.HiddenUntilDegraded || v.Status != sitrep.StatusOperational
				if v.Visible != wantVisible {
					t.Errorf("%s: visible %v", id, v.Visible)
				}
			}
		})
	}
}

func TestTrack(t *testing.T) {
	c := sitrep.Component{ID: "c", Monitors: []string{"a", "b"}}
	down := func(since time.Time, ids ...string) map[string]sitrep.MonitorState {
		m := states("a", sitrep.StateUp, "b", sitrep.StateUp)
		for _, id := range ids {
			m[id] = sitrep.MonitorState{MonitorID: id, State: sitrep.StateDown, Since: since}
		}
		return m
	}
	view := func(m map[string]sitrep.MonitorState) []ComponentView {
		return Compute(Input{Components: []sitrep.Component{c}, Monitors: m})
	}
	t1, t2, t3 := t0.Add(time.Minute), t0.Add(2*time.Minute), t0.Add(3*time.Minute)

	s := Track(nil, view(down(t0)), t0)
	if got := s["c"]; got.Status != sitrep.StatusOperational || !got.OutageSince.IsZero() {
		t.Fatalf("start: %+v", got)
	}
	s = Track(s, view(down(t1, "a")), t1)
	if got := s["c"]; got.Status != sitrep.StatusPartialOutage || !got.OutageSince.Equal(t1) || !got.Since.Equal(t1) {
		t.Fatalf("partial: %+v", got)
	}
	// Worsening to major keeps the outage start so auto-open is not delayed.
	s = Track(s, view(down(t1, "a", "b")), t2)
	if got := s["c"]; got.Status != sitrep.StatusMajorOutage || !got.OutageSince.Equal(t1) || !got.Since.Equal(t2) {
		t.Fatalf("major: %+v", got)
	}
	s = Track(s, view(down(t0)), t3)
	if got := s["c"]; got.Status != sitrep.StatusOperational || !got.OutageSince.IsZero() {
		t.Fatalf("recovered: %+v", got)
	}
	// After a restart (no previous states) the monitors' own Since is used.
	s = Track(nil, view(down(t1, "a")), t3)
	if got := s["c"]; !got.OutageSince.Equal(t1) {
		t.Fatalf("restart: %+v", got)
	}
}
