package client

import (
	"context"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/web"
)

// fakeRecords answers every call with a copy of its one incident and one
// maintenance window, and remembers what it was asked.
type fakeRecords struct {
	mu   sync.Mutex
	inc  sitrep.Incident
	mnt  sitrep.Maintenance
	got  []any // the inputs, in order
	find []any // the filters
}

func (f *fakeRecords) record(v any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, v)
}

func (f *fakeRecords) last() any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.got[len(f.got)-1]
}

func (f *fakeRecords) incident(id string) (*sitrep.Incident, error) {
	if id != f.inc.ID {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "none")
	}
	inc := f.inc
	return &inc, nil
}

func (f *fakeRecords) OpenIncident(_ context.Context, in sitrep.IncidentInput) (*sitrep.Incident, error) {
	f.record(in)
	return f.incident(f.inc.ID)
}

func (f *fakeRecords) UpdateIncident(_ context.Context, id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	f.record(in)
	return f.incident(id)
}

func (f *fakeRecords) ResolveIncident(_ context.Context, id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	f.record(in)
	return f.incident(id)
}

func (f *fakeRecords) SetPostmortem(_ context.Context, id string, pm sitrep.Postmortem) (*sitrep.Incident, error) {
	f.record(pm)
	return f.incident(id)
}

func (f *fakeRecords) Incident(_ context.Context, id string) (*sitrep.Incident, error) {
	return f.incident(id)
}

func (f *fakeRecords) FindIncidents(_ context.Context, flt sitrep.IncidentFilter) ([]*sitrep.Incident, int, error) {
	f.mu.Lock()
	f.find = append(f.find, flt)
	f.mu.Unlock()
	inc, _ := f.incident(f.inc.ID)
	return []*sitrep.Incident{inc}, 3, nil
}

func (f *fakeRecords) maintenance(id string) (*sitrep.Maintenance, error) {
	if id != f.mnt.ID {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "none")
	}
	m := f.mnt
	return &m, nil
}

func (f *fakeRecords) ScheduleMaintenance(_ context.Context, in sitrep.MaintenanceInput) (*sitrep.Maintenance, error) {
	f.record(in)
	return f.maintenance(f.mnt.ID)
}

func (f *fakeRecords) UpdateMaintenance(_ context.Context, id string, in sitrep.MaintenanceUpdateInput) (*sitrep.Maintenance, error) {
	f.record(in)
	return f.maintenance(id)
}

func (f *fakeRecords) Maintenance(_ context.Context, id string) (*sitrep.Maintenance, error) {
	return f.maintenance(id)
}

func (f *fakeRecords) FindMaintenances(_ context.Context, flt sitrep.MaintenanceFilter) ([]*sitrep.Maintenance, int, error) {
	f.mu.Lock()
	f.find = append(f.find, flt)
	f.mu.Unlock()
	m, _ := f.maintenance(f.mnt.ID)
	return []*sitrep.Maintenance{m}, 1, nil
}

const testToken = "tok-admin"

func startRecords(t *testing.T) (*fakeRecords, *Client) {
	t.Helper()
	rule, err := sitrep.ParseRecurrence("every sun 02:00-04:00 UTC")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeRecords{
		inc: sitrep.Incident{ID: "inc/1", Title: "Courses <down>", Impact: sitrep.ImpactMajor, Status: sitrep.IncidentIdentified,
			Components: []sitrep.AffectedComponent{{ComponentID: "courses-oslo", Status: sitrep.StatusMajorOutage}},
			Automatic:  true, TakenOver: true,
			CreatedAt: now, UpdatedAt: now.Add(time.Minute), StartedAt: now.Add(-3 * time.Minute),
			FirstFailedAt: now.Add(-4 * time.Minute), DetectedAt: now.Add(-2 * time.Minute),
			Updates: []sitrep.IncidentUpdate{
				{ID: "u1", IncidentID: "inc/1", Status: sitrep.IncidentInvestigating, Message: "Looking", Public: true,
					At: now, CreatedAt: now, Author: "sitrep",
					Components: []sitrep.AffectedComponent{{ComponentID: "courses-oslo", Status: sitrep.StatusPartialOutage}}},
				{ID: "u2", IncidentID: "inc/1", Status: sitrep.IncidentIdentified, Message: "secret", Public: false,
					At: now.Add(time.Minute), CreatedAt: now.Add(time.Minute), Author: "admin-token"},
			},
			Postmortem: &sitrep.Postmortem{Summary: "s", RootCause: "r", Impact: "i",
				Timeline:    []sitrep.TimelineEntry{{At: now.Add(-4 * time.Minute), Text: "t"}},
				ActionItems: []sitrep.ActionItem{{Title: "a", Owner: "o", Due: now.AddDate(0, 0, 7), Done: true}},
				Published:   true, PublishedAt: now, UpdatedAt: now, Author: "admin-token"},
		},
		mnt: sitrep.Maintenance{ID: "mnt-1", Title: "Swap disks", Description: "d", Components: []string{"courses-oslo"},
			PlannedStart: now, PlannedEnd: now.Add(3 * time.Hour), ActualStart: now.Add(time.Minute),
			Status: sitrep.MaintenanceInProgress, Overrun: true, OverrunAt: now.Add(3 * time.Hour),
			Recurrence: &rule, SeriesID: "s1", CreatedAt: now, UpdatedAt: now, Author: "admin-token",
			Updates: []sitrep.MaintenanceUpdate{{ID: "m1", MaintenanceID: "mnt-1", Status: sitrep.MaintenanceInProgress,
				Message: "Started", Public: true, At: now, CreatedAt: now, Author: "sitrep"}}},
	}
	srv := web.New(web.Options{Monitors: fixture(), Health: fixture(), Now: func() time.Time { return now },
		Incidents: f, Maintenances: f, Auth: web.TokenAuthenticator{Hash: web.HashToken(testToken)}})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return f, New(ts.URL, testToken, ts.Client())
}

