package admin

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"sitrep"
)

// fakeAccounts keeps users and sessions in memory. Its TOTP code is always
// totpCode; its session and CSRF tokens are predictable so golden files are
// stable.
type fakeAccounts struct {
	mu         sync.Mutex
	setupToken string
	users      map[string]*fakeUser // by email
	sessions   map[string]*fakeSession
	next       int
	logins     []string // emails that signed in, in order

	tokens      []sitrep.APIToken
	audit       []sitrep.AuditEntry // oldest first
	resets      map[string]string   // reset token → email
	pendingTOTP string              // user id between BeginTOTP and ConfirmTOTP
	calls       []string            // changes made, for the security tests
}

type fakeUser struct {
	user     sitrep.User
	password string
}

type fakeSession struct {
	email   string
	pending bool
	csrf    string
}

const totpCode = "123456"

func newFakeAccounts() *fakeAccounts {
	return &fakeAccounts{users: map[string]*fakeUser{}, sessions: map[string]*fakeSession{}, resets: map[string]string{}}
}

func (f *fakeAccounts) addUser(email, password string, role sitrep.Role, totp bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[email] = &fakeUser{user: sitrep.User{ID: "u-" + email, Email: email, Name: email, Role: role, TOTPEnabled: totp}, password: password}
}

// signIn makes a complete session for email directly, for handler tests.
func (f *fakeAccounts) signIn(email string) (token, csrf string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	token, csrf = "sess-"+email, "csrf-"+email
	f.sessions[token] = &fakeSession{email: email, csrf: csrf}
	return token, csrf
}

func (f *fakeAccounts) newToken() string {
	f.next++
	return fmt.Sprintf("tok-%d", f.next)
}

func (f *fakeAccounts) Authenticate(ctx context.Context, token string) (*sitrep.Principal, error) {
	return nil, sitrep.Errorf(sitrep.EUNAUTHORIZED, "invalid token")
}

func (f *fakeAccounts) NeedsSetup(ctx context.Context) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if u.user.Role == sitrep.RoleAdmin {
			return false, nil
		}
	}
	return true, nil
}

func (f *fakeAccounts) CompleteSetup(ctx context.Context, setupToken string, in sitrep.UserInput) (*sitrep.User, error) {
	if needs, _ := f.NeedsSetup(ctx); !needs {
		return nil, sitrep.Errorf(sitrep.ECONFLICT, "setup is already complete")
	}
	if setupToken == "" || setupToken != f.setupToken {
		return nil, sitrep.Errorf(sitrep.EUNAUTHORIZED, "the setup link is not valid; use the one printed at start")
	}
	if !strings.Contains(in.Email, "@") {
		return nil, sitrep.FieldErrorf(sitrep.EINVALID, "email", "%q is not an email address", in.Email)
	}
	if len(in.Password) < 12 {
		return nil, sitrep.FieldErrorf(sitrep.EINVALID, "password", "use at least 12 characters")
	}
	f.addUser(in.Email, in.Password, sitrep.RoleAdmin, true)
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[in.Email].user
	return &u, nil
}

func (f *fakeAccounts) Login(ctx context.Context, email, password, ip string) (sitrep.LoginResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[email]
	if u == nil || u.password != password {
		return sitrep.LoginResult{}, sitrep.Errorf(sitrep.EUNAUTHORIZED, "wrong email or password")
	}
	tok := f.newToken()
	f.sessions[tok] = &fakeSession{email: email, pending: u.user.TOTPEnabled, csrf: "csrf-" + tok}
	if !u.user.TOTPEnabled {
		f.logins = append(f.logins, email)
	}
	return sitrep.LoginResult{SessionToken: tok, NeedTOTP: u.user.TOTPEnabled}, nil
}

