package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/web"
)

var cliNow = time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)

// fakeRecords is an in-memory IncidentService and MaintenanceService that
// remembers the last input and filter it was given.
type fakeRecords struct {
	mu           sync.Mutex
	incidents    []*sitrep.Incident
	maintenances []*sitrep.Maintenance
	last         any
	filter       any
}

func newFakeRecords() *fakeRecords {
	return &fakeRecords{
		incidents: []*sitrep.Incident{
			{ID: "inc-1", Title: "Courses down in Oslo", Impact: sitrep.ImpactMajor, Status: sitrep.IncidentIdentified,
				Components: []sitrep.AffectedComponent{{ComponentID: "courses-oslo", Status: sitrep.StatusMajorOutage}},
				CreatedAt:  cliNow, StartedAt: cliNow.Add(-5 * time.Minute), FirstFailedAt: cliNow.Add(-6 * time.Minute), DetectedAt: cliNow.Add(-2 * time.Minute),
				Updates: []sitrep.IncidentUpdate{
					{ID: "u1", Status: sitrep.IncidentInvestigating, Message: "Looking into it", Public: true, At: cliNow, CreatedAt: cliNow.Add(time.Minute), Author: "sitrep"},
					{ID: "u2", Status: sitrep.IncidentIdentified, Message: "Vendor paged", Public: false, At: cliNow.Add(10 * time.Minute), CreatedAt: cliNow.Add(10 * time.Minute), Author: "admin-token"},
				}},
			{ID: "inc-0", Title: "Slow exams", Impact: sitrep.ImpactMinor, Status: sitrep.IncidentResolved, CreatedAt: cliNow.AddDate(0, 0, -3),
				ResolvedAt: cliNow.AddDate(0, 0, -3).Add(time.Hour)},
		},
		maintenances: []*sitrep.Maintenance{
			{ID: "mnt-1", Title: "Replace controller", Components: []string{"courses-oslo"}, Status: sitrep.MaintenanceScheduled,
				PlannedStart: cliNow.Add(5 * time.Hour), PlannedEnd: cliNow.Add(8 * time.Hour)},
		},
	}
}

func (f *fakeRecords) find(id string) (*sitrep.Incident, error) {
	for _, inc := range f.incidents {
		if inc.ID == id {
			return inc, nil
		}
	}
	return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no such incident")
}

func (f *fakeRecords) OpenIncident(_ context.Context, in sitrep.IncidentInput) (*sitrep.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = in
	var comps []sitrep.AffectedComponent
	for id, st := range in.Components {
		comps = append(comps, sitrep.AffectedComponent{ComponentID: id, Status: st})
	}
	sort.Slice(comps, func(i, j int) bool { return comps[i].ComponentID < comps[j].ComponentID })
	inc := &sitrep.Incident{ID: fmt.Sprintf("new-%d", len(f.incidents)), Title: in.Title, Impact: in.Impact, Status: in.Status,
		Components: comps, CreatedAt: cliNow, StartedAt: cliNow,
		Updates: []sitrep.IncidentUpdate{{ID: "n1", Status: in.Status, Message: in.Message, Public: !in.Internal, At: cliNow, CreatedAt: cliNow, Author: in.Author}}}
	f.incidents = append([]*sitrep.Incident{inc}, f.incidents...)
	return inc, nil
}

func (f *fakeRecords) UpdateIncident(_ context.Context, id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = in
	return f.find(id)
}

func (f *fakeRecords) ResolveIncident(_ context.Context, id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = in
	inc, err := f.find(id)
	if err != nil {
		return nil, err
	}
	if !inc.Open() {
		return nil, sitrep.Errorf(sitrep.ECONFLICT, "incident %s is already resolved", id)
	}
	return inc, nil
}

func (f *fakeRecords) SetPostmortem(_ context.Context, id string, pm sitrep.Postmortem) (*sitrep.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = pm
	return f.find(id)
}

func (f *fakeRecords) Incident(_ context.Context, id string) (*sitrep.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.find(id)
}

