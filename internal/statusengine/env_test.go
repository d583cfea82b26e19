package statusengine

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/clock"
	"sitrep/internal/incident"
)

// t0 is a Sunday evening in Oslo, like the first outage story.
var t0 = time.Date(2026, 11, 22, 17, 0, 0, 0, time.UTC)

type env struct {
	t       *testing.T
	ctx     context.Context
	clock   *clock.Manual
	incs    *memIncidents
	mnts    *memMaintenances
	mons    *fakeMonitors
	rollups *fakeRollups
	eng     *Engine
	oslo    *time.Location
	logs    *bytes.Buffer

	mu      sync.Mutex
	actions []incident.Action
	metrics []sitrep.IncidentMetrics
}

func storyCatalog(t testing.TB) (Catalog, *time.Location) {
	t.Helper()
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	return Catalog{
		Components: []sitrep.Component{
			{ID: "courses-oslo", Name: "Courses", Group: "Oslo data centre", Monitors: []string{"courses-web-oslo", "db-oslo"}},
			{ID: "messaging-oslo", Name: "Real-time messaging", Group: "Oslo data centre", Monitors: []string{"ws-oslo"}},
			{ID: "exams-oslo", Name: "Exams", Group: "Oslo data centre", Monitors: []string{"exams-oslo"}, HiddenUntilDegraded: true},
			{ID: "courses-us", Name: "Courses", Group: "US data centre", Monitors: []string{"courses-web-us"}},
		},
		Pages: []sitrep.Page{
			{Slug: "main", Title: "Example Learning status", Groups: []string{"Oslo data centre", "US data centre"}, TimeZone: "Europe/Oslo", Location: oslo},
			{Slug: "us", Title: "Example Learning US", Groups: []string{"US data centre"}, CustomDomain: "status.us.example"},
		},
		Automation: sitrep.DefaultIncidentAutomation(),
		PublicURL:  "https://status.example.com",
	}, oslo
}

// newEnv starts an engine on the story catalog; setup runs before Start.
func newEnv(t *testing.T, setup ...func(*env)) *env {
	t.Helper()
	cat, oslo := storyCatalog(t)
	e := &env{
		t: t, ctx: context.Background(), clock: clock.NewManual(t0), oslo: oslo,
		incs: newMemIncidents(), mnts: newMemMaintenances(),
		mons:    newFakeMonitors("courses-web-oslo", "db-oslo", "ws-oslo", "exams-oslo", "courses-web-us"),
		rollups: newFakeRollups(), logs: &bytes.Buffer{},
	}
	eng, err := New(Options{
		Incidents: e.incs, Maintenances: e.mnts, Monitors: e.mons, Rollups: e.rollups, Clock: e.clock,
		Logger: slog.New(slog.NewTextHandler(e.logs, nil)),
		OnAction: func(a incident.Action) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.actions = append(e.actions, a)
		},
		OnIncidentMetrics: func(m sitrep.IncidentMetrics) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.metrics = append(e.metrics, m)
		},
	}, cat)
	if err != nil {
		t.Fatal(err)
	}
	e.eng = eng
	for _, f := range setup {
		f(e)
	}
	if err := eng.Start(e.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := eng.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return e
}

// at moves the clock to t0+d and evaluates, as a tick would.
func (e *env) at(d time.Duration) {
	e.clock.Set(t0.Add(d))
	e.eng.Refresh(e.ctx)
}

func (e *env) page(host, slug string) *sitrep.StatusPage {
	e.t.Helper()
	p, err := e.eng.PageFor(e.ctx, host, slug)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) down(ids ...string) {
	for _, id := range ids {
		e.mons.set(id, sitrep.StateDown, e.clock.Now())
	}
}

func (e *env) up(ids ...string) {
	for _, id := range ids {
		e.mons.set(id, sitrep.StateUp, e.clock.Now())
	}
}

func (e *env) onlyIncident() *sitrep.Incident {
	e.t.Helper()
	incs, _, err := e.incs.FindIncidents(e.ctx, sitrep.IncidentFilter{})
	if err != nil || len(incs) != 1 {
		e.t.Fatalf("want one incident, have %d (%v)", len(incs), err)
	}
	return incs[0]
}

func (e *env) actionsOf(kind string) []incident.Action {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []incident.Action
	for _, a := range e.actions {
		if strings.Contains(strings.ToLower(typeName(a)), kind) {
			out = append(out, a)
		}
	}
	return out
}

func typeName(a incident.Action) string {
	switch a.(type) {
	case incident.OpenIncident:
		return "OpenIncident"
	case incident.UpdateIncident:
		return "UpdateIncident"
	case incident.Nudge:
		return "Nudge"
	case incident.RemindMaintenance:
		return "RemindMaintenance"
	case incident.StartMaintenance:
		return "StartMaintenance"
	case incident.CompleteMaintenance:
		return "CompleteMaintenance"
	case incident.OverrunMaintenance:
		return "OverrunMaintenance"
	}
	return "other"
}

// snapshotJSON is everything a snapshot would show anyone.
func snapshotJSON(t testing.TB, p *sitrep.StatusPage) string {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	sb.Write(b)
	for _, doc := range p.APIv2 {
		sb.Write(doc)
	}
	return sb.String()
}

func component(p *sitrep.StatusPage, id string) *sitrep.PageComponent {
	for gi := range p.Groups {
		for ci := range p.Groups[gi].Components {
			if c := &p.Groups[gi].Components[ci]; c.ID == id {
				return c
			}
		}
	}
	return nil
}
