package incident

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sitrep"
)

var now = time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)

func catalog() Catalog {
	return NewCatalog([]sitrep.Component{
		{ID: "courses-oslo", Name: "Courses", Group: "Oslo data centre", Monitors: []string{"courses-web-oslo", "db-oslo"}},
		{ID: "messaging-oslo", Name: "Real-time messaging", Group: "Oslo data centre", Monitors: []string{"ws-oslo"}},
		{ID: "courses-us", Name: "Courses", Group: "US data centre", Monitors: []string{"courses-web-us"}},
	})
}

// wantError checks that err is an EINVALID *sitrep.Error blaming field whose
// message contains every part of want.
func wantError(t *testing.T, err error, field string, want ...string) {
	t.Helper()
	var e *sitrep.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *sitrep.Error", err)
	}
	if e.Code != sitrep.EINVALID || e.Field != field {
		t.Errorf("code %s field %q, want invalid %q (%v)", e.Code, e.Field, field, err)
	}
	for _, w := range want {
		if !strings.Contains(e.Message, w) {
			t.Errorf("message %q does not mention %q", e.Message, w)
		}
	}
}

func TestCheckTransition(t *testing.T) {
	inv, idf, mon, res := sitrep.IncidentInvestigating, sitrep.IncidentIdentified, sitrep.IncidentMonitoring, sitrep.IncidentResolved
	tests := []struct {
		from, to sitrep.IncidentStatus
		ok       bool
	}{
		{inv, idf, true}, {idf, mon, true}, {mon, res, true}, {inv, res, true},
		{mon, inv, true}, // a fix that did not hold
		{res, inv, false}, {res, mon, false}, {res, res, true},
		{inv, "fixed", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"→"+string(tt.to), func(t *testing.T) {
			err := CheckTransition(tt.from, tt.to)
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				wantError(t, err, "status")
			}
		})
	}
	wantError(t, CheckTransition(inv, "fixed"), "status", "investigating, identified, monitoring, resolved")
}

func TestNewIncidentRejects(t *testing.T) {
	good := sitrep.IncidentInput{Title: "Courses down", Message: "We are investigating.", Components: map[string]sitrep.ComponentStatus{"courses-oslo": sitrep.StatusMajorOutage}}
	tests := []struct {
		name  string
		edit  func(*sitrep.IncidentInput)
		field string
		want  []string
	}{
		{"no title", func(in *sitrep.IncidentInput) { in.Title = "  " }, "title", []string{"required"}},
		{"long title", func(in *sitrep.IncidentInput) { in.Title = strings.Repeat("x", 256) }, "title", []string{"256", "255"}},
		{"bad impact", func(in *sitrep.IncidentInput) { in.Impact = "huge" }, "impact", []string{`"huge"`, "none, minor, major, critical"}},
		{"bad status", func(in *sitrep.IncidentInput) { in.Status = "open" }, "status", []string{"investigating, identified"}},
		{"unknown component", func(in *sitrep.IncidentInput) { in.Components = map[string]sitrep.ComponentStatus{"video": ""} }, "components", []string{`"video"`, "courses-oslo, courses-us, messaging-oslo"}},
		{"bad component status", func(in *sitrep.IncidentInput) {
			in.Components = map[string]sitrep.ComponentStatus{"courses-us": "down"}
		}, "components.courses-us", []string{"operational, under_maintenance, degraded_performance, partial_outage, major_outage"}},
		{"no message", func(in *sitrep.IncidentInput) { in.Message = "" }, "message", []string{"required"}},
		{"future", func(in *sitrep.IncidentInput) { in.At = now.Add(time.Hour) }, "at", []string{"future"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good
			tt.edit(&in)
			_, err := NewIncident(in, catalog(), now)
			wantError(t, err, tt.field, tt.want...)
		})
	}
}

