package sitrep

import (
	"fmt"
	"testing"
	"time"
)

func kinds(events []Event) string {
	s := make([]string, len(events))
	for i, e := range events {
		s[i] = string(e.Kind) + "/" + e.UpdateID
	}
	return fmt.Sprint(s)
}

func TestIncidentEvents(t *testing.T) {
	at := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
	up := func(id string, st IncidentStatus, public bool) IncidentUpdate {
		return IncidentUpdate{ID: id, Status: st, Public: public, CreatedAt: at}
	}
	inc := func(pm *Postmortem, us ...IncidentUpdate) *Incident {
		return &Incident{ID: "i1", Updates: us, Postmortem: pm, Components: []AffectedComponent{{ComponentID: "courses"}}}
	}
	tests := []struct {
		name     string
		old, new *Incident
		want     string
	}{
		{"opened with a public update", nil, inc(nil, up("u1", IncidentInvestigating, true)), "[incident.opened/u1]"},
		{"opened with an internal note only", nil, inc(nil, up("u1", IncidentInvestigating, false)), "[]"},
		{"first public update after internal notes opens it",
			inc(nil, up("u1", IncidentInvestigating, false)),
			inc(nil, up("u1", IncidentInvestigating, false), up("u2", IncidentIdentified, true)), "[incident.opened/u2]"},
		{"an update", inc(nil, up("u1", IncidentInvestigating, true)),
			inc(nil, up("u1", IncidentInvestigating, true), up("u2", IncidentMonitoring, true)), "[incident.updated/u2]"},
		{"a nudge is internal", inc(nil, up("u1", IncidentInvestigating, true)),
			inc(nil, up("u1", IncidentInvestigating, true), up("n1", IncidentInvestigating, false)), "[]"},
		{"resolved", inc(nil, up("u1", IncidentInvestigating, true)),
			inc(nil, up("u1", IncidentInvestigating, true), up("u2", IncidentResolved, true)), "[incident.resolved/u2]"},
		{"postmortem published", inc(&Postmortem{}, up("u1", IncidentResolved, true)),
			inc(&Postmortem{Published: true}, up("u1", IncidentResolved, true)), "[postmortem.published/]"},
		{"postmortem edited after publishing", inc(&Postmortem{Published: true}, up("u1", IncidentResolved, true)),
			inc(&Postmortem{Published: true, Summary: "more"}, up("u1", IncidentResolved, true)), "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := IncidentEvents(tt.old, tt.new)
			if kinds(got) != tt.want {
				t.Fatalf("events %s, want %s", kinds(got), tt.want)
			}
			for _, e := range got {
				if e.IncidentID != "i1" || e.OrderKey != "incident:i1" || len(e.Components) != 1 {
					t.Errorf("event %+v lacks its subject, order key or components", e)
				}
			}
		})
	}
}

func TestMaintenanceEvents(t *testing.T) {
	end := time.Date(2026, 11, 22, 5, 0, 0, 0, time.UTC)
	m := func(st MaintenanceStatus, f func(*Maintenance)) *Maintenance {
		w := &Maintenance{ID: "m1", Status: st, PlannedEnd: end, Components: []string{"courses"}}
		if f != nil {
			f(w)
		}
		return w
	}
	tests := []struct {
		name     string
		old, new *Maintenance
		want     string
	}{
		{"scheduled", nil, m(MaintenanceScheduled, nil), "[maintenance.scheduled/]"},
		{"reminder", m(MaintenanceScheduled, nil), m(MaintenanceScheduled, func(w *Maintenance) { w.RemindersSent = []time.Duration{time.Hour} }), "[maintenance.reminder/]"},
		{"started", m(MaintenanceScheduled, nil), m(MaintenanceInProgress, nil), "[maintenance.started/]"},
		{"extended", m(MaintenanceInProgress, nil), m(MaintenanceInProgress, func(w *Maintenance) { w.PlannedEnd = end.Add(time.Hour) }), "[maintenance.extended/]"},
		{"overrun", m(MaintenanceInProgress, nil), m(MaintenanceInProgress, func(w *Maintenance) { w.Overrun = true }), "[maintenance.overrun/]"},
		{"completed", m(MaintenanceInProgress, nil), m(MaintenanceCompleted, nil), "[maintenance.completed/]"},
		{"nothing new", m(MaintenanceInProgress, nil), m(MaintenanceInProgress, nil), "[]"},
		{"rescheduled: start moved", m(MaintenanceScheduled, nil),
			m(MaintenanceScheduled, func(w *Maintenance) { w.PlannedStart = end.Add(-time.Hour) }), "[maintenance.rescheduled/]"},
		{"rescheduled: end moved before the start", m(MaintenanceScheduled, nil),
			m(MaintenanceScheduled, func(w *Maintenance) { w.PlannedEnd = end.Add(-time.Minute) }), "[maintenance.rescheduled/]"},
		{"rescheduled with a message", m(MaintenanceScheduled, func(w *Maintenance) { w.Updates = []MaintenanceUpdate{{ID: "u1", Public: true}} }),
			m(MaintenanceScheduled, func(w *Maintenance) {
				w.PlannedEnd = end.Add(24 * time.Hour)
				w.Updates = []MaintenanceUpdate{{ID: "u1", Public: true}, {ID: "u2", Public: true}, {ID: "n3"}}
			}), "[maintenance.rescheduled/u2]"},
		{"started and extended at once", m(MaintenanceScheduled, nil),
			m(MaintenanceInProgress, func(w *Maintenance) { w.PlannedEnd = end.Add(time.Hour) }), "[maintenance.started/ maintenance.extended/]"},
		{"quiet correction of a scheduled window", m(MaintenanceScheduled, nil), m(MaintenanceScheduled, func(w *Maintenance) {
			w.Title, w.Description, w.Components = "Better title", "Better words", []string{"courses", "video"}
		}), "[]"},
		{"quiet correction of a running window", m(MaintenanceInProgress, nil), m(MaintenanceInProgress, func(w *Maintenance) {
			w.Title, w.Components = "Better title", []string{"video"}
		}), "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kinds(MaintenanceEvents(tt.old, tt.new)); got != tt.want {
				t.Errorf("events %s, want %s", got, tt.want)
			}
		})
	}
}
