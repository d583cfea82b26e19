package admin

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// writeCases are every state-changing request with a form that would
// succeed for a responder.
var writeCases = []struct {
	name string
	path string
	form url.Values
}{
	{"open incident", "/admin/incidents", url.Values{"title": {"Down"}, "impact": {"major"}, "status": {"investigating"}, "message": {"Looking"}}},
	{"post update", "/admin/incidents/inc-1/updates", url.Values{"status": {"monitoring"}, "message": {"Fixed, watching"}}},
	{"resolve", "/admin/incidents/inc-1/resolve", url.Values{"message": {"Done"}}},
	{"postmortem", "/admin/incidents/inc-0/postmortem", url.Values{"summary": {"It broke"}}},
	{"schedule", "/admin/maintenances", url.Values{"title": {"Work"}, "start": {"2026-11-22T10:00"}, "end": {"2026-11-22T11:00"}}},
	{"start", "/admin/maintenances/mnt-1/start", nil},
	{"extend", "/admin/maintenances/mnt-2/extend", url.Values{"end": {"2026-11-21T14:00"}}},
	{"complete", "/admin/maintenances/mnt-2/complete", nil},
	{"edit maintenance", "/admin/maintenances/mnt-1/edit", url.Values{"title": {"Work"}, "start": {"2026-11-22T10:00"}, "end": {"2026-11-22T11:00"},
		"components": {"courses"}}},
}

func (e *env) writes() int { return len(e.incs.callLog()) + len(e.maints.callLog()) }

func clone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func TestWritesAllowedForResponder(t *testing.T) {
	for _, tc := range writeCases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOpts{})
			w := e.post(t, tc.path, responderEmail, clone(tc.form), true)
			if w.Code != http.StatusSeeOther {
				t.Fatalf("status %d, want 303: %s", w.Code, w.Body)
			}
			if e.writes() != 1 {
				t.Errorf("service calls: %v %v", e.incs.callLog(), e.maints.callLog())
			}
		})
	}
}

func TestWritesRefused(t *testing.T) {
	refusals := []struct {
		name     string
		email    string
		withCSRF bool
		headers  []string
		status   int
		says     string
	}{
		{"without CSRF token", responderEmail, false, nil, http.StatusForbidden, "security token"},
		{"cross-site fetch", responderEmail, true, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden, "another site"},
		{"cross-origin Origin", responderEmail, true, []string{"Sec-Fetch-Site", "", "Origin", "https://evil.example"}, http.StatusForbidden, "another site"},
		{"viewer", viewerEmail, true, nil, http.StatusForbidden, "may look but not change"},
		{"signed out", "", false, nil, http.StatusUnauthorized, "sign in again"},
	}
	for _, rf := range refusals {
		for _, tc := range writeCases {
			t.Run(rf.name+"/"+tc.name, func(t *testing.T) {
				e := newEnv(t, envOpts{})
				w := e.post(t, tc.path, rf.email, clone(tc.form), rf.withCSRF, rf.headers...)
				if w.Code != rf.status {
					t.Fatalf("status %d, want %d: %s", w.Code, rf.status, w.Body)
				}
				if !strings.Contains(w.Body.String(), rf.says) {
					t.Errorf("the page does not say %q:\n%s", rf.says, w.Body)
				}
				if e.writes() != 0 {
					t.Errorf("refused request reached the service: %v %v", e.incs.callLog(), e.maints.callLog())
				}
			})
		}
	}
	// A wrong token is as bad as none.
	e := newEnv(t, envOpts{})
	form := clone(writeCases[0].form)
	form.Set(csrfField, "csrf-someone-else")
	if w := e.post(t, writeCases[0].path, responderEmail, form, false); w.Code != http.StatusForbidden {
		t.Errorf("wrong CSRF token: status %d", w.Code)
	}
}

// TestViewerGoldenRefusal pins the 403 page a viewer sees.
func TestViewerGoldenRefusal(t *testing.T) {
	e := newEnv(t, envOpts{})
	w := e.post(t, "/admin/incidents", viewerEmail, clone(writeCases[0].form), true)
	golden(t, "forbidden", w.Body.Bytes())
}

const payload = `"'><script>alert(1)</script><img src=x onerror=alert(2)>`