func (f *fakeAccounts) VerifySecondFactor(ctx context.Context, sessionToken, code, ip string) (sitrep.LoginResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.sessions[sessionToken]
	if s == nil || !s.pending || code != totpCode {
		return sitrep.LoginResult{}, sitrep.Errorf(sitrep.EUNAUTHORIZED, "invalid code")
	}
	// A new token once the second factor is in, as the real service does.
	delete(f.sessions, sessionToken)
	tok := f.newToken()
	f.sessions[tok] = &fakeSession{email: s.email, csrf: "csrf-" + tok}
	f.logins = append(f.logins, s.email)
	return sitrep.LoginResult{SessionToken: tok}, nil
}

func (f *fakeAccounts) Session(ctx context.Context, token string) (*sitrep.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.sessions[token]
	if s == nil || s.pending {
		return nil, sitrep.Errorf(sitrep.EUNAUTHORIZED, "not signed in")
	}
	u := f.users[s.email].user
	return &sitrep.Session{User: u, Principal: sitrep.Principal{Name: u.Email, Role: u.Role}, CSRFToken: s.csrf}, nil
}

func (f *fakeAccounts) Logout(ctx context.Context, token string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.sessions, token)
	return nil
}

var errNotInFake = sitrep.Errorf(sitrep.EINTERNAL, "not implemented by the fake")

// users returns a copy of every user, by email.
func (f *fakeAccounts) userList() []sitrep.User {
	var out []sitrep.User
	for _, u := range f.users {
		out = append(out, u.user)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Email < out[j].Email })
	return out
}

func (f *fakeAccounts) record(by *sitrep.Principal, action, target string) {
	f.audit = append(f.audit, sitrep.AuditEntry{ID: fmt.Sprintf("a%d", len(f.audit)+1), Actor: by.Name, Action: action, Target: target})
	f.calls = append(f.calls, action+" "+target)
}

func (f *fakeAccounts) CreateUser(ctx context.Context, by *sitrep.Principal, in sitrep.UserInput) (*sitrep.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !strings.Contains(in.Email, "@") {
		return nil, sitrep.FieldErrorf(sitrep.EINVALID, "email", "%q is not an email address", in.Email)
	}
	if len(in.Password) < 12 {
		return nil, sitrep.FieldErrorf(sitrep.EINVALID, "password", "use at least 12 characters")
	}
	if f.users[in.Email] != nil {
		return nil, sitrep.Errorf(sitrep.ECONFLICT, "%s has an account already", in.Email)
	}
	f.users[in.Email] = &fakeUser{user: sitrep.User{ID: "u-" + in.Email, Email: in.Email, Name: in.Name, Role: in.Role}, password: in.Password}
	f.record(by, "user.create", "user/u-"+in.Email)
	u := f.users[in.Email].user
	return &u, nil
}

func (f *fakeAccounts) UpdateUser(ctx context.Context, by *sitrep.Principal, id string, in sitrep.UserInput) (*sitrep.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for email, u := range f.users {
		if u.user.ID != id {
			continue
		}
		if in.Password != "" {
			if len(in.Password) < 12 {
				return nil, sitrep.FieldErrorf(sitrep.EINVALID, "password", "use at least 12 characters")
			}
			u.password = in.Password
			for tok, s := range f.sessions {
				if s.email == email {
					delete(f.sessions, tok)
				}
			}
		}
		f.record(by, "user.update", "user/"+id)
		cp := u.user
		return &cp, nil
	}
	return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no user %q", id)
}

func (f *fakeAccounts) DisableUser(ctx context.Context, by *sitrep.Principal, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if u.user.ID == id {
			if u.user.Email == by.Name {
				return sitrep.Errorf(sitrep.ECONFLICT, "you cannot disable yourself")
			}
			u.user.Disabled = true
			f.record(by, "user.disable", "user/"+id)
			return nil
		}
	}
	return sitrep.Errorf(sitrep.ENOTFOUND, "no user %q", id)
}

func (f *fakeAccounts) Users(context.Context) ([]sitrep.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.userList(), nil
}

