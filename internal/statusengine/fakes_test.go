package statusengine

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"sitrep"
)

// memIncidents is an in-memory sitrep.IncidentStore that keeps the
// contract of the SQL one: records are copied in and out, and
// UpdateIncident runs fn on a fresh copy and stores it atomically.
type memIncidents struct {
	mu   sync.Mutex
	seq  int
	incs map[string]*sitrep.Incident
	// interfere, when set, changes the stored incident just before fn sees
	// it: a responder whose transaction committed first.
	interfere func(*sitrep.Incident)
}

func newMemIncidents() *memIncidents { return &memIncidents{incs: map[string]*sitrep.Incident{}} }

func cloneIncident(in *sitrep.Incident) *sitrep.Incident {
	c := *in
	c.Components = slices.Clone(in.Components)
	c.Updates = make([]sitrep.IncidentUpdate, len(in.Updates))
	for i, u := range in.Updates {
		u.Components = slices.Clone(u.Components)
		c.Updates[i] = u
	}
	if in.Postmortem != nil {
		pm := *in.Postmortem
		pm.Timeline = slices.Clone(pm.Timeline)
		pm.ActionItems = slices.Clone(pm.ActionItems)
		c.Postmortem = &pm
	}
	return &c
}

func (s *memIncidents) ids(inc *sitrep.Incident) {
	for i := range inc.Updates {
		if inc.Updates[i].ID == "" {
			s.seq++
			inc.Updates[i].ID = fmt.Sprintf("upd-%d", s.seq)
		}
		inc.Updates[i].IncidentID = inc.ID
	}
}

func (s *memIncidents) CreateIncident(ctx context.Context, inc *sitrep.Incident) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	inc.ID = fmt.Sprintf("inc-%d", s.seq)
	s.ids(inc)
	s.incs[inc.ID] = cloneIncident(inc)
	return nil
}

func (s *memIncidents) UpdateIncident(ctx context.Context, id string, fn func(*sitrep.Incident) error) (*sitrep.Incident, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, ok := s.incs[id]
	if !ok {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no incident %q", id)
	}
	if s.interfere != nil {
		s.interfere(stored)
		s.ids(stored)
	}
	work := cloneIncident(stored)
	if err := fn(work); err != nil {
		return nil, err
	}
	s.ids(work)
	s.incs[id] = cloneIncident(work)
	return work, nil
}

func (s *memIncidents) Incident(ctx context.Context, id string) (*sitrep.Incident, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inc, ok := s.incs[id]
	if !ok {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no incident %q", id)
	}
	return cloneIncident(inc), nil
}

