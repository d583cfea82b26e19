package app

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/oidc/testidp"
)

// oidcApp starts the real server with sign-in through idp.
func oidcApp(t *testing.T, idp *testidp.IdP, extra string) (*App, string) {
	t.Helper()
	a, _ := startApp(t, fmt.Sprintf("oidc:\n  issuer: %s\n  client_id: %s\n  client_secret: %s\n  label: Sign in with Test SSO\n%s",
		idp.URL, idp.ClientID, idp.ClientSecret, extra))
	return a, "http://" + a.Addr().String()
}

// ssoBrowser keeps cookies and follows redirects by hand, to look at each.
type ssoBrowser struct {
	t      *testing.T
	client *http.Client
}

func newSSOBrowser(t *testing.T) *ssoBrowser {
	jar, _ := cookiejar.New(nil)
	return &ssoBrowser{t: t, client: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *ssoBrowser) get(u string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// toCallback starts a sign-in at sitrep and lets the provider answer; it
// returns the callback URL the provider sends the browser to.
func (b *ssoBrowser) toCallback(base string) string {
	b.t.Helper()
	resp, _ := b.get(base + "/login/oidc?next=/admin/incidents")
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("GET /login/oidc = %s", resp.Status)
	}
	resp, body := b.get(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound {
		b.t.Fatalf("provider answered %s: %s", resp.Status, body)
	}
	return resp.Header.Get("Location")
}

func (b *ssoBrowser) cookie(base, name string) *http.Cookie {
	u, _ := url.Parse(base + "/login/oidc/callback")
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func totpNow(t *testing.T, secret string) string {
	t.Helper()
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(time.Now().Unix()/30))
	m := hmac.New(sha1.New, raw)
	m.Write(msg[:])
	s := m.Sum(nil)
	o := s[19] & 15
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(s[o:])&0x7fffffff)%1000000)
}

type ssoCase struct {
	name   string
	claims map[string]any
	// setup prepares the provider or the accounts; callback changes the
	// callback URL before the browser follows it (nil: follow as is).
	setup    func(t *testing.T, a *App, idp *testidp.IdP)
	callback func(t *testing.T, b *ssoBrowser, base, cb string)
	// wantStatus of the callback; 303 is a sign-in, going to wantNext.
	wantStatus int
	wantNext   string
	wantText   string // on the page shown, for a refusal
	wantAudit  string // "action detail-substring" of the newest entry
	check      func(t *testing.T, a *App)
}

var ssoAdmin = &sitrep.Principal{Name: "root@example.com", Role: sitrep.RoleAdmin}

func runSSOCases(t *testing.T, a *App, base string, idp *testidp.IdP, cases []ssoCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			idp.SetClaims(tc.claims)
			idp.Deny("")
			idp.SetNow(time.Now)
			idp.SignWithUnpublishedKey(false)
			if tc.setup != nil {
				tc.setup(t, a, idp)
			}
			b := newSSOBrowser(t)
			cb := b.toCallback(base)
			if b.cookie(base, "sitrep_oidc") == nil {
				t.Fatal("no flow cookie for the callback path")
			}
			if tc.callback != nil {
				tc.callback(t, b, base, cb)
				return
			}
			resp, body := b.get(cb)
			checkSSOAnswer(t, b, base, resp, body, tc)
			if tc.wantAudit != "" {
				entries, err := a.accounts.AuditLog(t.Context(), time.Time{}, 5)
				if err != nil {
					t.Fatal(err)
				}
				action, detail, _ := strings.Cut(tc.wantAudit, " ")
				found := false
				for _, e := range entries {
					if e.Action == action && strings.Contains(e.Detail, detail) {
						found = true
						if strings.Contains(e.Detail, "eyJ") {
							t.Errorf("audit detail holds a token: %q", e.Detail)
						}
					}
				}
				if !found {
					t.Errorf("audit log has no %q among %+v", tc.wantAudit, entries)
				}
			}
			if tc.check != nil {
				tc.check(t, a)
			}
		})
	}
}