func (f *fakeAccounts) userByID(id string) *fakeUser {
	for _, u := range f.users {
		if u.user.ID == id {
			return u
		}
	}
	return nil
}

func (f *fakeAccounts) BeginTOTP(ctx context.Context, userID string) (string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.userByID(userID)
	if u == nil {
		return "", "", sitrep.Errorf(sitrep.ENOTFOUND, "no user %q", userID)
	}
	f.pendingTOTP = userID
	f.calls = append(f.calls, "totp.begin "+userID)
	return "JBSWY3DPEHPK3PXP", "otpauth://totp/sitrep:" + u.user.Email + "?secret=JBSWY3DPEHPK3PXP&issuer=sitrep", nil
}

func (f *fakeAccounts) ConfirmTOTP(ctx context.Context, userID, code string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pendingTOTP != userID {
		return nil, sitrep.Errorf(sitrep.ECONFLICT, "start setting up two-factor sign-in first")
	}
	if code != totpCode {
		return nil, sitrep.FieldErrorf(sitrep.EINVALID, "code", "the code does not match")
	}
	f.pendingTOTP = ""
	f.calls = append(f.calls, "totp.confirm "+userID)
	f.userByID(userID).user.TOTPEnabled = true
	return []string{"rc-aaaa-1111", "rc-bbbb-2222"}, nil
}

func (f *fakeAccounts) RequestPasswordReset(ctx context.Context, email string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.users[email] == nil {
		return "", nil
	}
	tok := "reset-" + email
	f.resets[tok] = email
	f.calls = append(f.calls, "reset.request "+email)
	return tok, nil
}

func (f *fakeAccounts) ResetPassword(ctx context.Context, token, newPassword string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(newPassword) < 12 {
		return sitrep.FieldErrorf(sitrep.EINVALID, "password", "use at least 12 characters")
	}
	email, ok := f.resets[token]
	if !ok {
		return sitrep.Errorf(sitrep.EUNAUTHORIZED, "the reset link is not valid or has expired; ask for a new one")
	}
	delete(f.resets, token)
	f.users[email].password = newPassword
	f.calls = append(f.calls, "reset "+email)
	return nil
}

func (f *fakeAccounts) CreateToken(ctx context.Context, by *sitrep.Principal, name string, role sitrep.Role, expires time.Time) (string, *sitrep.APIToken, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if name == "" {
		return "", nil, sitrep.FieldErrorf(sitrep.EINVALID, "name", "a token needs a name")
	}
	t := sitrep.APIToken{ID: fmt.Sprintf("t%d", len(f.tokens)+1), Name: name, Role: role, CreatedBy: by.Name, ExpiresAt: expires}
	f.tokens = append(f.tokens, t)
	f.record(by, "token.create", "token/"+t.ID)
	return "srt_secret-" + t.ID, &t, nil
}

func (f *fakeAccounts) Tokens(context.Context) ([]sitrep.APIToken, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sitrep.APIToken(nil), f.tokens...), nil
}

func (f *fakeAccounts) RevokeToken(ctx context.Context, by *sitrep.Principal, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, t := range f.tokens {
		if t.ID == id {
			f.tokens = append(f.tokens[:i], f.tokens[i+1:]...)
			f.record(by, "token.revoke", "token/"+id)
			return nil
		}
	}
	return sitrep.Errorf(sitrep.ENOTFOUND, "no token %q", id)
}

func (f *fakeAccounts) Audit(ctx context.Context, e sitrep.AuditEntry) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	e.ID = fmt.Sprintf("a%d", len(f.audit)+1)
	f.audit = append(f.audit, e)
	f.calls = append(f.calls, e.Action+" "+e.Target)
	return nil
}

