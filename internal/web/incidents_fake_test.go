package web

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"sitrep"
)

// fakeRecords is an in-memory IncidentService and MaintenanceService that
// remembers what it was asked, so tests can check what the API passed on.
type fakeRecords struct {
	mu           sync.Mutex
	incidents    map[string]*sitrep.Incident
	maintenances map[string]*sitrep.Maintenance
	next         int
	err          error // returned by every call when set

	lastOpen        sitrep.IncidentInput
	lastUpdate      sitrep.IncidentUpdateInput
	lastPostmortem  sitrep.Postmortem
	lastIncFilter   sitrep.IncidentFilter
	lastSchedule    sitrep.MaintenanceInput
	lastMntUpdate   sitrep.MaintenanceUpdateInput
	lastMntFilter   sitrep.MaintenanceFilter
	incidentOrder   []string
	maintenanceList []string
}

func newFakeRecords() *fakeRecords {
	f := &fakeRecords{incidents: map[string]*sitrep.Incident{}, maintenances: map[string]*sitrep.Maintenance{}}
	for _, inc := range storyIncidents() {
		f.incidents[inc.ID] = inc
		f.incidentOrder = append(f.incidentOrder, inc.ID)
	}
	for _, m := range storyMaintenances() {
		f.maintenances[m.ID] = m
		f.maintenanceList = append(f.maintenanceList, m.ID)
	}
	return f
}

func affected(m map[string]sitrep.ComponentStatus) []sitrep.AffectedComponent {
	var out []sitrep.AffectedComponent
	for id, st := range m {
		out = append(out, sitrep.AffectedComponent{ComponentID: id, Status: st})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ComponentID < out[j].ComponentID })
	return out
}

func (f *fakeRecords) OpenIncident(_ context.Context, in sitrep.IncidentInput) (*sitrep.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastOpen = in
	if f.err != nil {
		return nil, f.err
	}
	f.next++
	now := testTime()
	at := in.At
	if at.IsZero() {
		at = now
	}
	status := in.Status
	if status == "" {
		status = sitrep.IncidentInvestigating
	}
	inc := &sitrep.Incident{ID: fmt.Sprintf("new-%d", f.next), Title: in.Title, Impact: in.Impact, Status: status,
		Components: affected(in.Components), CreatedAt: now, UpdatedAt: now, StartedAt: in.StartedAt, DetectedAt: now,
		Updates: []sitrep.IncidentUpdate{{ID: "nu1", Status: status, Message: in.Message, Public: !in.Internal,
			At: at, CreatedAt: now, Author: in.Author, Components: affected(in.Components)}}}
	f.incidents[inc.ID] = inc
	f.incidentOrder = append([]string{inc.ID}, f.incidentOrder...)
	return inc, nil
}

func (f *fakeRecords) UpdateIncident(_ context.Context, id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastUpdate = in
	return f.update(id, in)
}

func (f *fakeRecords) update(id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	if f.err != nil {
		return nil, f.err
	}
	inc, ok := f.incidents[id]
	if !ok {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "incident %s not found", id)
	}
	if in.Status != "" {
		inc.Status = in.Status
	}
	if in.Status == sitrep.IncidentResolved {
		inc.ResolvedAt = testTime()
	}
	inc.Updates = append(inc.Updates, sitrep.IncidentUpdate{ID: fmt.Sprintf("u%d", len(inc.Updates)+1), Status: inc.Status,
		Message: in.Message, Public: !in.Internal, At: testTime(), CreatedAt: testTime(), Author: in.Author,
		Components: affected(in.Components)})
	return inc, nil
}

func (f *fakeRecords) ResolveIncident(_ context.Context, id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastUpdate = in
	in.Status = sitrep.IncidentResolved
	return f.update(id, in)
}

func (f *fakeRecords) SetPostmortem(_ context.Context, id string, pm sitrep.Postmortem) (*sitrep.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastPostmortem = pm
	if f.err != nil {
		return nil, f.err
	}
	inc, ok := f.incidents[id]
	if !ok {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "incident %s not found", id)
	}
	inc.Postmortem = &pm
	return inc, nil
}

func (f *fakeRecords) Incident(_ context.Context, id string) (*sitrep.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	inc, ok := f.incidents[id]
	if !ok {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "incident %s not found", id)
	}
	return inc, nil
}

func (f *fakeRecords) FindIncidents(_ context.Context, flt sitrep.IncidentFilter) ([]*sitrep.Incident, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastIncFilter = flt
	if f.err != nil {
		return nil, 0, f.err
	}
	var all []*sitrep.Incident
	for _, id := range f.incidentOrder {
		inc := f.incidents[id]
		if flt.Open == nil || inc.Open() == *flt.Open {
			all = append(all, inc)
		}
	}
	return page(all, flt.Offset, flt.Limit), len(all), nil
}

