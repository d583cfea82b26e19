package accounts_test

import (
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/accounts"
)

func (e *env) withPolicy(t *testing.T, p *sitrep.ExternalLoginPolicy) *accounts.Service {
	t.Helper()
	svc, err := accounts.New(accounts.Options{Store: e.store, Clock: e.clock, SecretKey: e.key, Argon2: cheap, External: p})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestLoginExternal(t *testing.T) {
	mapped := map[sitrep.Role][]string{sitrep.RoleAdmin: {"leads"}, sitrep.RoleResponder: {"sre"}, sitrep.RoleViewer: {"staff"}}
	tests := []struct {
		name   string
		policy *sitrep.ExternalLoginPolicy
		// users exist before the sign-in: email → role ("" disabled viewer).
		users    map[string]sitrep.Role
		id       sitrep.ExternalIdentity
		wantCode string
		wantMsg  string
		wantRole sitrep.Role // of the account afterwards
		wantAct  string      // newest audit action
	}{
		{name: "not configured", id: sitrep.ExternalIdentity{Email: "a@example.com"}, wantCode: sitrep.EUNAVAILABLE},
		{name: "existing user", policy: &sitrep.ExternalLoginPolicy{}, users: map[string]sitrep.Role{"a@example.com": sitrep.RoleResponder},
			id: sitrep.ExternalIdentity{Email: "A@Example.com "}, wantRole: sitrep.RoleResponder, wantAct: "user.login"},
		{name: "no account", policy: &sitrep.ExternalLoginPolicy{}, id: sitrep.ExternalIdentity{Email: "a@example.com"},
			wantCode: sitrep.EFORBIDDEN, wantMsg: "no sitrep account", wantAct: "user.login_refused"},
		{name: "bad email", policy: &sitrep.ExternalLoginPolicy{}, id: sitrep.ExternalIdentity{Email: "not an address"},
			wantCode: sitrep.EFORBIDDEN, wantMsg: "no usable email", wantAct: "user.login_refused"},
		{name: "domain not allowed", policy: &sitrep.ExternalLoginPolicy{AllowedDomains: []string{"example.com"}},
			users: map[string]sitrep.Role{"a@example.org": sitrep.RoleAdmin}, id: sitrep.ExternalIdentity{Email: "a@example.org"},
			wantCode: sitrep.EFORBIDDEN, wantMsg: "example.org may not sign in", wantRole: sitrep.RoleAdmin, wantAct: "user.login_refused"},
		{name: "subdomain is another domain", policy: &sitrep.ExternalLoginPolicy{AllowedDomains: []string{"example.com"}},
			users: map[string]sitrep.Role{"a@evil.example.com": sitrep.RoleAdmin}, id: sitrep.ExternalIdentity{Email: "a@evil.example.com"},
			wantCode: sitrep.EFORBIDDEN, wantMsg: "may not sign in", wantRole: sitrep.RoleAdmin},
		{name: "disabled", policy: &sitrep.ExternalLoginPolicy{}, users: map[string]sitrep.Role{"a@example.com": ""},
			id: sitrep.ExternalIdentity{Email: "a@example.com"}, wantCode: sitrep.EFORBIDDEN, wantMsg: "disabled", wantRole: sitrep.RoleViewer},
		{name: "created with the default role", policy: &sitrep.ExternalLoginPolicy{CreateUsers: true, DefaultRole: sitrep.RoleViewer},
			id: sitrep.ExternalIdentity{Email: "new@example.com", Name: "New"}, wantRole: sitrep.RoleViewer, wantAct: "user.login"},
		{name: "created with a mapped role", policy: &sitrep.ExternalLoginPolicy{CreateUsers: true, RoleGroups: mapped},
			id: sitrep.ExternalIdentity{Email: "new@example.com", Groups: []string{"staff", "leads", "x"}}, wantRole: sitrep.RoleAdmin, wantAct: "user.login"},
		{name: "no group", policy: &sitrep.ExternalLoginPolicy{CreateUsers: true, RoleGroups: mapped},
			id: sitrep.ExternalIdentity{Email: "new@example.com", Groups: []string{"Staff"}}, wantCode: sitrep.EFORBIDDEN, wantMsg: "none of your groups",
			wantAct: "user.login_refused"},
		{name: "demoted by groups", policy: &sitrep.ExternalLoginPolicy{RoleGroups: mapped}, users: map[string]sitrep.Role{"a@example.com": sitrep.RoleAdmin},
			id: sitrep.ExternalIdentity{Email: "a@example.com", Groups: []string{"staff"}}, wantRole: sitrep.RoleViewer, wantAct: "user.login"},
		{name: "roles left alone without mapping", policy: &sitrep.ExternalLoginPolicy{}, users: map[string]sitrep.Role{"a@example.com": sitrep.RoleAdmin},
			id: sitrep.ExternalIdentity{Email: "a@example.com", Groups: []string{"staff"}}, wantRole: sitrep.RoleAdmin, wantAct: "user.login"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			for email, role := range tc.users {
				u := e.user(t, email, cmpRole(role))
				if role == "" {
					if err := e.svc.DisableUser(t.Context(), e.admin, u.ID); err != nil {
						t.Fatal(err)
					}
				}
			}
			svc := e.withPolicy(t, tc.policy)
			res, err := svc.LoginExternal(t.Context(), tc.id, "192.0.2.1")
			if sitrep.ErrorCode(err) != tc.wantCode || !strings.Contains(sitrep.ErrorMessage(err), tc.wantMsg) {
				t.Fatalf("err = %v (%s), want %s %q", err, sitrep.ErrorCode(err), tc.wantCode, tc.wantMsg)
			}
			if err == nil {
				s, err := svc.Session(t.Context(), res.SessionToken)
				if err != nil || res.NeedTOTP {
					t.Fatalf("session: %v (need TOTP %v)", err, res.NeedTOTP)
				}
				if s.Principal.Role != tc.wantRole {
					t.Errorf("session role = %s, want %s", s.Principal.Role, tc.wantRole)
				}
			}
			if tc.wantRole != "" {
				u, err := e.store.UserByEmail(t.Context(), strings.ToLower(strings.TrimSpace(tc.id.Email)))
				if err != nil || u.Role != tc.wantRole {
					t.Errorf("account = %+v, %v; want role %s", u, err, tc.wantRole)
				}
			}
			if tc.wantAct != "" {
				log, _ := e.store.AuditLog(t.Context(), time.Time{}, 1)
				if len(log) == 0 || log[0].Action != tc.wantAct {
					t.Errorf("newest audit entry = %+v, want %s", log, tc.wantAct)
				}
			}
		})
	}
}

