package oidc_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/clock"
	"sitrep/internal/oidc"
	"sitrep/internal/oidc/testidp"
)

const redirect = "https://sitrep.example.com/login/oidc/callback"

type env struct {
	idp   *testidp.IdP
	clock *clock.Manual
	p     *oidc.Provider
}

func newEnv(t *testing.T, mod func(*oidc.Options)) *env {
	t.Helper()
	idp := testidp.Start(t, "sitrep", "s3cret")
	c := clock.NewManual(time.Now().Truncate(time.Second))
	idp.SetNow(c.Now)
	opts := oidc.Options{Issuer: idp.URL, ClientID: "sitrep", ClientSecret: "s3cret", RedirectURL: redirect,
		Scopes: []string{"email", "profile"}, Key: make([]byte, 32), Clock: c}
	if mod != nil {
		mod(&opts)
	}
	p, err := oidc.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return &env{idp: idp, clock: c, p: p}
}

// noFollow is a browser that stops at the first redirect, to read where
// the provider sends it back.
var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorize begins a sign-in and lets the provider answer; it returns the
// flow and the callback's query.
func (e *env) authorize(t *testing.T) (string, url.Values) {
	t.Helper()
	to, flow, err := e.p.Begin(t.Context(), "/admin/incidents")
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if !strings.HasPrefix(to, e.idp.URL+"/authorize?") {
		t.Fatalf("Begin sends to %s", to)
	}
	q, _ := url.Parse(to)
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if q.Query().Get(k) == "" {
			t.Fatalf("authorization URL without %s: %s", k, to)
		}
	}
	if q.Query().Get("scope") != "openid email profile" || q.Query().Get("redirect_uri") != redirect {
		t.Fatalf("authorization URL scope/redirect: %s", to)
	}
	resp, err := noFollow.Get(to)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(back.String(), redirect) {
		t.Fatalf("provider answered %s, Location %q", resp.Status, resp.Header.Get("Location"))
	}
	return flow, back.Query()
}

func TestFinish(t *testing.T) {
	tests := []struct {
		name   string
		opts   func(*oidc.Options)
		claims map[string]any
		// setup runs before the sign-in; alter changes flow and callback.
		setup func(*testing.T, *env)
		alter func(e *env, flow string, q url.Values) (string, url.Values)
		// wantErr is a part of the message shown; "" expects success.
		wantErr  string
		wantCode string
		check    func(*testing.T, *sitrep.ExternalIdentity)
	}{
		{
			name:   "happy path",
			claims: map[string]any{"email": "Alice@Example.com", "email_verified": true, "name": "Alice", "groups": []string{"sre", "staff"}},
			check: func(t *testing.T, id *sitrep.ExternalIdentity) {
				if id.Email != "Alice@Example.com" || id.Name != "Alice" || strings.Join(id.Groups, ",") != "sre,staff" || id.Subject == "" || id.Provider != "oidc" {
					t.Errorf("identity = %+v", id)
				}
			},
		},
		{
			name:   "nested groups claim, username as name, verified as a string",
			opts:   func(o *oidc.Options) { o.GroupsClaim = "realm_access.roles" },
			claims: map[string]any{"email": "a@example.com", "email_verified": "true", "preferred_username": "alice", "realm_access": map[string]any{"roles": []string{"sre"}}},
			check: func(t *testing.T, id *sitrep.ExternalIdentity) {
				if id.Name != "alice" || strings.Join(id.Groups, ",") != "sre" {
					t.Errorf("identity = %+v", id)
				}
			},
		},
		{
			name:   "groups as one string",
			claims: map[string]any{"email": "a@example.com", "groups": "sre"},
			check: func(t *testing.T, id *sitrep.ExternalIdentity) {
				if strings.Join(id.Groups, ",") != "sre" {
					t.Errorf("groups = %q", id.Groups)
				}
			},
		},
		{
			name:    "wrong state",
			alter:   func(_ *env, f string, q url.Values) (string, url.Values) { q.Set("state", "forged"); return f, q },
			wantErr: "not started in this browser", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name:    "no flow cookie",
			alter:   func(_ *env, _ string, q url.Values) (string, url.Values) { return "", q },
			wantErr: "not started in this browser", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name:    "tampered flow cookie",
			alter:   func(_ *env, f string, q url.Values) (string, url.Values) { return f[:len(f)-2] + "AA", q },
			wantErr: "not started in this browser", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name: "flow too old",
			alter: func(e *env, f string, q url.Values) (string, url.Values) {
				e.clock.Advance(11 * time.Minute)
				return f, q
			},
			wantErr: "took too long", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name:    "access denied",
			setup:   func(_ *testing.T, e *env) { e.idp.Deny("access_denied") },
			wantErr: "did not allow the sign-in (access_denied)", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name:    "unknown provider error",
			setup:   func(_ *testing.T, e *env) { e.idp.Deny("<b>call 555</b>") },
			wantErr: "The identity provider refused the sign-in.", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name:    "missing code",
			alter:   func(_ *env, f string, q url.Values) (string, url.Values) { q.Del("code"); return f, q },
			wantErr: "Start again", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name:    "wrong client secret",
			opts:    func(o *oidc.Options) { o.ClientSecret = "wrong" },
			wantErr: "did not accept the sign-in", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name:    "bad nonce",
			claims:  map[string]any{"email": "a@example.com", "nonce": "someone-elses"},
			wantErr: "could not be verified", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name:    "wrong audience",
			claims:  map[string]any{"email": "a@example.com", "aud": "another-client"},
			wantErr: "could not be verified", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name:    "wrong issuer",
			claims:  map[string]any{"email": "a@example.com", "iss": "https://evil.example.com"},
			wantErr: "could not be verified", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name: "expired token",
			setup: func(_ *testing.T, e *env) {
				e.idp.SetClaims(map[string]any{"email": "a@example.com", "exp": e.clock.Now().Add(-3 * time.Minute).Unix()})
			},
			wantErr: "could not be verified", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name: "expired within the leeway",
			setup: func(_ *testing.T, e *env) {
				e.idp.SetClaims(map[string]any{"email": "a@example.com", "exp": e.clock.Now().Add(-time.Minute).Unix()})
			},
		},
		{
			name: "issued in the future",
			setup: func(_ *testing.T, e *env) {
				e.idp.SetClaims(map[string]any{"email": "a@example.com", "iat": e.clock.Now().Add(10 * time.Minute).Unix()})
			},
			wantErr: "could not be verified", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name: "issued before the sign-in began",
			setup: func(_ *testing.T, e *env) {
				e.idp.SetClaims(map[string]any{"email": "a@example.com", "iat": e.clock.Now().Add(-time.Hour).Unix()})
			},
			wantErr: "could not be verified", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name:    "bad signature",
			setup:   func(_ *testing.T, e *env) { e.idp.SignWithUnpublishedKey(true) },
			wantErr: "could not be verified", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name:    "email not verified",
			claims:  map[string]any{"email": "a@example.com", "email_verified": false},
			wantErr: "not verified", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name:    "email not verified, as a string",
			claims:  map[string]any{"email": "a@example.com", "email_verified": "false"},
			wantErr: "not verified", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name:    "no email",
			claims:  map[string]any{"name": "Nobody"},
			wantErr: "email scope", wantCode: sitrep.EUNAUTHORIZED,
		},
		{
			name:    "groups of the wrong type",
			claims:  map[string]any{"email": "a@example.com", "groups": map[string]any{"a": 1}},
			wantErr: "groups", wantCode: sitrep.EUNAUTHORIZED,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.opts)
			if tc.claims != nil {
				e.idp.SetClaims(tc.claims)
			}
			if tc.setup != nil {
				tc.setup(t, e)
			}
			flow, q := e.authorize(t)
			if tc.alter != nil {
				flow, q = tc.alter(e, flow, q)
			}
			id, next, err := e.p.Finish(t.Context(), flow, q)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Finish: %v", err)
				}
				if next != "/admin/incidents" {
					t.Errorf("next = %q", next)
				}
				if tc.check != nil {
					tc.check(t, id)
				}
				return
			}
			if err == nil {
				t.Fatalf("Finish succeeded with %+v; want %q", id, tc.wantErr)
			}
			if msg := sitrep.ErrorMessage(err); !strings.Contains(msg, tc.wantErr) || sitrep.ErrorCode(err) != tc.wantCode {
				t.Errorf("error %q (%s), want %q (%s)", msg, sitrep.ErrorCode(err), tc.wantErr, tc.wantCode)
			}
			if msg := sitrep.ErrorMessage(err); strings.Contains(msg, "<") || strings.Contains(msg, "eyJ") {
				t.Errorf("message shows provider text or a token: %q", msg)
			}
		})
	}
}