// TestInjectionInert puts markup into every text a person or a monitored
// target could have written and checks that every view shows it as text.
func TestInjectionInert(t *testing.T) {
	e := newEnv(t, envOpts{payload: payload})
	check := func(t *testing.T, body string) {
		t.Helper()
		for _, bad := range []string{"<script>alert", "<img src=x", "onerror=alert(2)>", `href="javascript:`} {
			if strings.Contains(body, bad) {
				i := strings.Index(body, bad)
				t.Errorf("live markup %q in the page: …%s…", bad, body[max(0, i-120):min(len(body), i+80)])
			}
		}
		if !strings.Contains(body, "&lt;script&gt;") && !strings.Contains(body, "&#34;&#39;&gt;&lt;script&gt;") {
			t.Errorf("the payload is not shown as text")
		}
	}
	for _, tc := range pageCases {
		// The account pages show only the user's own record, which the
		// payload does not reach; TestNewFormsInjectionInert covers their forms.
		if tc.email == "" || tc.status != http.StatusOK || strings.HasPrefix(tc.name, "monitors_filtered") ||
			strings.HasPrefix(tc.name, "account") || strings.HasPrefix(tc.name, "subscribers_filtered") {
			continue
		}
		t.Run(tc.name, func(t *testing.T) { check(t, e.get(t, tc.path, tc.email).Body.String()) })
	}
	t.Run("filter text", func(t *testing.T) {
		check(t, e.get(t, "/admin/monitors?q="+url.QueryEscape(payload)+"&state="+url.QueryEscape(payload), responderEmail).Body.String())
	})
	t.Run("incident preview", func(t *testing.T) {
		w := e.post(t, "/admin/incidents", responderEmail, url.Values{"title": {payload}, "impact": {"minor"}, "status": {"investigating"},
			"message": {payload + "\n[click](javascript:alert(3))"}, "component.video": {"major_outage"}, "action": {"preview"}}, true)
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
		check(t, w.Body.String())
	})
	t.Run("postmortem preview", func(t *testing.T) {
		w := e.post(t, "/admin/incidents/inc-0/postmortem", responderEmail, url.Values{"summary": {payload}, "root_cause": {payload},
			"timeline": {"2026-11-21 10:00 " + payload}, "action.title": {payload}, "action.owner": {payload}, "action": {"preview"}}, true)
		if w.Code != http.StatusOK {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		check(t, w.Body.String())
	})
	t.Run("rejected form", func(t *testing.T) {
		w := e.post(t, "/admin/incidents", responderEmail, url.Values{"title": {payload}, "impact": {payload}}, true)
		if w.Code != http.StatusBadRequest {
			t.Fatalf("status %d", w.Code)
		}
		check(t, w.Body.String())
	})
	t.Run("login email", func(t *testing.T) {
		w := loginPost(t, e, url.Values{"email": {payload}, "password": {"x"}}, "")
		check(t, w.Body.String())
	})
}

// loginPost sends the login form with the pre-session cookie and value.
func loginPost(t *testing.T, e *env, form url.Values, session string) *httptest.ResponseRecorder {
	t.Helper()
	form.Set(csrfField, preValue)
	r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(&http.Cookie{Name: preCookie, Value: preValue})
	if session != "" {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	}
	w := httptest.NewRecorder()
	e.ui.ServeHTTP(w, r)
	return w
}

func sessionFrom(t *testing.T, w *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	t.Fatalf("no session cookie set; headers %v", w.Header())
	return nil
}

func TestLoginFlow(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "tls"}[secure], func(t *testing.T) {
			e := newEnv(t, envOpts{secure: secure})
			// A cookie planted before sign-in is never the one signed in.
			w := loginPost(t, e, url.Values{"email": {adminEmail}, "password": {testPassword}, "next": {"/admin/incidents"}}, "planted")
			if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login?step=totp") {
				t.Fatalf("password step: %d %s", w.Code, w.Header().Get("Location"))
			}
			c := sessionFrom(t, w)
			if c.Value == "planted" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure {
				t.Errorf("cookie %+v", c)
			}
			// Waiting for the second factor is not signed in.
			if w := e.get(t, "/admin/", ""); w.Code != http.StatusSeeOther {
				t.Errorf("pending session reached the dashboard: %d", w.Code)
			}
			bad := loginPost(t, e, url.Values{"code": {"000000"}, "step": {"totp"}}, c.Value)
			if bad.Code != http.StatusUnauthorized || !strings.Contains(bad.Body.String(), "That code is not valid") {
				t.Errorf("wrong code: %d %s", bad.Code, bad.Body)
			}
			ok := loginPost(t, e, url.Values{"code": {totpCode}, "step": {"totp"}, "next": {"/admin/incidents"}}, c.Value)
			if ok.Code != http.StatusSeeOther || ok.Header().Get("Location") != "/admin/incidents" {
				t.Fatalf("code step: %d %s %s", ok.Code, ok.Header().Get("Location"), ok.Body)
			}
			c2 := sessionFrom(t, ok)
			if c2.Value == c.Value || !c2.HttpOnly || c2.Secure != secure {
				t.Errorf("second-factor cookie %+v (first %q)", c2, c.Value)
			}
			r := httptest.NewRequest(http.MethodGet, "/admin/", nil)
			r.AddCookie(c2)
			rw := httptest.NewRecorder()
			e.ui.ServeHTTP(rw, r)
			if rw.Code != http.StatusOK {
				t.Errorf("dashboard after sign-in: %d", rw.Code)
			}
		})
	}
}