func TestNewIncident(t *testing.T) {
	back := now.Add(-2 * time.Hour)
	inc, err := NewIncident(sitrep.IncidentInput{
		Title: " Courses slow ", Message: "Looking into it.", Author: "kari", At: back,
		Components: map[string]sitrep.ComponentStatus{"courses-us": sitrep.StatusDegraded, "courses-oslo": ""},
	}, catalog(), now)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Title != "Courses slow" || inc.Status != sitrep.IncidentInvestigating || inc.Automatic {
		t.Errorf("incident %+v", inc)
	}
	// A component named without a status is taken to be down; impact follows
	// the worst status.
	if inc.Components[0] != (sitrep.AffectedComponent{ComponentID: "courses-oslo", Status: sitrep.StatusMajorOutage}) || inc.Impact != sitrep.ImpactMajor {
		t.Errorf("components %v impact %s", inc.Components, inc.Impact)
	}
	u := inc.Updates[0]
	if !u.Public || !u.At.Equal(back) || !u.CreatedAt.Equal(now) || !inc.StartedAt.Equal(back) {
		t.Errorf("first update %+v started %v", u, inc.StartedAt)
	}
}

func TestApplyUpdate(t *testing.T) {
	open := func() *sitrep.Incident {
		return &sitrep.Incident{ID: "i1", Title: "Courses down", Status: sitrep.IncidentInvestigating, Automatic: true,
			Components: []sitrep.AffectedComponent{{ComponentID: "courses-oslo", Status: sitrep.StatusPartialOutage}}}
	}
	later := now.Add(10 * time.Minute)
	tests := []struct {
		name  string
		inc   func() *sitrep.Incident
		in    sitrep.IncidentUpdateInput
		check func(*testing.T, *sitrep.Incident)
		field string
	}{
		{"a person's update takes an automatic incident over", open,
			sitrep.IncidentUpdateInput{Status: sitrep.IncidentIdentified, Message: "Disk full.", Author: "kari"},
			func(t *testing.T, inc *sitrep.Incident) {
				if !inc.TakenOver || inc.Status != sitrep.IncidentIdentified || len(inc.Updates) != 1 {
					t.Errorf("%+v", inc)
				}
			}, ""},
		{"automation's own update does not", open,
			sitrep.IncidentUpdateInput{Message: "Still looking.", Author: sitrep.AutomationAuthor},
			func(t *testing.T, inc *sitrep.Incident) {
				if inc.TakenOver {
					t.Error("taken over")
				}
			}, ""},
		{"a status change without message gets the default text", open,
			sitrep.IncidentUpdateInput{Status: sitrep.IncidentMonitoring, Author: "kari"},
			func(t *testing.T, inc *sitrep.Incident) {
				if inc.Updates[0].Message != DefaultMessages[sitrep.IncidentMonitoring] || !inc.MonitoringAt.Equal(later) {
					t.Errorf("%+v", inc)
				}
			}, ""},
		{"components merge and the change is on the update", open,
			sitrep.IncidentUpdateInput{Message: "Messaging too.", Author: "kari",
				Components: map[string]sitrep.ComponentStatus{"messaging-oslo": sitrep.StatusDegraded, "courses-oslo": sitrep.StatusMajorOutage}},
			func(t *testing.T, inc *sitrep.Incident) {
				if len(inc.Components) != 2 || inc.Components[0].Status != sitrep.StatusMajorOutage || len(inc.Updates[0].Components) != 2 {
					t.Errorf("%+v", inc.Components)
				}
			}, ""},
		{"internal note", open,
			sitrep.IncidentUpdateInput{Message: "Vendor called.", Internal: true, Author: "kari"},
			func(t *testing.T, inc *sitrep.Incident) {
				if inc.Updates[0].Public {
					t.Error("public")
				}
			}, ""},
		{"resolve", open,
			sitrep.IncidentUpdateInput{Status: sitrep.IncidentResolved, Author: "kari"},
			func(t *testing.T, inc *sitrep.Incident) {
				if inc.Open() || !inc.ResolvedAt.Equal(later) {
					t.Errorf("%+v", inc)
				}
			}, ""},
		{"nothing to say", open, sitrep.IncidentUpdateInput{Author: "kari"}, nil, "message"},
		{"reopen", func() *sitrep.Incident { i := open(); i.Status = sitrep.IncidentResolved; return i },
			sitrep.IncidentUpdateInput{Status: sitrep.IncidentInvestigating, Message: "Again"}, nil, "status"},
		{"bad impact", open, sitrep.IncidentUpdateInput{Impact: "meh", Message: "x"}, nil, "impact"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc := tt.inc()
			err := ApplyUpdate(inc, tt.in, catalog(), later)
			if tt.field != "" {
				wantError(t, err, tt.field)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, inc)
		})
	}
}

