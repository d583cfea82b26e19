package admin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// moreWriteCases are the state-changing requests of the subscriber,
// delivery, user, token and account pages, with the least role that may
// make them and the answer it gets.
var moreWriteCases = []struct {
	name   string
	path   string
	form   url.Values
	least  string // email of the least role allowed
	status int
}{
	{"remove subscriber", "/admin/subscribers/s-1/remove", nil, responderEmail, http.StatusSeeOther},
	{"retry delivery", "/admin/deliveries/d-2/retry", nil, responderEmail, http.StatusSeeOther},
	{"acknowledge alert", "/admin/alerts/al-3/ack", url.Values{"back": {"dashboard"}}, responderEmail, http.StatusSeeOther},
	{"create user", "/admin/users", url.Values{"email": {"new@example.com"}, "role": {"viewer"}, "password": {"a long password"}}, adminEmail, http.StatusSeeOther},
	{"disable user", "/admin/users/u-" + viewerEmail + "/disable", nil, adminEmail, http.StatusSeeOther},
	{"create token", "/admin/tokens", url.Values{"name": {"ci"}, "role": {"viewer"}}, adminEmail, http.StatusOK},
	{"revoke token", "/admin/tokens/t0/revoke", nil, adminEmail, http.StatusSeeOther},
	{"begin totp", "/admin/account/totp", nil, viewerEmail, http.StatusOK},
	{"change password", "/admin/account/password", url.Values{"current": {testPassword}, "password": {"a new long password"}, "password2": {"a new long password"}}, viewerEmail, http.StatusSeeOther},
}

var rank = map[string]int{viewerEmail: 0, responderEmail: 1, adminEmail: 2}

// changes counts what reached the services.
func (e *env) changes() int {
	return len(e.accounts.callLog()) + len(e.subs.deletedIDs()) + len(e.outbox.retriedIDs()) + len(e.alerts.ackLog())
}

func TestMoreWritesAllowed(t *testing.T) {
	for _, tc := range moreWriteCases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOpts{})
			w := e.post(t, tc.path, tc.least, clone(tc.form), true)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if e.changes() == 0 {
				t.Error("nothing reached the service")
			}
		})
	}
}

func TestMoreWritesRefused(t *testing.T) {
	for _, tc := range moreWriteCases {
		refusals := []struct {
			name     string
			email    string
			withCSRF bool
			headers  []string
			status   int
			says     string
		}{
			{"without CSRF token", tc.least, false, nil, http.StatusForbidden, "security token"},
			{"cross-site fetch", tc.least, true, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden, "another site"},
			{"cross-origin Origin", tc.least, true, []string{"Sec-Fetch-Site", "", "Origin", "https://evil.example"}, http.StatusForbidden, "another site"},
			{"signed out", "", false, nil, http.StatusUnauthorized, "sign in again"},
		}
		// Every role below the least allowed one is refused.
		for email, r := range rank {
			if r < rank[tc.least] {
				refusals = append(refusals, struct {
					name     string
					email    string
					withCSRF bool
					headers  []string
					status   int
					says     string
				}{"as " + email, email, true, nil, http.StatusForbidden, "may not do this"})
			}
		}
		for _, rf := range refusals {
			t.Run(tc.name+"/"+rf.name, func(t *testing.T) {
				e := newEnv(t, envOpts{})
				w := e.post(t, tc.path, rf.email, clone(tc.form), rf.withCSRF, rf.headers...)
				if w.Code != rf.status {
					t.Fatalf("status %d, want %d: %s", w.Code, rf.status, w.Body)
				}
				if !strings.Contains(w.Body.String(), rf.says) {
					t.Errorf("the page does not say %q:\n%s", rf.says, w.Body)
				}
				if n := e.changes(); n != 0 {
					t.Errorf("refused request reached the services: %v", e.accounts.callLog())
				}
			})
		}
	}
}

