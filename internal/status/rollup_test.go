package status

import (
	"testing"

	"sitrep"
)

func views(sts ...sitrep.ComponentStatus) []ComponentView {
	out := make([]ComponentView, len(sts))
	for i, s := range sts {
		out[i] = ComponentView{Component: &sitrep.Component{ID: string(rune('a' + i))}, Status: s}
	}
	return out
}

func TestOverall(t *testing.T) {
	op, mt, dg, po, mo := sitrep.StatusOperational, sitrep.StatusUnderMaintenance, sitrep.StatusDegraded, sitrep.StatusPartialOutage, sitrep.StatusMajorOutage
	inc := func(i sitrep.Impact, s sitrep.IncidentStatus) *sitrep.Incident {
		return &sitrep.Incident{Impact: i, Status: s}
	}
	tests := []struct {
		name  string
		views []ComponentView
		incs  []*sitrep.Incident
		ind   Indicator
		desc  string
	}{
		{"all operational", views(op, op), nil, IndicatorNone, "All Systems Operational"},
		{"no components", nil, nil, IndicatorNone, "All Systems Operational"},
		{"maintenance", views(op, mt), nil, IndicatorNone, "Service Under Maintenance"},
		{"some degraded", views(op, dg), nil, IndicatorMinor, "Partially Degraded Service"},
		{"all degraded", views(dg, dg), nil, IndicatorMinor, "Degraded System Service"},
		{"partial outage", views(op, po, dg), nil, IndicatorMinor, "Minor Service Outage"},
		{"one major outage", views(op, mo, dg), nil, IndicatorMajor, "Partial System Outage"},
		{"all major outage", views(mo, mo), nil, IndicatorCritical, "Major System Outage"},
		{"open incident raises the indicator", views(op, op), []*sitrep.Incident{inc(sitrep.ImpactMajor, sitrep.IncidentInvestigating)}, IndicatorMajor, "Partial System Outage"},
		{"monitoring incident does not", views(op, dg), []*sitrep.Incident{inc(sitrep.ImpactMajor, sitrep.IncidentMonitoring)}, IndicatorMinor, "Partially Degraded Service"},
		{"resolved incident does not", views(op, op), []*sitrep.Incident{inc(sitrep.ImpactCritical, sitrep.IncidentResolved)}, IndicatorNone, "All Systems Operational"},
		{"lower impact keeps the component description", views(op, mo), []*sitrep.Incident{inc(sitrep.ImpactMinor, sitrep.IncidentIdentified)}, IndicatorMajor, "Partial System Outage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Overall(tt.views, tt.incs)
			if b.Indicator != tt.ind || b.Description != tt.desc {
				t.Errorf("Overall = %s %q, want %s %q", b.Indicator, b.Description, tt.ind, tt.desc)
			}
		})
	}
}

func TestGroups(t *testing.T) {
	p := &sitrep.Page{Groups: []string{"Oslo data centre", "US data centre", "Empty"}}
	vs := []ComponentView{
		{Component: &sitrep.Component{ID: "courses-oslo", Group: "Oslo data centre"}, Status: sitrep.StatusMajorOutage},
		{Component: &sitrep.Component{ID: "messaging-oslo", Group: "Oslo data centre"}, Status: sitrep.StatusDegraded},
		{Component: &sitrep.Component{ID: "courses-us", Group: "US data centre"}, Status: sitrep.StatusDegraded},
		{Component: &sitrep.Component{ID: "intranet", Group: "Elsewhere"}, Status: sitrep.StatusMajorOutage},
	}
	gs := Groups(p, vs)
	want := []struct {
		name   string
		status sitrep.ComponentStatus
		n      int
	}{
		{"Oslo data centre", sitrep.StatusMajorOutage, 2},
		{"US data centre", sitrep.StatusDegraded, 1},
		{"Empty", sitrep.StatusOperational, 0},
	}
	if len(gs) != len(want) {
		t.Fatalf("got %d groups", len(gs))
	}
	for i, w := range want {
		if gs[i].Name != w.name || gs[i].Status != w.status || len(gs[i].Components) != w.n {
			t.Errorf("group %d = %s %s %d, want %+v", i, gs[i].Name, gs[i].Status, len(gs[i].Components), w)
		}
	}
	if n := len(PageViews(p, vs)); n != 3 {
		t.Errorf("PageViews: %d, want 3", n)
	}
}
