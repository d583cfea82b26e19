package sitrep

import (
	"slices"
	"testing"
	"time"
)

func TestNewPublicIncident(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 11, 22, h, 0, 0, 0, time.UTC) }
	inc := &Incident{
		ID: "i", Title: "T", Impact: ImpactMajor, Status: IncidentResolved, CreatedAt: at(10), ResolvedAt: at(12),
		Components: []AffectedComponent{{ComponentID: "a", Status: StatusMajorOutage}, {ComponentID: "other-page", Status: StatusMajorOutage}},
		Updates: []IncidentUpdate{
			{ID: "1", Status: IncidentInvestigating, Public: true, At: at(10), Message: "first"},
			{ID: "2", Status: IncidentInvestigating, Public: false, At: at(11), Message: "internal note"},
			{ID: "3", Status: IncidentResolved, Public: true, At: at(12), Message: "fixed"},
			{ID: "4", Status: IncidentIdentified, Public: true, At: at(11), Message: "back-dated write-up"},
		},
		Postmortem: &Postmortem{Summary: "s", Published: true, Author: "kari",
			ActionItems: []ActionItem{{Title: "fix", Owner: "ola", Due: at(20)}}},
	}
	name := func(id string) string {
		if id == "a" {
			return "Component A"
		}
		return ""
	}
	p := NewPublicIncident(inc, name)
	var got []string
	for _, u := range p.Updates {
		got = append(got, u.ID)
	}
	if want := []string{"3", "4", "1"}; !slices.Equal(got, want) {
		t.Errorf("updates %v, want %v (public only, newest display time first)", got, want)
	}
	if len(p.Components) != 1 || p.Components[0].Name != "Component A" {
		t.Errorf("components %+v, want only the page's", p.Components)
	}
	if !p.StartedAt.Equal(at(10)) {
		t.Errorf("StartedAt %v, want CreatedAt when unset", p.StartedAt)
	}
	if p.Postmortem == nil || p.Postmortem.ActionItems[0].Title != "fix" {
		t.Fatalf("published postmortem missing: %+v", p.Postmortem)
	}

	inc.Postmortem.Published = false
	if NewPublicIncident(inc, name).Postmortem != nil {
		t.Error("unpublished postmortem is public")
	}
}

func TestNewPublicMaintenance(t *testing.T) {
	m := &Maintenance{ID: "m", Components: []string{"a", "b"}, Updates: []MaintenanceUpdate{
		{ID: "1", Public: true, Message: "announced"}, {ID: "2", Public: false, Message: "internal"}}}
	p := NewPublicMaintenance(m, func(id string) string {
		if id == "a" {
			return "A"
		}
		return ""
	})
	if len(p.Updates) != 1 || p.Updates[0].ID != "1" {
		t.Errorf("updates %+v, want the public one", p.Updates)
	}
	if len(p.Components) != 1 || p.Components[0].Status != StatusUnderMaintenance {
		t.Errorf("components %+v", p.Components)
	}
}

func TestHistoryByMonth(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skip(err)
	}
	// 23:30 UTC on 31 October is 1 November in Oslo.
	late := &PublicIncident{ID: "late", StartedAt: time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC)}
	early := &PublicIncident{ID: "early", StartedAt: time.Date(2026, 10, 5, 12, 0, 0, 0, time.UTC)}
	nov := &PublicIncident{ID: "nov", StartedAt: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	m := &PublicMaintenance{ID: "m", PlannedStart: time.Date(2026, 10, 10, 0, 0, 0, 0, time.UTC)}
	h := HistoryByMonth([]*PublicIncident{early, late, nov}, []*PublicMaintenance{m}, oslo)
	if len(h) != 2 {
		t.Fatalf("%d months, want 2", len(h))
	}
	if h[0].Month.Month() != time.November || len(h[0].Incidents) != 2 || h[0].Incidents[0].ID != "nov" || h[0].Incidents[1].ID != "late" {
		t.Errorf("November: %+v", h[0])
	}
	if h[1].Month.Month() != time.October || len(h[1].Incidents) != 1 || len(h[1].Maintenances) != 1 {
		t.Errorf("October: %+v", h[1])
	}
}