func page[T any](all []T, offset, limit int) []T {
	if offset > len(all) {
		offset = len(all)
	}
	all = all[offset:]
	if limit > 0 && limit < len(all) {
		all = all[:limit]
	}
	return all
}

func (f *fakeRecords) ScheduleMaintenance(_ context.Context, in sitrep.MaintenanceInput) (*sitrep.Maintenance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastSchedule = in
	if f.err != nil {
		return nil, f.err
	}
	f.next++
	m := &sitrep.Maintenance{ID: fmt.Sprintf("mnt-new-%d", f.next), Title: in.Title, Description: in.Description,
		Components: in.Components, PlannedStart: in.Start, PlannedEnd: in.End, Status: sitrep.MaintenanceScheduled,
		Recurrence: in.Recurrence, CreatedAt: testTime(), UpdatedAt: testTime(), Author: in.Author,
		Updates: []sitrep.MaintenanceUpdate{{ID: "mn1", Status: sitrep.MaintenanceScheduled, Message: in.Message, Public: true,
			At: testTime(), CreatedAt: testTime(), Author: in.Author}}}
	f.maintenances[m.ID] = m
	f.maintenanceList = append(f.maintenanceList, m.ID)
	return m, nil
}

func (f *fakeRecords) UpdateMaintenance(_ context.Context, id string, in sitrep.MaintenanceUpdateInput) (*sitrep.Maintenance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastMntUpdate = in
	if f.err != nil {
		return nil, f.err
	}
	m, ok := f.maintenances[id]
	if !ok {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "maintenance %s not found", id)
	}
	if in.Status != "" {
		m.Status = in.Status
	}
	if !in.End.IsZero() {
		m.PlannedEnd = in.End
	}
	m.Updates = append(m.Updates, sitrep.MaintenanceUpdate{ID: fmt.Sprintf("mu-%d", len(m.Updates)+1), Status: m.Status,
		Message: in.Message, Public: !in.Internal, At: testTime(), CreatedAt: testTime(), Author: in.Author})
	return m, nil
}

func (f *fakeRecords) Maintenance(_ context.Context, id string) (*sitrep.Maintenance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	m, ok := f.maintenances[id]
	if !ok {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "maintenance %s not found", id)
	}
	return m, nil
}

func (f *fakeRecords) FindMaintenances(_ context.Context, flt sitrep.MaintenanceFilter) ([]*sitrep.Maintenance, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastMntFilter = flt
	if f.err != nil {
		return nil, 0, f.err
	}
	var all []*sitrep.Maintenance
	for _, id := range f.maintenanceList {
		m := f.maintenances[id]
		if len(flt.Statuses) == 0 || containsStatus(flt.Statuses, m.Status) {
			all = append(all, m)
		}
	}
	return page(all, flt.Offset, flt.Limit), len(all), nil
}

func containsStatus(ss []sitrep.MaintenanceStatus, s sitrep.MaintenanceStatus) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}

// fakeAuth knows a few tokens.
type fakeAuth map[string]*sitrep.Principal

func (a fakeAuth) Authenticate(_ context.Context, token string) (*sitrep.Principal, error) {
	if token == "explode" {
		return nil, fmt.Errorf("load sessions: disk I/O error")
	}
	if p, ok := a[token]; ok {
		return p, nil
	}
	return nil, sitrep.Errorf(sitrep.EUNAUTHORIZED, "unknown token")
}

const (
	adminToken  = "s3cret-admin-token"
	viewerToken = "viewer-token"
)

// recordsEnv is a Server with the records API over fakeRecords; the admin
// token goes through the real TokenAuthenticator.
type recordsEnv struct {
	*env
	records *fakeRecords
}

func newRecordsEnv(t interface{ Helper() }, edit func(*Options)) *recordsEnv {
	t.Helper()
	e := &env{
		monitors: &fakeMonitors{views: fixtureMonitors(), results: fixtureResults()},
		health:   &fakeHealth{h: sitrep.Health{OK: true}},
		logs:     &syncBuffer{},
	}
	re := &recordsEnv{env: e, records: newFakeRecords()}
	admin := TokenAuthenticator{Hash: HashToken(adminToken)}
	e.srv = e.newServer(func(o *Options) {
		o.Incidents, o.Maintenances = re.records, re.records
		o.Auth = authChain{admin, fakeAuth{viewerToken: {Name: "vera", Role: sitrep.RoleViewer},
			"responder-token": {Name: "rita", Role: sitrep.RoleResponder}}}
		if edit != nil {
			edit(o)
		}
	})
	return re
}

// authChain tries each authenticator in turn, as the app will once
// accounts join the admin token.
type authChain []sitrep.Authenticator

func (c authChain) Authenticate(ctx context.Context, token string) (*sitrep.Principal, error) {
	var err error
	for _, a := range c {
		var p *sitrep.Principal
		if p, err = a.Authenticate(ctx, token); err == nil || sitrep.ErrorCode(err) != sitrep.EUNAUTHORIZED {
			return p, err
		}
	}
	return nil, err
}