func TestIncidentRoundTrip(t *testing.T) {
	f, c := startRecords(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 21, 11, 0, 0, 0, time.UTC)
	checkIncident := func(t *testing.T, got *sitrep.Incident, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, f.inc) {
			t.Errorf("incident\n%+v\nwant\n%+v", *got, f.inc)
		}
	}
	tests := []struct {
		name string
		call func() (*sitrep.Incident, error)
		want any // what the service must have been asked
	}{
		{"open", func() (*sitrep.Incident, error) {
			return c.OpenIncident(ctx, sitrep.IncidentInput{Title: "T", Impact: sitrep.ImpactMinor, Status: sitrep.IncidentIdentified,
				Message: "M", Components: map[string]sitrep.ComponentStatus{"a": sitrep.StatusPartialOutage}, StartedAt: at, At: at,
				Internal: true, Author: "ignored: the server sets the author"})
		}, sitrep.IncidentInput{Title: "T", Impact: sitrep.ImpactMinor, Status: sitrep.IncidentIdentified,
			Message: "M", Components: map[string]sitrep.ComponentStatus{"a": sitrep.StatusPartialOutage}, StartedAt: at, At: at,
			Internal: true, Author: web.AdminTokenName}},
		{"update", func() (*sitrep.Incident, error) {
			return c.UpdateIncident(ctx, "inc/1", sitrep.IncidentUpdateInput{Status: sitrep.IncidentMonitoring, Impact: sitrep.ImpactCritical,
				Title: "T2", Message: "M2", Components: map[string]sitrep.ComponentStatus{"a": sitrep.StatusOperational}, At: at, Internal: true})
		}, sitrep.IncidentUpdateInput{Status: sitrep.IncidentMonitoring, Impact: sitrep.ImpactCritical,
			Title: "T2", Message: "M2", Components: map[string]sitrep.ComponentStatus{"a": sitrep.StatusOperational}, At: at, Internal: true,
			Author: web.AdminTokenName}},
		{"resolve", func() (*sitrep.Incident, error) {
			return c.ResolveIncident(ctx, "inc/1", sitrep.IncidentUpdateInput{Message: "Fixed", At: at})
		}, sitrep.IncidentUpdateInput{Status: sitrep.IncidentResolved, Message: "Fixed", At: at, Author: web.AdminTokenName}},
		{"postmortem", func() (*sitrep.Incident, error) {
			return c.SetPostmortem(ctx, "inc/1", sitrep.Postmortem{Summary: "S", RootCause: "R", Impact: "I", Published: true,
				Timeline:    []sitrep.TimelineEntry{{At: at, Text: "x"}},
				ActionItems: []sitrep.ActionItem{{Title: "A", Owner: "O", Due: at, Done: true}, {Title: "B"}}})
		}, sitrep.Postmortem{Summary: "S", RootCause: "R", Impact: "I", Published: true, Author: web.AdminTokenName,
			Timeline:    []sitrep.TimelineEntry{{At: at, Text: "x"}},
			ActionItems: []sitrep.ActionItem{{Title: "A", Owner: "O", Due: at, Done: true}, {Title: "B"}}}},
		{"get", func() (*sitrep.Incident, error) { return c.Incident(ctx, "inc/1") }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.call()
			checkIncident(t, got, err)
			if tt.want != nil && !reflect.DeepEqual(f.last(), tt.want) {
				t.Errorf("service was asked\n%+v\nwant\n%+v", f.last(), tt.want)
			}
		})
	}
	t.Run("list", func(t *testing.T) {
		p, err := c.ListIncidents(ctx, ListOptions{Status: "open", Limit: 1, Cursor: "1"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 3 || p.NextCursor != "2" || len(p.Incidents) != 1 || !reflect.DeepEqual(*p.Incidents[0], f.inc) {
			t.Errorf("page %+v", p)
		}
		open := true
		if want := (sitrep.IncidentFilter{Open: &open, Limit: 1, Offset: 1}); !reflect.DeepEqual(f.find[len(f.find)-1], want) {
			t.Errorf("filter %+v", f.find[len(f.find)-1])
		}
	})
}

func TestMaintenanceRoundTrip(t *testing.T) {
	f, c := startRecords(t)
	ctx := context.Background()
	start, end := now.Add(time.Hour), now.Add(4*time.Hour)
	rule, _ := sitrep.ParseRecurrence("every sat,sun 22:00-01:00 Europe/Oslo")
	t.Run("schedule", func(t *testing.T) {
		got, err := c.ScheduleMaintenance(ctx, sitrep.MaintenanceInput{Title: "T", Components: []string{"a", "b"}, Start: start, End: end,
			Description: "D", Message: "M", Recurrence: &rule})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, f.mnt) {
			t.Errorf("maintenance\n%+v\nwant\n%+v", *got, f.mnt)
		}
		in := f.last().(sitrep.MaintenanceInput)
		if in.Recurrence == nil || in.Recurrence.String() != rule.String() {
			t.Errorf("recurrence %v", in.Recurrence)
		}
		in.Recurrence = nil
		want := sitrep.MaintenanceInput{Title: "T", Components: []string{"a", "b"}, Start: start, End: end,
			Description: "D", Message: "M", Author: web.AdminTokenName}
		if !reflect.DeepEqual(in, want) {
			t.Errorf("service was asked\n%+v\nwant\n%+v", in, want)
		}
	})
	t.Run("extend", func(t *testing.T) {
		if _, err := c.UpdateMaintenance(ctx, "mnt-1", sitrep.MaintenanceUpdateInput{End: end, Message: "later", Internal: true}); err != nil {
			t.Fatal(err)
		}
		want := sitrep.MaintenanceUpdateInput{End: end, Message: "later", Internal: true, Author: web.AdminTokenName}
		if got := f.last(); !reflect.DeepEqual(got, want) {
			t.Errorf("service was asked\n%+v\nwant\n%+v", got, want)
		}
	})
	t.Run("get and list", func(t *testing.T) {
		got, err := c.Maintenance(ctx, "mnt-1")
		if err != nil || !reflect.DeepEqual(*got, f.mnt) {
			t.Fatalf("Maintenance() = %+v, %v", got, err)
		}
		p, err := c.ListMaintenances(ctx, ListOptions{Status: "upcoming,active"})
		if err != nil || p.Total != 1 || p.NextCursor != "" || !reflect.DeepEqual(*p.Maintenances[0], f.mnt) {
			t.Fatalf("ListMaintenances() = %+v, %v", p, err)
		}
	})
}