// AuditLog serves the entries newest first (later in the slice is newer).
func (f *fakeAccounts) AuditLog(ctx context.Context, before time.Time, limit int) ([]sitrep.AuditEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sitrep.AuditEntry
	for i := len(f.audit) - 1; i >= 0 && len(out) < limit; i-- {
		if e := f.audit[i]; before.IsZero() || e.At.Before(before) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (f *fakeAccounts) callLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// fakeMonitors serves fixed monitors and results.
type fakeMonitors struct {
	mu       sync.Mutex
	monitors []sitrep.MonitorView
	results  map[string][]sitrep.Result
}

// setState changes a monitor's state, as the engine would.
func (f *fakeMonitors) setState(id string, st sitrep.State) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.monitors {
		if f.monitors[i].ID == id {
			f.monitors[i].State = st
		}
	}
}

func (f *fakeMonitors) Monitors(ctx context.Context) ([]sitrep.MonitorView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sitrep.MonitorView(nil), f.monitors...), nil
}

func (f *fakeMonitors) Monitor(ctx context.Context, id string) (sitrep.MonitorView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.monitors {
		if m.ID == id {
			return m, nil
		}
	}
	return sitrep.MonitorView{}, sitrep.Errorf(sitrep.ENOTFOUND, "no monitor %q", id)
}

func (f *fakeMonitors) Results(ctx context.Context, id string, from, to time.Time) (sitrep.ResultSet, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rs := sitrep.ResultSet{MonitorID: id, From: from, To: to, Resolution: sitrep.ResolutionRaw,
		Raw: make([]sitrep.Result, 0, len(f.results[id]))}
	for _, r := range f.results[id] {
		if !r.Time.Before(from) && r.Time.Before(to) {
			rs.Raw = append(rs.Raw, r)
		}
	}
	return rs, nil
}

func (f *fakeMonitors) Ping(context.Context, string, sitrep.Ping) error { return errNotInFake }

// fakeIncidents is an in-memory IncidentService that records its calls.
type fakeIncidents struct {
	mu    sync.Mutex
	clock sitrep.Clock
	incs  map[string]*sitrep.Incident
	next  int
	calls []string
}

func newFakeIncidents(c sitrep.Clock) *fakeIncidents {
	return &fakeIncidents{clock: c, incs: map[string]*sitrep.Incident{}}
}

func affected(m map[string]sitrep.ComponentStatus) []sitrep.AffectedComponent {
	var out []sitrep.AffectedComponent
	for id, st := range m {
		out = append(out, sitrep.AffectedComponent{ComponentID: id, Status: st})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ComponentID < out[j].ComponentID })
	return out
}

func (f *fakeIncidents) add(inc *sitrep.Incident) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.incs[inc.ID] = inc
}

func (f *fakeIncidents) OpenIncident(ctx context.Context, in sitrep.IncidentInput) (*sitrep.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "open")
	now := f.clock.Now()
	f.next++
	inc := &sitrep.Incident{ID: fmt.Sprintf("inc-%d", f.next), Title: in.Title, Impact: in.Impact, Status: in.Status,
		Components: affected(in.Components), CreatedAt: now, UpdatedAt: now, StartedAt: now}
	inc.Updates = append(inc.Updates, sitrep.IncidentUpdate{ID: "u1", Status: in.Status, Message: in.Message, Public: !in.Internal,
		At: now, CreatedAt: now, Author: in.Author, Components: affected(in.Components)})
	f.incs[inc.ID] = inc
	return inc, nil
}

func (f *fakeIncidents) change(id string, in sitrep.IncidentUpdateInput, call string) (*sitrep.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call+" "+id)
	inc := f.incs[id]
	if inc == nil {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no incident %q", id)
	}
	now := f.clock.Now()
	if in.Status != "" {
		inc.Status = in.Status
	}
	if in.Impact != "" {
		inc.Impact = in.Impact
	}
	if in.Status == sitrep.IncidentResolved {
		inc.ResolvedAt = now
	}
	if len(in.Components) > 0 {
		inc.Components = affected(in.Components)
	}
	inc.Updates = append(inc.Updates, sitrep.IncidentUpdate{ID: fmt.Sprintf("u%d", len(inc.Updates)+1), Status: inc.Status,
		Message: in.Message, Public: !in.Internal, At: now, CreatedAt: now, Author: in.Author, Components: affected(in.Components)})
	return inc, nil
}

