package admin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"sitrep"
)

// fakeIdP stands in for internal/oidc; the flow through a real provider is
// tested in internal/app.
type fakeIdP struct {
	beginErr  error
	finishErr error
	email     string
	gotFlow   string
}

func (f *fakeIdP) Label() string { return "Sign in with Example SSO" }

func (f *fakeIdP) Begin(ctx context.Context, next string) (string, string, error) {
	if f.beginErr != nil {
		return "", "", f.beginErr
	}
	return "https://id.example.com/authorize?state=s", "sealed-flow|" + next, nil
}

func (f *fakeIdP) Finish(ctx context.Context, flow string, q url.Values) (*sitrep.ExternalIdentity, string, error) {
	f.gotFlow = flow
	if f.finishErr != nil {
		return nil, "", f.finishErr
	}
	_, next, _ := strings.Cut(flow, "|")
	return &sitrep.ExternalIdentity{Provider: "oidc", Email: f.email}, next, nil
}

func TestOIDCRoutes(t *testing.T) {
	callback := func(e *env, flow string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/login/oidc/callback?state=s&code=c", nil)
		if flow != "" {
			r.AddCookie(&http.Cookie{Name: oidcCookie, Value: flow})
		}
		w := httptest.NewRecorder()
		e.ui.ServeHTTP(w, r)
		return w
	}
	cookie := func(w *httptest.ResponseRecorder, name string) *http.Cookie {
		for _, c := range w.Result().Cookies() {
			if c.Name == name {
				return c
			}
		}
		return nil
	}

	t.Run("button", func(t *testing.T) {
		e := newEnv(t, envOpts{idp: &fakeIdP{}})
		body := e.get(t, "/login?next=/admin/incidents", "").Body.String()
		if !strings.Contains(body, `<a class="button" id="sso" href="/login/oidc?next=%2fadmin%2fincidents">Sign in with Example SSO</a>`) {
			t.Errorf("no SSO button:\n%s", body)
		}
		if body := e.get(t, "/login?step=totp", "").Body.String(); strings.Contains(body, `id="sso"`) {
			t.Error("the second-factor step offers SSO")
		}
		if body := newEnv(t, envOpts{}).get(t, "/login", "").Body.String(); strings.Contains(body, "/login/oidc") {
			t.Error("SSO button without a provider")
		}
		if w := newEnv(t, envOpts{}).get(t, "/login/oidc", ""); w.Code != http.StatusNotFound {
			t.Errorf("/login/oidc without a provider = %d", w.Code)
		}
	})

	t.Run("start", func(t *testing.T) {
		e := newEnv(t, envOpts{idp: &fakeIdP{}, secure: true})
		w := e.get(t, "/login/oidc?next=https://evil.example.com/", "")
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "https://id.example.com/authorize?state=s" {
			t.Fatalf("GET /login/oidc = %d to %q", w.Code, w.Header().Get("Location"))
		}
		c := cookie(w, oidcCookie)
		if c == nil || c.Value != "sealed-flow|/admin/" || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode ||
			c.Path != "/login/oidc" || c.MaxAge != 600 {
			t.Errorf("flow cookie = %+v", c)
		}
		if w := e.get(t, "/login/oidc", adminEmail); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/" {
			t.Errorf("signed in: GET /login/oidc = %d to %q", w.Code, w.Header().Get("Location"))
		}
	})

	t.Run("provider down", func(t *testing.T) {
		e := newEnv(t, envOpts{idp: &fakeIdP{beginErr: sitrep.Errorf(sitrep.EUNAVAILABLE, "the identity provider cannot be reached right now")}})
		w := e.get(t, "/login/oidc", "")
		if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "Single sign-on failed: the identity provider cannot be reached") {
			t.Errorf("GET /login/oidc = %d\n%s", w.Code, w.Body.String())
		}
	})

	t.Run("signed in", func(t *testing.T) {
		e := newEnv(t, envOpts{idp: &fakeIdP{email: responderEmail}})
		w := callback(e, "sealed-flow|/admin/incidents")
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/incidents" {
			t.Fatalf("callback = %d to %q", w.Code, w.Header().Get("Location"))
		}
		if c := cookie(w, sessionCookie); c == nil || c.Value == "" || !c.HttpOnly {
			t.Errorf("session cookie = %+v", c)
		}
		if c := cookie(w, oidcCookie); c == nil || c.MaxAge >= 0 {
			t.Errorf("flow cookie not cleared: %+v", c)
		}
	})

	t.Run("second factor", func(t *testing.T) {
		e := newEnv(t, envOpts{idp: &fakeIdP{email: adminEmail}})
		w := callback(e, "sealed-flow|/admin/incidents")
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?step=totp&next=%2Fadmin%2Fincidents" {
			t.Fatalf("callback = %d to %q", w.Code, w.Header().Get("Location"))
		}
	})

	t.Run("refused by the provider", func(t *testing.T) {
		idp := &fakeIdP{finishErr: sitrep.Errorf(sitrep.EUNAUTHORIZED, "The identity provider did not allow the sign-in (access_denied).")}
		e := newEnv(t, envOpts{idp: idp})
		before := len(e.accounts.audit)
		w := callback(e, "sealed-flow|/admin/")
		if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "did not allow the sign-in (access_denied)") ||
			!strings.Contains(w.Body.String(), `name="password"`) {
			t.Errorf("callback = %d\n%s", w.Code, w.Body.String())
		}
		if len(e.accounts.audit) != before+1 || e.accounts.audit[before].Action != "user.login_refused" || e.accounts.audit[before].Actor != "anonymous" {
			t.Errorf("audit = %+v", e.accounts.audit[before:])
		}
		if cookie(w, sessionCookie) != nil {
			t.Error("refusal set a session cookie")
		}
	})

	t.Run("no flow cookie is not audited", func(t *testing.T) {
		idp := &fakeIdP{finishErr: sitrep.Errorf(sitrep.EUNAUTHORIZED, "This sign-in was not started in this browser")}
		e := newEnv(t, envOpts{idp: idp})
		before := len(e.accounts.audit)
		if w := callback(e, ""); w.Code != http.StatusUnauthorized {
			t.Errorf("callback = %d", w.Code)
		}
		if len(e.accounts.audit) != before {
			t.Errorf("audit = %+v", e.accounts.audit)
		}
	})

	t.Run("refused by sitrep", func(t *testing.T) {
		e := newEnv(t, envOpts{idp: &fakeIdP{email: "nobody@example.com"}})
		w := callback(e, "sealed-flow|/admin/")
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "no sitrep account for nobody@example.com") {
			t.Errorf("callback = %d\n%s", w.Code, w.Body.String())
		}
	})
}
