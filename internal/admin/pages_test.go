package admin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sitrep"
)

// pageCases are every view, with who looks at it; the golden and the
// injection tests share them.
var pageCases = []struct {
	name   string
	path   string
	email  string
	status int
}{
	{"login", "/login", "", http.StatusOK},
	{"login_totp", "/login?step=totp&next=/admin/incidents", "", http.StatusOK},
	{"dashboard", "/admin/", responderEmail, http.StatusOK},
	{"monitors", "/admin/monitors", responderEmail, http.StatusOK},
	{"monitors_filtered", "/admin/monitors?state=down&type=tcp&q=api", responderEmail, http.StatusOK},
	{"monitor", "/admin/monitors/web", responderEmail, http.StatusOK},
	{"monitor_7d", "/admin/monitors/web?range=7d", responderEmail, http.StatusOK},
	{"incidents", "/admin/incidents", responderEmail, http.StatusOK},
	{"incident_new", "/admin/incidents/new", responderEmail, http.StatusOK},
	{"incident", "/admin/incidents/inc-1", responderEmail, http.StatusOK},
	{"incident_resolved", "/admin/incidents/inc-0", responderEmail, http.StatusOK},
	{"incident_viewer", "/admin/incidents/inc-1", viewerEmail, http.StatusOK},
	{"postmortem", "/admin/incidents/inc-0/postmortem", responderEmail, http.StatusOK},
	{"maintenances", "/admin/maintenances", responderEmail, http.StatusOK},
	{"maintenance_new", "/admin/maintenances/new", responderEmail, http.StatusOK},
	{"maintenance_scheduled", "/admin/maintenances/mnt-1", responderEmail, http.StatusOK},
	{"maintenance_active", "/admin/maintenances/mnt-2", responderEmail, http.StatusOK},
	{"subscribers", "/admin/subscribers", responderEmail, http.StatusOK},
	{"subscribers_filtered", "/admin/subscribers?kind=email&confirmed=no&q=ann", responderEmail, http.StatusOK},
	{"deliveries", "/admin/deliveries", responderEmail, http.StatusOK},
	{"audit", "/admin/audit", adminEmail, http.StatusOK},
	{"users", "/admin/users", adminEmail, http.StatusOK},
	{"account", "/admin/account", viewerEmail, http.StatusOK},
	{"account_totp_on", "/admin/account", adminEmail, http.StatusOK},
	{"reset", "/reset", "", http.StatusOK},
	{"reset_token", "/reset/tok-abc", "", http.StatusOK},
	{"not_found", "/admin/nothing-here", responderEmail, http.StatusNotFound},
	{"incident_not_found", "/admin/incidents/nope", responderEmail, http.StatusNotFound},
}

func TestPagesGolden(t *testing.T) {
	e := newEnv(t, envOpts{})
	for _, tc := range pageCases {
		t.Run(tc.name, func(t *testing.T) {
			w := e.get(t, tc.path, tc.email)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			golden(t, tc.name, w.Body.Bytes())
		})
	}
}

func TestSetupPage(t *testing.T) {
	e := newEnv(t, envOpts{noUsers: true})
	w := e.get(t, "/setup?token=setup-secret", "")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	golden(t, "setup", w.Body.Bytes())

	done := newEnv(t, envOpts{})
	if w := done.get(t, "/setup?token=x", ""); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login" {
		t.Errorf("setup after setup: %d %s", w.Code, w.Header().Get("Location"))
	}
}

func TestSignedOutIsSentToLogin(t *testing.T) {
	e := newEnv(t, envOpts{})
	w := e.get(t, "/admin/incidents/inc-1?x=1", "")
	if w.Code != http.StatusSeeOther {
		t.Fatalf("status %d", w.Code)
	}
	if got, want := w.Header().Get("Location"), "/login?next="+url.QueryEscape("/admin/incidents/inc-1?x=1"); got != want {
		t.Errorf("Location %q, want %q", got, want)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, envOpts{})
	for _, path := range []string{"/login", "/admin/", "/admin/nothing"} {
		w := e.get(t, path, responderEmail)
		h := w.Header()
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", path, h)
		}
		if strings.Contains(w.Body.String(), "<script>") || strings.Contains(w.Body.String(), "style=") {
			t.Errorf("%s: inline script or style", path)
		}
	}
	w := e.get(t, "/admin/static/admin.css", "")
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
}

func TestComponentsFromPage(t *testing.T) {
	e := newEnv(t, envOpts{})
	ui, err := New(Options{Accounts: e.accounts, Monitors: e.monitors, Incidents: e.incs, Maintenances: e.maints, Clock: e.clock,
		Pages: fakePages{snap: &sitrep.StatusPage{Groups: []sitrep.PageGroup{{Name: "Asia", Components: []sitrep.PageComponent{{ID: "exams", Name: "Exams"}}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.ui = ui
	body := e.get(t, "/admin/incidents/new", responderEmail).Body.String()
	if !strings.Contains(body, `name="component.exams"`) || !strings.Contains(body, "Exams") {
		t.Errorf("components from the page are not offered:\n%s", body)
	}
}

func TestNewNeedsServices(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Fatal("New without services: no error")
	}
}