func (f *fakeIncidents) UpdateIncident(ctx context.Context, id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	return f.change(id, in, "update")
}

func (f *fakeIncidents) ResolveIncident(ctx context.Context, id string, in sitrep.IncidentUpdateInput) (*sitrep.Incident, error) {
	in.Status = sitrep.IncidentResolved
	return f.change(id, in, "resolve")
}

func (f *fakeIncidents) SetPostmortem(ctx context.Context, id string, pm sitrep.Postmortem) (*sitrep.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "postmortem "+id)
	inc := f.incs[id]
	if inc == nil {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no incident %q", id)
	}
	pm.UpdatedAt = f.clock.Now()
	if pm.Published {
		pm.PublishedAt = pm.UpdatedAt
	}
	inc.Postmortem = &pm
	return inc, nil
}

func (f *fakeIncidents) Incident(ctx context.Context, id string) (*sitrep.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	inc := f.incs[id]
	if inc == nil {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no incident %q", id)
	}
	cp := *inc
	return &cp, nil
}

func (f *fakeIncidents) FindIncidents(ctx context.Context, flt sitrep.IncidentFilter) ([]*sitrep.Incident, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*sitrep.Incident
	for _, inc := range f.incs {
		if flt.Open != nil && inc.Open() != *flt.Open {
			continue
		}
		cp := *inc
		out = append(out, &cp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, len(out), nil
}

func (f *fakeIncidents) callLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// fakeMaintenances is an in-memory MaintenanceService that records its calls.
type fakeMaintenances struct {
	mu    sync.Mutex
	clock sitrep.Clock
	ms    map[string]*sitrep.Maintenance
	next  int
	calls []string
}

func newFakeMaintenances(c sitrep.Clock) *fakeMaintenances {
	return &fakeMaintenances{clock: c, ms: map[string]*sitrep.Maintenance{}}
}

func (f *fakeMaintenances) add(m *sitrep.Maintenance) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ms[m.ID] = m
}

func (f *fakeMaintenances) ScheduleMaintenance(ctx context.Context, in sitrep.MaintenanceInput) (*sitrep.Maintenance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "schedule")
	f.next++
	now := f.clock.Now()
	m := &sitrep.Maintenance{ID: fmt.Sprintf("mnt-%d", f.next), Title: in.Title, Description: in.Description, Components: in.Components,
		PlannedStart: in.Start, PlannedEnd: in.End, Status: sitrep.MaintenanceScheduled, CreatedAt: now, Author: in.Author}
	if in.Message != "" {
		m.Updates = append(m.Updates, sitrep.MaintenanceUpdate{ID: "mu1", Status: m.Status, Message: in.Message, Public: true, At: now, Author: in.Author})
	}
	f.ms[m.ID] = m
	return m, nil
}

func (f *fakeMaintenances) UpdateMaintenance(ctx context.Context, id string, in sitrep.MaintenanceUpdateInput) (*sitrep.Maintenance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.ms[id]
	if m == nil {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no maintenance %q", id)
	}
	now := f.clock.Now()
	call := "update " + id
	if in.Status != "" {
		call += " " + string(in.Status)
		m.Status = in.Status
		if in.Status == sitrep.MaintenanceInProgress {
			m.ActualStart = now
		}
		if in.Status == sitrep.MaintenanceCompleted {
			m.ActualEnd = now
		}
	}
	if !in.End.IsZero() {
		call += " end=" + in.End.UTC().Format(time.RFC3339)
		m.PlannedEnd = in.End
	}
	if in.Title != "" || in.Description != nil || in.Components != nil || !in.Start.IsZero() {
		call += " edit"
		if in.Title != "" {
			m.Title = in.Title
		}
		if in.Description != nil {
			m.Description = *in.Description
		}
		if in.Components != nil {
			m.Components = *in.Components
		}
		if !in.Start.IsZero() {
			m.PlannedStart = in.Start
		}
	}
	f.calls = append(f.calls, call)
	m.Updates = append(m.Updates, sitrep.MaintenanceUpdate{ID: fmt.Sprintf("mu%d", len(m.Updates)+1), Status: m.Status, Message: in.Message,
		Public: !in.Internal, At: now, Author: in.Author})
	return m, nil
}