func TestReplayedState(t *testing.T) {
	e := newEnv(t, nil)
	flow, q := e.authorize(t)
	if _, _, err := e.p.Finish(t.Context(), flow, q); err != nil {
		t.Fatal(err)
	}
	_, _, err := e.p.Finish(t.Context(), flow, q)
	if !strings.Contains(sitrep.ErrorMessage(err), "used already") {
		t.Fatalf("replay: %v", err)
	}
}

// TestKeyRotation: a token under a key id the cached set lacks makes
// go-oidc fetch the set once more, and the sign-in works.
func TestKeyRotation(t *testing.T) {
	e := newEnv(t, nil)
	for i := range 2 {
		flow, q := e.authorize(t)
		if _, _, err := e.p.Finish(t.Context(), flow, q); err != nil {
			t.Fatalf("sign-in %d: %v", i, err)
		}
	}
	if n := e.idp.JWKSFetches(); n != 1 {
		t.Errorf("keys fetched %d times for two sign-ins with one key, want 1 (cached)", n)
	}
	e.idp.Rotate()
	flow, q := e.authorize(t)
	if _, _, err := e.p.Finish(t.Context(), flow, q); err != nil {
		t.Fatalf("sign-in after rotation: %v", err)
	}
	if n := e.idp.JWKSFetches(); n != 2 {
		t.Errorf("keys fetched %d times after a rotation, want 2", n)
	}
}

// TestUnreachable: a provider that is down is a clear "unavailable", and
// discovery is tried again at the next sign-in rather than remembered.
func TestUnreachable(t *testing.T) {
	p, err := oidc.New(oidc.Options{Issuer: "http://127.0.0.1:1", ClientID: "c", RedirectURL: redirect, Key: make([]byte, 32),
		HTTPClient: &http.Client{Timeout: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_, _, err = p.Begin(context.Background(), "/admin/")
		if sitrep.ErrorCode(err) != sitrep.EUNAVAILABLE || !strings.Contains(sitrep.ErrorMessage(err), "cannot be reached") {
			t.Fatalf("Begin = %v", err)
		}
	}
}

func TestNewRefuses(t *testing.T) {
	for _, o := range []oidc.Options{
		{ClientID: "c", RedirectURL: redirect, Key: make([]byte, 32)},
		{Issuer: "https://x", ClientID: "c", RedirectURL: redirect, Key: make([]byte, 16)},
	} {
		if _, err := oidc.New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}