func checkSSOAnswer(t *testing.T, b *ssoBrowser, base string, resp *http.Response, body string, tc ssoCase) {
	t.Helper()
	if resp.StatusCode != tc.wantStatus {
		t.Fatalf("callback = %s, want %d\n%s", resp.Status, tc.wantStatus, body)
	}
	if c := b.cookie(base, "sitrep_oidc"); c != nil {
		t.Errorf("flow cookie left after the callback: %v", c)
	}
	if strings.Contains(body, "eyJ") || strings.Contains(body, "code=") {
		t.Errorf("page shows a token or code:\n%s", body)
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "sitrep_session" {
			session = c
		}
	}
	if tc.wantStatus != http.StatusSeeOther {
		if !strings.Contains(body, tc.wantText) || !strings.Contains(body, "Sign in with Test SSO") || !strings.Contains(body, `name="password"`) {
			t.Errorf("refusal page lacks %q, the SSO button or the password form:\n%s", tc.wantText, body)
		}
		if session != nil {
			t.Errorf("a refused sign-in set a session cookie")
		}
		return
	}
	if loc := resp.Header.Get("Location"); loc != tc.wantNext {
		t.Errorf("signed in to %q, want %q", loc, tc.wantNext)
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" || len(session.Value) < 40 {
		t.Fatalf("session cookie = %+v", session)
	}
	if tc.wantNext == "/admin/incidents" {
		if r, page := b.get(base + "/admin/incidents"); r.StatusCode != http.StatusOK || !strings.Contains(page, "Sign out") {
			t.Errorf("GET /admin/incidents with the new session = %s", r.Status)
		}
	}
}