func cmpRole(r sitrep.Role) sitrep.Role {
	if r == "" {
		return sitrep.RoleViewer
	}
	return r
}

// TestLoginExternalTOTP: the provider does not replace sitrep's second
// factor; the session waits for it, and a demotion ends older sessions.
func TestLoginExternalTOTP(t *testing.T) {
	e := newEnv(t)
	u := e.user(t, "a@example.com", sitrep.RoleAdmin)
	old, err := e.svc.Login(t.Context(), "a@example.com", goodPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := e.enableTOTP(t, u)
	svc := e.withPolicy(t, &sitrep.ExternalLoginPolicy{RoleGroups: map[sitrep.Role][]string{sitrep.RoleViewer: {"staff"}}})
	res, err := svc.LoginExternal(t.Context(), sitrep.ExternalIdentity{Email: "a@example.com", Groups: []string{"staff"}}, "")
	if err != nil || !res.NeedTOTP {
		t.Fatalf("LoginExternal = %+v, %v; want a pending session", res, err)
	}
	if _, err := svc.Session(t.Context(), res.SessionToken); sitrep.ErrorCode(err) != sitrep.EUNAUTHORIZED {
		t.Errorf("pending session grants access: %v", err)
	}
	if _, err := svc.Session(t.Context(), old.SessionToken); sitrep.ErrorCode(err) != sitrep.EUNAUTHORIZED {
		t.Errorf("a session from before the demotion still works: %v", err)
	}
	done, err := svc.VerifySecondFactor(t.Context(), res.SessionToken, code(t, secret, e.clock.Now()), "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := svc.Session(t.Context(), done.SessionToken)
	if err != nil || s.Principal.Role != sitrep.RoleViewer {
		t.Fatalf("session after TOTP = %+v, %v; want a viewer", s, err)
	}
}

func TestExternalPolicy(t *testing.T) {
	p := &sitrep.ExternalLoginPolicy{AllowedDomains: []string{"example.com"},
		RoleGroups: map[sitrep.Role][]string{sitrep.RoleViewer: {"a"}, sitrep.RoleResponder: {"b"}}}
	for _, tc := range []struct {
		groups []string
		want   sitrep.Role
		ok     bool
	}{{nil, "", false}, {[]string{"a"}, sitrep.RoleViewer, true}, {[]string{"a", "b"}, sitrep.RoleResponder, true}, {[]string{"A"}, "", false}} {
		if got, ok := p.RoleFor(tc.groups); got != tc.want || ok != tc.ok {
			t.Errorf("RoleFor(%q) = %s %v, want %s %v", tc.groups, got, ok, tc.want, tc.ok)
		}
	}
	for email, want := range map[string]bool{"x@example.com": true, "x@EXAMPLE.COM": true, "x@sub.example.com": false, "x@example.com.evil": false, "x": false} {
		if got := p.DomainAllowed(email); got != want {
			t.Errorf("DomainAllowed(%q) = %v", email, got)
		}
	}
}
