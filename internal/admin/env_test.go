package admin

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/clock"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var testNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

const (
	adminEmail     = "admin@example.com"
	responderEmail = "resp@example.com"
	viewerEmail    = "viewer@example.com"
	testPassword   = "correct horse battery"
	preValue       = "pre-0123456789abcdef0123456789abcdef"
)

type env struct {
	ui       *UI
	accounts *fakeAccounts
	monitors *fakeMonitors
	incs     *fakeIncidents
	maints   *fakeMaintenances
	subs     *fakeSubscribers
	outbox   *fakeOutbox
	alerts   *fakeAlerts
	clock    *clock.Manual

	mu         sync.Mutex
	resetsSent []string // "email token" handed to SendPasswordReset
}

func (e *env) sentResets() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.resetsSent...)
}

type envOpts struct {
	// payload is put into every text a person or a target could have
	// written, to check that it stays inert in every view.
	payload string
	secure  bool
	noUsers bool
	// bare leaves out the optional services (subscribers, deliveries,
	// alerts, password-reset mail).
	bare bool
	// idp offers single sign-on when set.
	idp sitrep.IdentityProvider
}

func newEnv(t testing.TB, o envOpts) *env {
	t.Helper()
	p := o.payload
	c := clock.NewManual(testNow)
	e := &env{accounts: newFakeAccounts(), incs: newFakeIncidents(c), maints: newFakeMaintenances(c), clock: c}
	e.accounts.setupToken = "setup-secret"
	if !o.noUsers {
		e.accounts.addUser(adminEmail, testPassword, sitrep.RoleAdmin, true)
		e.accounts.addUser(responderEmail, testPassword, sitrep.RoleResponder, false)
		e.accounts.addUser(viewerEmail, testPassword, sitrep.RoleViewer, false)
	}
	comps := []sitrep.Component{
		{ID: "courses", Name: "Courses" + p, Group: "Europe"},
		{ID: "video", Name: "Video", Group: "Europe" + p},
	}
	e.monitors = &fakeMonitors{
		monitors: []sitrep.MonitorView{
			{ID: "web", Name: "Web" + p, Type: sitrep.MonitorHTTP, Target: "https://example.com/" + p, Interval: time.Minute,
				State: sitrep.StateUp, Since: testNow.Add(-30 * time.Hour),
				LastResult: &sitrep.Result{MonitorID: "web", Time: testNow.Add(-time.Minute), Status: sitrep.ResultUp, Latency: 42 * time.Millisecond}},
			{ID: "api", Name: "API", Type: sitrep.MonitorTCP, Target: "api.example.com:443", Interval: time.Minute,
				State: sitrep.StateDown, Since: testNow.Add(-20 * time.Minute),
				LastResult: &sitrep.Result{MonitorID: "api", Time: testNow.Add(-time.Minute), Status: sitrep.ResultDown, Error: "connect: connection refused" + p}},
			{ID: "backup", Name: "Nightly backup", Type: sitrep.MonitorHeartbeat, Target: "heartbeat", Interval: time.Hour,
				State: sitrep.StateUnknown},
		},
		results: map[string][]sitrep.Result{},
	}
	for i := 0; i < 2*24*12; i++ {
		at := testNow.Add(-48 * time.Hour).Add(time.Duration(i) * 5 * time.Minute)
		r := sitrep.Result{MonitorID: "web", Location: "oslo", Time: at, Status: sitrep.ResultUp,
			Latency: time.Duration(40+i%17*3) * time.Millisecond,
			Phases:  sitrep.Phases{DNS: 2 * time.Millisecond, Connect: 8 * time.Millisecond, TLS: time.Duration(12+i%3) * time.Millisecond, FirstByte: 30 * time.Millisecond}}
		if i%97 == 5 {
			r.Status, r.Latency, r.Error = sitrep.ResultDown, 0, "status 503, expected 200-399"+p
		}
		e.monitors.results["web"] = append(e.monitors.results["web"], r)
	}
	declared := map[string]*sitrep.Monitor{"web": {
		ID: "web", Name: "Web" + p, Type: sitrep.MonitorHTTP, Description: "The front page" + p, Interval: time.Minute,
		Timeout: 10 * time.Second, FailuresToDown: 3, SuccessesToUp: 2, Labels: map[string]string{"team": "web" + p},
		HTTP: &sitrep.HTTPCheck{URL: "https://example.com/" + p, Expect: sitrep.HTTPExpect{BodyContains: "Welcome" + p}},
	}}

	e.incs.add(&sitrep.Incident{ID: "inc-1", Title: "Video playback fails" + p, Impact: sitrep.ImpactMajor, Status: sitrep.IncidentIdentified,
		Components: []sitrep.AffectedComponent{{ComponentID: "video", Status: sitrep.StatusPartialOutage}},
		CreatedAt:  testNow.Add(-time.Hour), StartedAt: testNow.Add(-time.Hour), FirstFailedAt: testNow.Add(-65 * time.Minute),
		Updates: []sitrep.IncidentUpdate{
			{ID: "u1", Status: sitrep.IncidentInvestigating, Message: "We are looking into it." + p, Public: true,
				At: testNow.Add(-time.Hour), CreatedAt: testNow.Add(-55 * time.Minute), Author: adminEmail,
				Components: []sitrep.AffectedComponent{{ComponentID: "video", Status: sitrep.StatusPartialOutage}}},
			{ID: "u2", Status: sitrep.IncidentIdentified, Message: "Storage node 3 is full; **internal** note [x](javascript:alert(1))" + p,
				At: testNow.Add(-30 * time.Minute), CreatedAt: testNow.Add(-30 * time.Minute), Author: "resp" + p},
		}})
	e.incs.add(&sitrep.Incident{ID: "inc-0", Title: "Courses were slow" + p, Impact: sitrep.ImpactMinor, Status: sitrep.IncidentResolved,
		CreatedAt: testNow.Add(-72 * time.Hour), StartedAt: testNow.Add(-72 * time.Hour), ResolvedAt: testNow.Add(-70 * time.Hour),
		Updates: []sitrep.IncidentUpdate{{ID: "u1", Status: sitrep.IncidentResolved, Message: "Fixed." + p, Public: true,
			At: testNow.Add(-70 * time.Hour), CreatedAt: testNow.Add(-70 * time.Hour), Author: adminEmail}},
		Postmortem: &sitrep.Postmortem{Summary: "A cache expired." + p, RootCause: "TTL" + p, Published: true, PublishedAt: testNow.Add(-48 * time.Hour),
			Author: adminEmail, Timeline: []sitrep.TimelineEntry{{At: testNow.Add(-72 * time.Hour), Text: "Alert fired" + p}},
			ActionItems: []sitrep.ActionItem{{Title: "Warm the cache" + p, Owner: "ops" + p, Due: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}}},
	})
	e.maints.add(&sitrep.Maintenance{ID: "mnt-1", Title: "Database upgrade" + p, Description: "Minor version." + p, Components: []string{"courses"},
		PlannedStart: testNow.Add(24 * time.Hour), PlannedEnd: testNow.Add(27 * time.Hour), Status: sitrep.MaintenanceScheduled,
		Updates: []sitrep.MaintenanceUpdate{{ID: "mu1", Status: sitrep.MaintenanceScheduled, Message: "Planned." + p, Public: true, At: testNow.Add(-24 * time.Hour), Author: adminEmail}}})
	e.maints.add(&sitrep.Maintenance{ID: "mnt-2", Title: "Storage swap" + p, Components: []string{"video"},
		PlannedStart: testNow.Add(-3 * time.Hour), PlannedEnd: testNow.Add(-time.Hour), ActualStart: testNow.Add(-3 * time.Hour),
		Status: sitrep.MaintenanceInProgress, Overrun: true, OverrunAt: testNow.Add(-time.Hour)})

	e.accounts.tokens = []sitrep.APIToken{{ID: "t0", Name: "deploy" + p, Role: sitrep.RoleResponder, CreatedBy: adminEmail + p,
		CreatedAt: testNow.Add(-48 * time.Hour), LastUsedAt: testNow.Add(-time.Hour)}}
	e.accounts.audit = []sitrep.AuditEntry{
		{ID: "a-1", At: testNow.Add(-2 * time.Hour), Actor: adminEmail, Action: "user.create", Target: "user/u-" + viewerEmail, Detail: "viewer" + p, IP: "127.0.0.1"},
		{ID: "a-2", At: testNow.Add(-time.Hour), Actor: "token:deploy" + p, Action: "incident.update", Target: "incident/inc-1", Detail: "=HYPERLINK(\"x\")" + p, IP: "127.0.0.2"},
	}
	e.subs = &fakeSubscribers{subs: []*sitrep.Subscriber{
		{ID: "s-2", Page: "main", Kind: sitrep.SubscriberWebhook, Address: "https://hooks.example.com/x?" + p, Confirmed: true,
			CreatedAt: testNow.Add(-2 * time.Hour), ConfirmedAt: testNow.Add(-2 * time.Hour)},
		{ID: "s-1", Page: "main", Kind: sitrep.SubscriberEmail, Address: "ann" + p + "@example.com", Components: []string{"video" + p},
			CreatedAt: testNow.Add(-24 * time.Hour)},
	}}
	e.outbox = &fakeOutbox{ds: []sitrep.Delivery{
		{ID: "d-3", EventID: "e-2", Kind: sitrep.EventIncidentUpdated, Channel: "subscriber", Recipient: "ann@example.com", State: sitrep.DeliveryPending,
			CreatedAt: testNow.Add(-10 * time.Minute), NextAttemptAt: testNow},
		{ID: "d-2", EventID: "e-1", Kind: sitrep.EventAlertTriggered, Channel: "ops-slack" + p, Recipient: "https://hooks.slack.com/services" + p,
			State: sitrep.DeliveryFailed, Attempts: 12, CreatedAt: testNow.Add(-3 * time.Hour), LastError: "status 404: no_service" + p,
			OrderKey: "alert:al-3"},
		{ID: "d-1", EventID: "e-1", Kind: sitrep.EventIncidentOpened, Channel: "subscriber", Recipient: "bob@example.com", State: sitrep.DeliveryPending,
			CreatedAt: testNow.Add(-40 * time.Minute), NextAttemptAt: testNow.Add(time.Minute)},
		// Delivered pages, which only the alerts list shows.
		{ID: "d-5", EventID: "e-5", Kind: sitrep.EventAlertEscalated, Channel: "lead-email", State: sitrep.DeliveryDelivered,
			OrderKey: "alert:al-3", CreatedAt: testNow.Add(-10 * time.Minute), DeliveredAt: testNow.Add(-10 * time.Minute)},
		{ID: "d-4", EventID: "e-4", Kind: sitrep.EventAlertTriggered, Channel: "kari-sms", State: sitrep.DeliveryDelivered,
			OrderKey: "alert:al-2", CreatedAt: testNow.Add(-2 * time.Hour), DeliveredAt: testNow.Add(-2 * time.Hour)},
		{ID: "d-0", EventID: "e-0", Kind: sitrep.EventAlertResolved, Channel: "kari-sms", State: sitrep.DeliveryDelivered,
			OrderKey: "alert:al-1", CreatedAt: testNow.Add(-25 * time.Hour), DeliveredAt: testNow.Add(-25 * time.Hour)},
	}}
	e.alerts = &fakeAlerts{clock: c, oncall: []sitrep.OnCall{{Schedule: "primary", Rotation: "weekly", Member: sitrep.OnCallMember{Name: "Kari" + p, Channel: "kari-sms"},
		From: testNow.Add(-24 * time.Hour), Until: testNow.Add(6 * 24 * time.Hour)}}}
	// Newest first: one paging, one someone is on, one over. "gone" is a
	// monitor no longer declared.
	e.alerts.alerts = []sitrep.Alert{
		{ID: "al-3", Key: "route-0/monitor/api", MonitorIDs: []string{"api"}, Route: "route-0", Policy: "default" + p,
			State: sitrep.AlertTriggered, Severity: sitrep.StateDown, Level: 1, TriggeredAt: testNow.Add(-20 * time.Minute),
			LastNotifiedAt: testNow.Add(-5 * time.Minute), Summary: "API is down" + p},
		{ID: "al-2", Key: "route-0/component/courses", MonitorIDs: []string{"web", "gone"}, ComponentIDs: []string{"courses"}, Route: "route-0",
			State: sitrep.AlertAcknowledged, Severity: sitrep.StateDegraded, TriggeredAt: testNow.Add(-2 * time.Hour),
			AckedAt: testNow.Add(-100 * time.Minute), AckedBy: "kari" + p + "@example.com", Summary: "2 monitors are degraded: Web, gone" + p},
		{ID: "al-1", Key: "route-0/monitor/backup", MonitorIDs: []string{"backup"}, Route: "route-0",
			State: sitrep.AlertResolved, Severity: sitrep.StateDown, TriggeredAt: testNow.Add(-26 * time.Hour),
			ResolvedAt: testNow.Add(-25 * time.Hour), Summary: "Nightly backup is down" + p},
	}

	opts := Options{
		Accounts: e.accounts, Monitors: e.monitors, Incidents: e.incs, Maintenances: e.maints,
		Components: func() []sitrep.Component { return comps },
		Declared:   func(id string) *sitrep.Monitor { return declared[id] },
		ConfigFile: "/etc/sitrep/sitrep.yaml", Clock: c, Secure: o.secure, Identity: o.idp,
	}
	if !o.bare {
		opts.SubscriberStore, opts.Deliveries, opts.Alerts = e.subs, e.outbox, e.alerts
		opts.SendPasswordReset = func(ctx context.Context, email, token string) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.resetsSent = append(e.resetsSent, email+" "+token)
			return nil
		}
	}
	ui, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ui.newToken = func() string { return preValue }
	e.ui = ui
	return e
}

// get requests path as the signed-in user email ("" for nobody).
func (e *env) get(t testing.TB, path, email string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if email != "" {
		tok, _ := e.accounts.signIn(email)
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: tok})
	}
	w := httptest.NewRecorder()
	e.ui.ServeHTTP(w, r)
	return w
}

// post sends a form as a same-origin browser would, with the session's
// CSRF token unless withCSRF is false.
func (e *env) post(t testing.TB, path, email string, form url.Values, withCSRF bool, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	var cookie *http.Cookie
	if email != "" {
		tok, csrf := e.accounts.signIn(email)
		cookie = &http.Cookie{Name: sessionCookie, Value: tok}
		if withCSRF {
			form.Set(csrfField, csrf)
		}
	}
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	if cookie != nil {
		r.AddCookie(cookie)
	}
	w := httptest.NewRecorder()
	e.ui.ServeHTTP(w, r)
	return w
}

// golden compares got with testdata/name.html, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".html")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update if the change is intended):\n%s", path, firstDiff(want, got))
	}
}

func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d\nwant: %s\ngot:  %s", i+1, w, g)
		}
	}
	return ""
}