// TestOIDCSignIn drives sign-in through a real provider on loopback
// against the real server: config, admin UI, accounts and SQLite.
func TestOIDCSignIn(t *testing.T) {
	idp := testidp.Start(t, "sitrep", "client-s3cret")
	a, base := oidcApp(t, idp, "  allowed_domains: [example.com]\n")
	ctx := t.Context()
	for _, u := range []sitrep.UserInput{
		{Email: "alice@example.com", Role: sitrep.RoleResponder, Password: "correct horse battery"},
		{Email: "dora@example.com", Role: sitrep.RoleViewer, Password: "correct horse battery"},
		{Email: "tom@example.com", Role: sitrep.RoleAdmin, Password: "correct horse battery"},
		{Email: "eve@elsewhere.org", Role: sitrep.RoleAdmin, Password: "correct horse battery"},
	} {
		if _, err := a.accounts.CreateUser(ctx, ssoAdmin, u); err != nil {
			t.Fatal(err)
		}
	}
	users, _ := a.accounts.Users(ctx)
	for _, u := range users {
		switch u.Email {
		case "dora@example.com":
			if err := a.accounts.DisableUser(ctx, ssoAdmin, u.ID); err != nil {
				t.Fatal(err)
			}
		case "tom@example.com":
			secret, _, err := a.accounts.BeginTOTP(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.accounts.ConfirmTOTP(ctx, u.ID, totpNow(t, secret)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, body := get(t, base+"/login"); !strings.Contains(body, `href="/login/oidc?next=%2fadmin%2f"`) || !strings.Contains(body, "Sign in with Test SSO") {
		t.Fatalf("/login has no SSO button:\n%s", body)
	}
	alice := map[string]any{"email": "alice@example.com", "email_verified": true}
	unverifiable := "could not be verified"
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{"email": "alice@example.com"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	runSSOCases(t, a, base, idp, []ssoCase{
		{name: "existing user", claims: alice, wantStatus: http.StatusSeeOther, wantNext: "/admin/incidents",
			wantAudit: "user.login with single sign-on (" + idp.URL + ")"},
		{name: "no account", claims: map[string]any{"email": "carol@example.com"}, wantStatus: http.StatusForbidden,
			wantText: "no sitrep account for carol@example.com", wantAudit: "user.login_refused no sitrep account"},
		{name: "disabled user", claims: map[string]any{"email": "dora@example.com"}, wantStatus: http.StatusForbidden,
			wantText: "is disabled", wantAudit: "user.login_refused is disabled"},
		{name: "domain not allowed", claims: map[string]any{"email": "eve@elsewhere.org"}, wantStatus: http.StatusForbidden,
			wantText: "addresses at elsewhere.org may not sign in here", wantAudit: "user.login_refused elsewhere.org"},
		{name: "email not verified", claims: with(map[string]any{"email_verified": false}), wantStatus: http.StatusUnauthorized,
			wantText: "not verified", wantAudit: "user.login_refused not verified"},
		{name: "access denied", setup: func(_ *testing.T, _ *App, idp *testidp.IdP) { idp.Deny("access_denied") },
			wantStatus: http.StatusUnauthorized, wantText: "did not allow the sign-in (access_denied)", wantAudit: "user.login_refused access_denied"},
		{name: "bad nonce", claims: with(map[string]any{"nonce": "x"}), wantStatus: http.StatusUnauthorized, wantText: unverifiable,
			wantAudit: "user.login_refused " + unverifiable},
		{name: "wrong audience", claims: with(map[string]any{"aud": "other"}), wantStatus: http.StatusUnauthorized, wantText: unverifiable},
		{name: "expired token", claims: with(map[string]any{"exp": time.Now().Add(-5 * time.Minute).Unix()}),
			wantStatus: http.StatusUnauthorized, wantText: unverifiable},
		{name: "bad signature", setup: func(_ *testing.T, _ *App, idp *testidp.IdP) { idp.SignWithUnpublishedKey(true) },
			wantStatus: http.StatusUnauthorized, wantText: unverifiable},
		{name: "key rotation", claims: alice, setup: func(_ *testing.T, _ *App, idp *testidp.IdP) { idp.Rotate() },
			wantStatus: http.StatusSeeOther, wantNext: "/admin/incidents"},
		{name: "TOTP still asked", claims: map[string]any{"email": "tom@example.com"}, wantStatus: http.StatusSeeOther,
			wantNext: "/login?step=totp&next=%2Fadmin%2Fincidents"},
		{name: "wrong state", claims: alice, callback: func(t *testing.T, b *ssoBrowser, base, cb string) {
			u, _ := url.Parse(cb)
			q := u.Query()
			q.Set("state", "forged")
			u.RawQuery = q.Encode()
			resp, body := b.get(u.String())
			checkSSOAnswer(t, b, base, resp, body, ssoCase{wantStatus: http.StatusUnauthorized, wantText: "not started in this browser"})
		}},
		{name: "replayed state", claims: alice, callback: func(t *testing.T, b *ssoBrowser, base, cb string) {
			flow := b.cookie(base, "sitrep_oidc")
			resp, body := b.get(cb)
			checkSSOAnswer(t, b, base, resp, body, ssoCase{wantStatus: http.StatusSeeOther, wantNext: "/admin/incidents"})
			// An attacker who captured the callback and the cookie.
			u, _ := url.Parse(base)
			b.client.Jar.SetCookies(u, []*http.Cookie{{Name: flow.Name, Value: flow.Value, Path: "/login/oidc"}})
			resp, body = b.get(cb)
			checkSSOAnswer(t, b, base, resp, body, ssoCase{wantStatus: http.StatusUnauthorized, wantText: "used already"})
		}},
	})
}

// TestOIDCCreatesUsersWithRoles: create_users with roles makes accounts
// at first sign-in and keeps their role in step with their groups.
func TestOIDCCreatesUsersWithRoles(t *testing.T) {
	idp := testidp.Start(t, "sitrep", "client-s3cret")
	a, base := oidcApp(t, idp, "  roles: {admin: [sre-leads], responder: [sre], viewer: [staff]}\n  create_users: true\n")
	role := func(email string) sitrep.Role {
		users, _ := a.accounts.Users(t.Context())
		for _, u := range users {
			if u.Email == email {
				return u.Role
			}
		}
		return ""
	}
	runSSOCases(t, a, base, idp, []ssoCase{
		{name: "new user", claims: map[string]any{"email": "Nina@Example.com", "name": "Nina", "groups": []string{"staff", "sre"}},
			wantStatus: http.StatusSeeOther, wantNext: "/admin/incidents", wantAudit: "user.create nina@example.com as responder",
			check: func(t *testing.T, a *App) {
				if r := role("nina@example.com"); r != sitrep.RoleResponder {
					t.Errorf("role = %q, want responder (highest of staff, sre)", r)
				}
			}},
		{name: "promoted by group", claims: map[string]any{"email": "nina@example.com", "groups": []string{"sre-leads"}},
			wantStatus: http.StatusSeeOther, wantNext: "/admin/incidents", wantAudit: "user.update role responder → admin",
			check: func(t *testing.T, a *App) {
				if r := role("nina@example.com"); r != sitrep.RoleAdmin {
					t.Errorf("role = %q, want admin", r)
				}
			}},
		{name: "no matching group", claims: map[string]any{"email": "omar@example.com", "groups": []string{"sales"}},
			wantStatus: http.StatusForbidden, wantText: "none of your groups", wantAudit: "user.login_refused none of your groups",
			check: func(t *testing.T, a *App) {
				if r := role("omar@example.com"); r != "" {
					t.Errorf("a refused person got an account with role %q", r)
				}
			}},
	})
}