func (f *fakeRecords) FindIncidents(_ context.Context, flt sitrep.IncidentFilter) ([]*sitrep.Incident, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filter = flt
	var out []*sitrep.Incident
	for _, inc := range f.incidents {
		if flt.Open == nil || inc.Open() == *flt.Open {
			out = append(out, inc)
		}
	}
	return out, len(out), nil
}

func (f *fakeRecords) ScheduleMaintenance(_ context.Context, in sitrep.MaintenanceInput) (*sitrep.Maintenance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = in
	m := &sitrep.Maintenance{ID: "mnt-new", Title: in.Title, Components: in.Components, PlannedStart: in.Start, PlannedEnd: in.End,
		Status: sitrep.MaintenanceScheduled, Recurrence: in.Recurrence}
	f.maintenances = append(f.maintenances, m)
	return m, nil
}

func (f *fakeRecords) UpdateMaintenance(_ context.Context, id string, in sitrep.MaintenanceUpdateInput) (*sitrep.Maintenance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = in
	for _, m := range f.maintenances {
		if m.ID == id {
			if in.Status != "" {
				m.Status = in.Status
			}
			return m, nil
		}
	}
	return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no such maintenance")
}

func (f *fakeRecords) Maintenance(_ context.Context, id string) (*sitrep.Maintenance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.maintenances {
		if m.ID == id {
			return m, nil
		}
	}
	return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no such maintenance")
}

func (f *fakeRecords) FindMaintenances(_ context.Context, flt sitrep.MaintenanceFilter) ([]*sitrep.Maintenance, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filter = flt
	return f.maintenances, len(f.maintenances), nil
}

func (f *fakeRecords) lastInput() any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

func (f *fakeRecords) lastFilter() any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.filter
}

const cliToken = "cli-admin-token"

// startRecordsServer runs a real web.Server over fakes and points the CLI's
// environment at it.
func startRecordsServer(t *testing.T) *fakeRecords {
	t.Helper()
	f := newFakeRecords()
	srv := web.New(web.Options{Incidents: f, Maintenances: f, Auth: web.TokenAuthenticator{Hash: web.HashToken(cliToken)},
		Now: func() time.Time { return cliNow }})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	t.Setenv("SITREP_URL", ts.URL)
	t.Setenv("SITREP_TOKEN", cliToken)
	return f
}