func TestRestrictedPages(t *testing.T) {
	cases := []struct {
		path   string
		email  string
		status int
	}{
		{"/admin/users", responderEmail, http.StatusForbidden},
		{"/admin/audit", responderEmail, http.StatusForbidden},
		{"/admin/audit.csv", responderEmail, http.StatusForbidden},
		{"/admin/subscribers", viewerEmail, http.StatusForbidden},
		{"/admin/subscribers.csv", viewerEmail, http.StatusForbidden},
		{"/admin/deliveries", viewerEmail, http.StatusForbidden},
		{"/admin/account", viewerEmail, http.StatusOK},
		{"/admin/users", "", http.StatusSeeOther},
	}
	e := newEnv(t, envOpts{})
	for _, tc := range cases {
		t.Run(tc.path+" as "+tc.email, func(t *testing.T) {
			w := e.get(t, tc.path, tc.email)
			if w.Code != tc.status {
				t.Errorf("status %d, want %d", w.Code, tc.status)
			}
			if tc.status == http.StatusForbidden && !strings.Contains(w.Body.String(), "may not open this page") {
				t.Errorf("the refusal does not say why:\n%s", w.Body)
			}
		})
	}
	// The navigation offers only what the role may open.
	nav := func(email string) string {
		b := e.get(t, "/admin/", email).Body.String()
		return b[strings.Index(b, "<nav"):strings.Index(b, "</nav>")]
	}
	for email, want := range map[string][]string{
		viewerEmail:    {"/admin/account"},
		responderEmail: {"/admin/account", "/admin/subscribers", "/admin/deliveries"},
		adminEmail:     {"/admin/account", "/admin/subscribers", "/admin/deliveries", "/admin/users", "/admin/audit"},
	} {
		n := nav(email)
		for _, link := range append(want, "/admin/alerts") {
			if !strings.Contains(n, `href="`+link+`"`) {
				t.Errorf("%s: the navigation lacks %s", email, link)
			}
		}
		// Dashboard, alerts, monitors, incidents and maintenance are for everyone.
		if got := strings.Count(n, "<li>"); got != 5+len(want) {
			t.Errorf("%s: %d links in the navigation, want %d:\n%s", email, got, 5+len(want), n)
		}
	}
}

// TestOptionalServicesHidden checks that a UI without the optional
// services hides their pages and sections instead of failing.
func TestOptionalServicesHidden(t *testing.T) {
	e := newEnv(t, envOpts{bare: true})
	for _, p := range []string{"/admin/subscribers", "/admin/subscribers.csv", "/admin/deliveries"} {
		if w := e.get(t, p, adminEmail); w.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, w.Code)
		}
	}
	body := e.get(t, "/admin/", adminEmail).Body.String()
	for _, s := range []string{"On call", "Undelivered", "/admin/subscribers", "/admin/deliveries"} {
		if strings.Contains(body, s) {
			t.Errorf("the dashboard shows %q without its service", s)
		}
	}
	if w := e.post(t, "/admin/subscribers/s-1/remove", adminEmail, nil, true); w.Code != http.StatusNotFound {
		t.Errorf("remove without a store: %d", w.Code)
	}
	if body := e.get(t, "/reset", "").Body.String(); !strings.Contains(body, "Ask an administrator") || strings.Contains(body, `action="/reset"`) {
		t.Errorf("reset without mail:\n%s", body)
	}
	if w := anonPost(t, e, "/reset", url.Values{"email": {adminEmail}}); w.StatusCode != http.StatusOK || len(e.accounts.callLog()) != 0 {
		t.Errorf("reset request without mail: %d %v", w.StatusCode, e.accounts.callLog())
	}
}

// anonPost sends a form shown before sign-in, with the pre-session value.
func anonPost(t *testing.T, e *env, path string, form url.Values, hdr ...string) *http.Response {
	t.Helper()
	return anonPostWith(t, e, path, form, true, hdr...)
}