func (f *fakeMaintenances) Maintenance(ctx context.Context, id string) (*sitrep.Maintenance, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.ms[id]
	if m == nil {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no maintenance %q", id)
	}
	cp := *m
	return &cp, nil
}

func (f *fakeMaintenances) FindMaintenances(ctx context.Context, flt sitrep.MaintenanceFilter) ([]*sitrep.Maintenance, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*sitrep.Maintenance
	for _, m := range f.ms {
		ok := len(flt.Statuses) == 0
		for _, st := range flt.Statuses {
			ok = ok || m.Status == st
		}
		if ok {
			cp := *m
			out = append(out, &cp)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PlannedStart.Before(out[j].PlannedStart) })
	return out, len(out), nil
}

func (f *fakeMaintenances) callLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// fakePages serves one snapshot, for the component list.
type fakePages struct{ snap *sitrep.StatusPage }

func (f fakePages) PageFor(ctx context.Context, host, slug string) (*sitrep.StatusPage, error) {
	if f.snap == nil {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no page")
	}
	return f.snap, nil
}

func (f fakePages) Subscribe(slug string) (<-chan uint64, func()) {
	ch := make(chan uint64)
	return ch, func() {}
}

// fakeSubscribers is the part of a SubscriberStore the admin uses; the
// rest panics through the nil embedded interface if ever called.
type fakeSubscribers struct {
	sitrep.SubscriberStore
	mu      sync.Mutex
	subs    []*sitrep.Subscriber // newest first
	deleted []string
}

func (f *fakeSubscribers) Subscriber(ctx context.Context, id string) (*sitrep.Subscriber, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.subs {
		if s.ID == id {
			cp := *s
			return &cp, nil
		}
	}
	return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no subscriber %q", id)
}

func (f *fakeSubscribers) DeleteSubscriber(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, s := range f.subs {
		if s.ID == id {
			f.subs = append(f.subs[:i], f.subs[i+1:]...)
			f.deleted = append(f.deleted, id)
			return nil
		}
	}
	return sitrep.Errorf(sitrep.ENOTFOUND, "no subscriber %q", id)
}

func (f *fakeSubscribers) FindSubscribers(ctx context.Context, flt sitrep.SubscriberFilter) ([]*sitrep.Subscriber, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var all []*sitrep.Subscriber
	for _, s := range f.subs {
		if (flt.Page == "" || s.Page == flt.Page) && (flt.Kind == "" || s.Kind == flt.Kind) &&
			strings.Contains(s.Address, flt.Search) && (flt.Confirmed == nil || *flt.Confirmed == s.Confirmed) {
			cp := *s
			all = append(all, &cp)
		}
	}
	page := all[min(flt.Offset, len(all)):]
	if flt.Limit > 0 && len(page) > flt.Limit {
		page = page[:flt.Limit]
	}
	return page, len(all), nil
}

func (f *fakeSubscribers) deletedIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.deleted...)
}

// fakeOutbox is the part of an OutboxStore the admin uses.
type fakeOutbox struct {
	sitrep.OutboxStore
	mu      sync.Mutex
	ds      []sitrep.Delivery // newest first
	retried []string
}

func (f *fakeOutbox) Deliveries(ctx context.Context, state sitrep.DeliveryState, limit int) ([]sitrep.Delivery, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sitrep.Delivery
	for _, d := range f.ds {
		if d.State == state && len(out) < limit {
			out = append(out, d)
		}
	}
	return out, nil
}