func (s *memIncidents) FindIncidents(ctx context.Context, f sitrep.IncidentFilter) ([]*sitrep.Incident, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*sitrep.Incident
	for _, inc := range s.incs {
		start := inc.StartedAt
		if start.IsZero() {
			start = inc.CreatedAt
		}
		switch {
		case f.Open != nil && inc.Open() != *f.Open:
		case f.ComponentID != "" && !inc.Affects(f.ComponentID):
		case !f.To.IsZero() && !start.Before(f.To):
		case !f.From.IsZero() && !inc.Open() && inc.ResolvedAt.Before(f.From):
		default:
			out = append(out, cloneIncident(inc))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return page(out, f.Offset, f.Limit)
}

func page[T any](all []T, offset, limit int) ([]T, int, error) {
	total := len(all)
	if offset > total {
		offset = total
	}
	all = all[offset:]
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	return all, total, nil
}

// memMaintenances is memIncidents for maintenance windows.
type memMaintenances struct {
	mu  sync.Mutex
	seq int
	ms  map[string]*sitrep.Maintenance
}

func newMemMaintenances() *memMaintenances {
	return &memMaintenances{ms: map[string]*sitrep.Maintenance{}}
}

func cloneMaintenance(in *sitrep.Maintenance) *sitrep.Maintenance {
	c := *in
	c.Components = slices.Clone(in.Components)
	c.Updates = slices.Clone(in.Updates)
	c.RemindersSent = slices.Clone(in.RemindersSent)
	return &c
}

func (s *memMaintenances) ids(m *sitrep.Maintenance) {
	for i := range m.Updates {
		if m.Updates[i].ID == "" {
			s.seq++
			m.Updates[i].ID = fmt.Sprintf("mu-%d", s.seq)
		}
		m.Updates[i].MaintenanceID = m.ID
	}
}

func (s *memMaintenances) CreateMaintenance(ctx context.Context, m *sitrep.Maintenance) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	m.ID = fmt.Sprintf("mnt-%d", s.seq)
	s.ids(m)
	s.ms[m.ID] = cloneMaintenance(m)
	return nil
}

func (s *memMaintenances) UpdateMaintenance(ctx context.Context, id string, fn func(*sitrep.Maintenance) error) (*sitrep.Maintenance, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, ok := s.ms[id]
	if !ok {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no maintenance window %q", id)
	}
	work := cloneMaintenance(stored)
	if err := fn(work); err != nil {
		return nil, err
	}
	s.ids(work)
	s.ms[id] = cloneMaintenance(work)
	return work, nil
}

func (s *memMaintenances) Maintenance(ctx context.Context, id string) (*sitrep.Maintenance, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.ms[id]
	if !ok {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no maintenance window %q", id)
	}
	return cloneMaintenance(m), nil
}

func (s *memMaintenances) FindMaintenances(ctx context.Context, f sitrep.MaintenanceFilter) ([]*sitrep.Maintenance, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*sitrep.Maintenance
	for _, m := range s.ms {
		switch {
		case len(f.Statuses) > 0 && !slices.Contains(f.Statuses, m.Status):
		case f.ComponentID != "" && !m.Affects(f.ComponentID):
		default:
			out = append(out, cloneMaintenance(m))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PlannedStart.Before(out[j].PlannedStart) })
	return page(out, f.Offset, f.Limit)
}

// fakeMonitors is the monitoring engine: states the test sets.
type fakeMonitors struct {
	mu    sync.Mutex
	views map[string]sitrep.MonitorView
	err   error
}

func newFakeMonitors(ids ...string) *fakeMonitors {
	f := &fakeMonitors{views: map[string]sitrep.MonitorView{}}
	for _, id := range ids {
		f.views[id] = sitrep.MonitorView{ID: id, Name: id, State: sitrep.StateUp}
	}
	return f
}

func (f *fakeMonitors) set(id string, st sitrep.State, since time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.views[id] = sitrep.MonitorView{ID: id, Name: id, State: st, Since: since}
}

func (f *fakeMonitors) Monitors(ctx context.Context) ([]sitrep.MonitorView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	out := make([]sitrep.MonitorView, 0, len(f.views))
	for _, v := range f.views {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// fakeRollups serves hourly rollups the test made, and counts the reads.
type fakeRollups struct {
	mu    sync.Mutex
	by    map[string][]sitrep.Rollup
	calls int
}

func newFakeRollups() *fakeRollups { return &fakeRollups{by: map[string][]sitrep.Rollup{}} }

// hours adds n hourly rollups for a monitor from start; down says which
// hours failed.
func (f *fakeRollups) hours(id string, start time.Time, n int, down func(time.Time) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(i) * time.Hour)
		r := sitrep.Rollup{MonitorID: id, Resolution: sitrep.ResolutionHour, Start: at, Up: 60}
		if down != nil && down(at) {
			r.Up, r.Down = 0, 60
		}
		f.by[id] = append(f.by[id], r)
	}
}

func (f *fakeRollups) Rollups(ctx context.Context, id string, res sitrep.Resolution, from, to time.Time) ([]sitrep.Rollup, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	var out []sitrep.Rollup
	for _, r := range f.by[id] {
		if r.Resolution == res && !r.Start.Before(from) && r.Start.Before(to) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fakeRollups) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}