func TestLoginRefusals(t *testing.T) {
	e := newEnv(t, envOpts{})
	cases := []struct {
		name   string
		form   url.Values
		status int
		says   string
	}{
		{"wrong password", url.Values{"email": {adminEmail}, "password": {"nope"}}, http.StatusUnauthorized, "Wrong email or password."},
		{"unknown email", url.Values{"email": {"who@example.com"}, "password": {"nope"}}, http.StatusUnauthorized, "Wrong email or password."},
		{"code without password step", url.Values{"code": {totpCode}}, http.StatusUnauthorized, "with your email and password first"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := loginPost(t, e, tc.form, "")
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.says) {
				t.Errorf("%d %s", w.Code, w.Body)
			}
		})
	}
	t.Run("without pre-session value", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader("email=a&password=b"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		e.ui.ServeHTTP(w, r)
		if w.Code != http.StatusForbidden {
			t.Errorf("status %d", w.Code)
		}
	})
	t.Run("oversized form", func(t *testing.T) {
		w := loginPost(t, e, url.Values{"email": {strings.Repeat("a", maxFormBytes)}, "password": {"x"}}, "")
		if w.Code == http.StatusSeeOther || w.Code == http.StatusOK {
			t.Errorf("status %d", w.Code)
		}
	})
	t.Run("cross-site", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader("email=a&password=b&csrf="+preValue))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		r.AddCookie(&http.Cookie{Name: preCookie, Value: preValue})
		w := httptest.NewRecorder()
		e.ui.ServeHTTP(w, r)
		if w.Code != http.StatusForbidden {
			t.Errorf("status %d", w.Code)
		}
	})
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/admin/incidents?x=1":  "/admin/incidents?x=1",
		"":                      "/admin/",
		"https://evil.example/": "/admin/",
		"//evil.example/admin/": "/admin/",
		"/login":                "/admin/",
		"javascript:alert(1)":   "/admin/",
		"/admin/../../evil":     "/admin/../../evil",
		"https://x/admin/":      "/admin/",
		"/admin/monitors/a%20b": "/admin/monitors/a%20b",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLogout(t *testing.T) {
	e := newEnv(t, envOpts{})
	w := e.post(t, "/logout", viewerEmail, nil, true)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login" {
		t.Fatalf("%d %s", w.Code, w.Header().Get("Location"))
	}
	if c := sessionFrom(t, w); c.MaxAge >= 0 {
		t.Errorf("cookie not cleared: %+v", c)
	}
	if _, err := e.accounts.Session(t.Context(), "sess-"+viewerEmail); err == nil {
		t.Error("session still valid after logout")
	}
	if w := e.post(t, "/logout", viewerEmail, nil, false); w.Code != http.StatusForbidden {
		t.Errorf("logout without CSRF token: %d", w.Code)
	}
	if w := e.post(t, "/logout", "", nil, false); w.Code != http.StatusSeeOther {
		t.Errorf("logout without a session: %d", w.Code)
	}
}

func TestSetupFlow(t *testing.T) {
	post := func(e *env, form url.Values) *httptest.ResponseRecorder {
		form.Set(csrfField, preValue)
		r := httptest.NewRequest(http.MethodPost, "/setup", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.AddCookie(&http.Cookie{Name: preCookie, Value: preValue})
		w := httptest.NewRecorder()
		e.ui.ServeHTTP(w, r)
		return w
	}
	good := url.Values{"token": {"setup-secret"}, "email": {"boss@example.com"}, "password": {"a long password"}, "password2": {"a long password"}}
	cases := []struct {
		name   string
		change func(url.Values)
		status int
		says   string
	}{
		{"ok", func(url.Values) {}, http.StatusSeeOther, ""},
		{"wrong token", func(v url.Values) { v.Set("token", "guess") }, http.StatusUnauthorized, "setup link is not valid"},
		{"passwords differ", func(v url.Values) { v.Set("password2", "other") }, http.StatusBadRequest, "password2: the two passwords differ"},
		{"short password", func(v url.Values) { v.Set("password", "short"); v.Set("password2", "short") }, http.StatusBadRequest, "password: use at least 12"},
		{"bad email", func(v url.Values) { v.Set("email", "<b>boss</b>") }, http.StatusBadRequest, "&lt;b&gt;boss&lt;/b&gt;"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOpts{noUsers: true})
			form := clone(good)
			tc.change(form)
			w := post(e, form)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.says) {
				t.Errorf("%d %s", w.Code, w.Body)
			}
		})
	}
}