func TestSetPostmortem(t *testing.T) {
	due := now.Add(14 * 24 * time.Hour)
	resolved := func() *sitrep.Incident {
		return &sitrep.Incident{ID: "i1", Status: sitrep.IncidentResolved}
	}
	good := sitrep.Postmortem{Summary: "Disk full.", RootCause: "Logs.", Published: true,
		ActionItems: []sitrep.ActionItem{{Title: "Disk forecast alert", Owner: "ola", Due: due}}}
	tests := []struct {
		name  string
		inc   *sitrep.Incident
		pm    func(sitrep.Postmortem) sitrep.Postmortem
		field string
	}{
		{"ok", resolved(), func(p sitrep.Postmortem) sitrep.Postmortem { return p }, ""},
		{"open incident", &sitrep.Incident{Status: sitrep.IncidentMonitoring}, func(p sitrep.Postmortem) sitrep.Postmortem { return p }, "status"},
		{"no summary", resolved(), func(p sitrep.Postmortem) sitrep.Postmortem { p.Summary = ""; return p }, "summary"},
		{"no owner", resolved(), func(p sitrep.Postmortem) sitrep.Postmortem {
			p.ActionItems = []sitrep.ActionItem{{Title: "x", Due: due}}
			return p
		}, "action_items[0].owner"},
		{"no due date", resolved(), func(p sitrep.Postmortem) sitrep.Postmortem {
			p.ActionItems = []sitrep.ActionItem{{Title: "x", Owner: "ola"}}
			return p
		}, "action_items[0].due"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := SetPostmortem(tt.inc, tt.pm(good), now)
			if tt.field != "" {
				wantError(t, err, tt.field)
				return
			}
			if err != nil || !tt.inc.Postmortem.PublishedAt.Equal(now) {
				t.Fatalf("err %v pm %+v", err, tt.inc.Postmortem)
			}
			// Editing a published postmortem keeps its publication time.
			if err := SetPostmortem(tt.inc, good, now.Add(time.Hour)); err != nil || !tt.inc.Postmortem.PublishedAt.Equal(now) {
				t.Errorf("republish: %v %v", err, tt.inc.Postmortem.PublishedAt)
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	inc := &sitrep.Incident{
		FirstFailedAt: now.Add(-3 * time.Minute), DetectedAt: now, CreatedAt: now, ResolvedAt: now.Add(57 * time.Minute),
		Updates: []sitrep.IncidentUpdate{
			{Public: false, CreatedAt: now},
			// Back-dated for display, but customers saw it at CreatedAt.
			{Public: true, At: now.Add(-time.Hour), CreatedAt: now.Add(5 * time.Minute)},
		},
	}
	m := inc.Metrics()
	if m.TimeToDetect != 3*time.Minute || m.TimeToFirstUpdate != 8*time.Minute || m.TimeToResolve != time.Hour || m.DetectToFirstUpdate != 5*time.Minute {
		t.Errorf("%+v", m)
	}
}

// TestResolveHandsComponentsBack: resolving returns the affected components
// to operational unless the responder names their statuses.
func TestResolveHandsComponentsBack(t *testing.T) {
	now := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
	open := func() *sitrep.Incident {
		inc, err := NewIncident(sitrep.IncidentInput{Title: "Courses down", Impact: sitrep.ImpactMajor, Message: "Looking.",
			Components: map[string]sitrep.ComponentStatus{"courses-oslo": sitrep.StatusMajorOutage}}, catalog(), now)
		if err != nil {
			t.Fatal(err)
		}
		return inc
	}
	tests := []struct {
		name string
		in   sitrep.IncidentUpdateInput
		want sitrep.ComponentStatus
	}{
		{"default", sitrep.IncidentUpdateInput{Message: "Fixed."}, sitrep.StatusOperational},
		{"explicit", sitrep.IncidentUpdateInput{Message: "Mostly fixed.", Components: map[string]sitrep.ComponentStatus{"courses-oslo": sitrep.StatusDegraded}}, sitrep.StatusDegraded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc := open()
			if err := Resolve(inc, tt.in, catalog(), now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if len(inc.Components) != 1 || inc.Components[0].Status != tt.want {
				t.Errorf("components after resolve = %+v, want courses-oslo %s", inc.Components, tt.want)
			}
			last := inc.Updates[len(inc.Updates)-1]
			if last.Status != sitrep.IncidentResolved {
				t.Errorf("last update %+v is not the resolution", last)
			}
		})
	}
}