func TestResetFormsGuarded(t *testing.T) {
	for _, path := range []string{"/reset", "/reset/reset-" + viewerEmail} {
		form := url.Values{"email": {viewerEmail}, "password": {"a new long password"}, "password2": {"a new long password"}}
		t.Run(path+"/without pre value", func(t *testing.T) {
			e := newEnv(t, envOpts{})
			e.accounts.resets["reset-"+viewerEmail] = viewerEmail
			if w := anonPostWith(t, e, path, clone(form), false); w.StatusCode != http.StatusForbidden || len(e.accounts.callLog()) != 0 {
				t.Errorf("status %d, calls %v", w.StatusCode, e.accounts.callLog())
			}
		})
		t.Run(path+"/cross-site", func(t *testing.T) {
			e := newEnv(t, envOpts{})
			e.accounts.resets["reset-"+viewerEmail] = viewerEmail
			if w := anonPost(t, e, path, clone(form), "Sec-Fetch-Site", "cross-site"); w.StatusCode != http.StatusForbidden || len(e.accounts.callLog()) != 0 {
				t.Errorf("status %d, calls %v", w.StatusCode, e.accounts.callLog())
			}
		})
	}
}

func TestNewFormsInjectionInert(t *testing.T) {
	e := newEnv(t, envOpts{payload: payload})
	cases := []struct {
		name, path, email string
		form              url.Values
		status            int
	}{
		{"user form", "/admin/users", adminEmail, url.Values{"email": {payload}, "name": {payload}, "role": {"viewer"}, "password": {"a long password"}}, http.StatusBadRequest},
		{"user role", "/admin/users", adminEmail, url.Values{"email": {"x@example.com"}, "name": {payload}, "role": {payload}}, http.StatusBadRequest},
		{"token form", "/admin/tokens", adminEmail, url.Values{"name": {payload}, "role": {payload}}, http.StatusBadRequest},
		{"token expiry", "/admin/tokens", adminEmail, url.Values{"name": {payload}, "role": {"viewer"}, "expires": {payload}}, http.StatusBadRequest},
		{"totp confirm", "/admin/account/totp/confirm", viewerEmail, url.Values{"code": {payload}, "secret": {payload}, "otpauth": {payload}}, http.StatusBadRequest},
	}
	e.accounts.pendingTOTP = "u-" + viewerEmail
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := e.post(t, tc.path, tc.email, clone(tc.form), true)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			assertInert(t, w.Body.String())
		})
	}
	t.Run("subscriber search", func(t *testing.T) {
		w := e.get(t, "/admin/subscribers?q="+url.QueryEscape(payload)+"&page="+url.QueryEscape(payload), responderEmail)
		assertInert(t, w.Body.String())
	})
	t.Run("subscriber kind", func(t *testing.T) {
		w := e.get(t, "/admin/subscribers?kind="+url.QueryEscape(payload), responderEmail)
		if w.Code != http.StatusBadRequest {
			t.Errorf("status %d", w.Code)
		}
		assertInert(t, w.Body.String())
	})
	t.Run("new token shown", func(t *testing.T) {
		w := e.post(t, "/admin/tokens", adminEmail, url.Values{"name": {payload}, "role": {"viewer"}}, true)
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
		assertInert(t, w.Body.String())
	})
	t.Run("reset token in path", func(t *testing.T) {
		w := e.get(t, "/reset/"+url.PathEscape(payload), "")
		body := w.Body.String()
		for _, bad := range []string{"<script>alert", "<img src=x"} {
			if strings.Contains(body, bad) {
				t.Errorf("live markup %q", bad)
			}
		}
	})
}

func assertInert(t *testing.T, body string) {
	t.Helper()
	for _, bad := range []string{"<script>alert", "<img src=x", "onerror=alert(2)>", `href="javascript:`} {
		if i := strings.Index(body, bad); i >= 0 {
			t.Errorf("live markup %q in the page: …%s…", bad, body[max(0, i-120):min(len(body), i+80)])
		}
	}
	if !strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("the payload is not shown as text:\n%s", body)
	}
}