func (f *fakeOutbox) RetryDelivery(ctx context.Context, id string, now time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.ds {
		if f.ds[i].ID == id && f.ds[i].State == sitrep.DeliveryFailed {
			f.ds[i].State, f.ds[i].NextAttemptAt = sitrep.DeliveryPending, now
			f.retried = append(f.retried, id)
			return nil
		}
	}
	return sitrep.Errorf(sitrep.ENOTFOUND, "no failed delivery %q", id)
}

func (f *fakeOutbox) retriedIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.retried...)
}

// fakeAlerts keeps alerts in memory (newest first, as the store lists
// them) and acknowledges them as the real service does: an acknowledged
// one is left as it is, a resolved one is ECONFLICT.
type fakeAlerts struct {
	sitrep.AlertService
	clock  sitrep.Clock
	oncall []sitrep.OnCall

	mu     sync.Mutex
	alerts []sitrep.Alert
	acks   []string // "id by" of every acknowledgement that changed an alert
	// resolveOnAck resolves the alert just before an Ack, as if its
	// monitors recovered between the page's read and the acknowledgement.
	resolveOnAck bool
}

func (f *fakeAlerts) OnCall(ctx context.Context, schedule string, at time.Time) ([]sitrep.OnCall, error) {
	return f.oncall, nil
}

func (f *fakeAlerts) Alerts(ctx context.Context, flt sitrep.AlertFilter) ([]sitrep.Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sitrep.Alert
	for _, a := range f.alerts {
		if flt.OpenOnly && !a.Open() {
			continue
		}
		if flt.Limit > 0 && len(out) == flt.Limit {
			break
		}
		out = append(out, a)
	}
	return out, nil
}

func (f *fakeAlerts) find(id string) *sitrep.Alert {
	for i := range f.alerts {
		if f.alerts[i].ID == id {
			return &f.alerts[i]
		}
	}
	return nil
}

func (f *fakeAlerts) Alert(ctx context.Context, id string) (sitrep.Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a := f.find(id); a != nil {
		return *a, nil
	}
	return sitrep.Alert{}, sitrep.Errorf(sitrep.ENOTFOUND, "no alert %q", id)
}

func (f *fakeAlerts) Ack(ctx context.Context, id, by string) (sitrep.Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.find(id)
	if a == nil {
		return sitrep.Alert{}, sitrep.Errorf(sitrep.ENOTFOUND, "no alert %q", id)
	}
	if f.resolveOnAck {
		a.State, a.ResolvedAt = sitrep.AlertResolved, f.clock.Now()
	}
	switch a.State {
	case sitrep.AlertResolved:
		return sitrep.Alert{}, sitrep.Errorf(sitrep.ECONFLICT, "alert %s is resolved already; there is nothing to acknowledge", id)
	case sitrep.AlertAcknowledged:
		return *a, nil
	}
	a.State, a.AckedAt, a.AckedBy = sitrep.AlertAcknowledged, f.clock.Now(), by
	f.acks = append(f.acks, id+" "+by)
	return *a, nil
}

func (f *fakeAlerts) ackLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.acks...)
}

// LoginExternal signs in an existing account by the identity's email, as
// the real service does without create_users or roles.
func (f *fakeAccounts) LoginExternal(ctx context.Context, id sitrep.ExternalIdentity, ip string) (sitrep.LoginResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[strings.ToLower(id.Email)]
	if u == nil || u.user.Disabled {
		return sitrep.LoginResult{}, sitrep.Errorf(sitrep.EFORBIDDEN, "there is no sitrep account for %s; ask an administrator to add you", id.Email)
	}
	tok := f.newToken()
	f.sessions[tok] = &fakeSession{email: u.user.Email, pending: u.user.TOTPEnabled, csrf: "csrf-" + tok}
	if !u.user.TOTPEnabled {
		f.logins = append(f.logins, u.user.Email)
	}
	return sitrep.LoginResult{SessionToken: tok, NeedTOTP: u.user.TOTPEnabled}, nil
}