func TestRecordsErrors(t *testing.T) {
	_, c := startRecords(t)
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		code string
		text string
	}{
		{"unknown incident", func() error { _, err := c.Incident(ctx, "nope"); return err },
			sitrep.ENOTFOUND, `no incident "nope"; GET /api/v1/incidents?status=all lists them`},
		{"invalid field", func() error {
			_, err := c.OpenIncident(ctx, sitrep.IncidentInput{Title: "t", Impact: "huge"})
			return err
		}, sitrep.EINVALID, `impact: unknown impact "huge", valid: none, minor, major, critical`},
		{"missing components", func() error {
			_, err := c.ScheduleMaintenance(ctx, sitrep.MaintenanceInput{Title: "t", Start: now, End: now.Add(time.Hour)})
			return err
		}, sitrep.EINVALID, `components: is required: the IDs of the components the work affects, e.g. ["courses-oslo"]`},
		{"wrong token", func() error {
			_, err := New(c.base, "wrong", nil).ListIncidents(ctx, ListOptions{})
			return err
		}, sitrep.EUNAUTHORIZED, "invalid or expired token; send Authorization: Bearer TOKEN with the admin token printed at first start (or set with SITREP_ADMIN_TOKEN on the server)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if sitrep.ErrorCode(err) != tt.code || err.Error() != tt.text {
				t.Fatalf("got %v (%s)\nwant %s (%s)", err, sitrep.ErrorCode(err), tt.text, tt.code)
			}
		})
	}
}