func TestIncidentCommands(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		code       int
		stdout     []string // substrings
		stderr     string   // exact, when set
		wantInput  any
		wantFilter any
	}{
		{name: "open", args: []string{"incident", "open", "--title", "Courses down", "--impact", "major", "--component", "courses-oslo",
			"--component", "messaging-oslo=degraded_performance", "--message", "We are investigating."},
			stdout: []string{"Incident new-2: Courses down", "status:     investigating, impact major",
				"components: courses-oslo=major_outage, messaging-oslo=degraded_performance", "We are investigating."},
			wantInput: sitrep.IncidentInput{Title: "Courses down", Impact: sitrep.ImpactMajor, Status: sitrep.IncidentInvestigating,
				Message: "We are investigating.", Author: web.AdminTokenName,
				Components: map[string]sitrep.ComponentStatus{"courses-oslo": sitrep.StatusMajorOutage, "messaging-oslo": sitrep.StatusDegraded}}},
		{name: "open without title shows the server's message", args: []string{"incident", "open", "--message", "m"}, code: 1,
			stderr: "sitrep incident: title: is required, e.g. \"Courses are down in Oslo\"\n"},
		{name: "open without token", args: []string{"incident", "open", "--title", "t"}, env: map[string]string{"SITREP_TOKEN": ""}, code: 1,
			stderr: "sitrep incident: no API token: set SITREP_TOKEN to the admin token printed at first start, or SITREP_ADMIN_TOKEN on the server (or pass --token)\n"},
		{name: "wrong token", args: []string{"incident", "list", "--token", "wrong"}, code: 1,
			stderr: "sitrep incident: invalid or expired token; send Authorization: Bearer TOKEN with the admin token printed at first start (or set with SITREP_ADMIN_TOKEN on the server)\n"},
		{name: "bad component status", args: []string{"incident", "open", "--title", "t", "--component", "courses-oslo=down"}, code: 2},
		{name: "update", args: []string{"incident", "update", "inc-1", "--status", "identified", "--message", "Found it",
			"--component", "courses-oslo=partial_outage", "--internal"},
			stdout: []string{"Incident inc-1"},
			wantInput: sitrep.IncidentUpdateInput{Status: sitrep.IncidentIdentified, Message: "Found it", Internal: true, Author: web.AdminTokenName,
				Components: map[string]sitrep.ComponentStatus{"courses-oslo": sitrep.StatusPartialOutage}}},
		{name: "update with the ID after the flags", args: []string{"incident", "update", "--message", "Still on it", "inc-1"},
			wantInput: sitrep.IncidentUpdateInput{Message: "Still on it", Author: web.AdminTokenName}},
		{name: "update needs a status with a component", args: []string{"incident", "update", "inc-1", "--component", "courses-oslo"}, code: 2},
		{name: "update without ID", args: []string{"incident", "update", "--message", "m"}, code: 2},
		{name: "update unknown incident", args: []string{"incident", "update", "nope", "--message", "m"}, code: 1,
			stderr: "sitrep incident: no incident \"nope\"; GET /api/v1/incidents?status=all lists them\n"},
		{name: "resolve", args: []string{"incident", "resolve", "inc-1", "--message", "Fixed"}, stdout: []string{"Incident inc-1"},
			wantInput: sitrep.IncidentUpdateInput{Status: sitrep.IncidentResolved, Message: "Fixed", Author: web.AdminTokenName}},
		{name: "resolve a resolved incident", args: []string{"incident", "resolve", "inc-0", "--message", "Fixed"}, code: 1,
			stderr: "sitrep incident: incident inc-0 is already resolved\n"},
		{name: "list open", args: []string{"incident", "list"}, stdout: []string{"ID     STATUS      IMPACT  STARTED            UPDATED  TITLE",
			"inc-1  identified  major   2026-11-22 17:55Z  -        Courses down in Oslo"},
			wantFilter: sitrep.IncidentFilter{Open: ptr(true), Limit: 200}},
		{name: "list all", args: []string{"incident", "list", "--all"}, stdout: []string{"inc-1", "inc-0  resolved"},
			wantFilter: sitrep.IncidentFilter{Limit: 200}},
		{name: "show", args: []string{"incident", "show", "inc-1"}, stdout: []string{
			"response:   detected after 4m0s, first public update after 7m0s",
			"2026-11-22 18:10Z  identified     admin-token  [internal] Vendor paged"}},
		{name: "url flag overrides the environment", args: []string{"incident", "show", "inc-1", "--url", "http://127.0.0.1:1"}, code: 1},
		{name: "no verb", args: []string{"incident"}, code: 2},
		{name: "unknown verb", args: []string{"incident", "close"}, code: 2,
			stderr: "sitrep incident: unknown verb \"close\"; valid: open, update, resolve, list, show\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startRecordsServer(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			if tt.stderr != "" && stderr != tt.stderr {
				t.Errorf("stderr %q\nwant   %q", stderr, tt.stderr)
			}
			if tt.wantInput != nil && !reflect.DeepEqual(f.lastInput(), tt.wantInput) {
				t.Errorf("server got\n%+v\nwant\n%+v", f.lastInput(), tt.wantInput)
			}
			if tt.wantFilter != nil && !reflect.DeepEqual(f.lastFilter(), tt.wantFilter) {
				t.Errorf("filter %+v, want %+v", f.lastFilter(), tt.wantFilter)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestIncidentJSON(t *testing.T) {
	startRecordsServer(t)
	code, stdout, stderr := runCLI(t, "incident", "show", "inc-1", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var inc sitrep.Incident
	if err := json.Unmarshal([]byte(stdout), &inc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if inc.ID != "inc-1" || len(inc.Updates) != 2 || inc.Updates[1].Public {
		t.Errorf("decoded %+v", inc)
	}
}

func TestHelpDoesNotShowToken(t *testing.T) {
	startRecordsServer(t)
	code, stdout, stderr := runCLI(t, "incident", "open", "-h")
	if code != 0 || strings.Contains(stdout+stderr, cliToken) {
		t.Fatalf("exit %d; the token must not appear in help:\n%s%s", code, stdout, stderr)
	}
}
