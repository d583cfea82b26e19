package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"sitrep"
)

func TestOIDC(t *testing.T) {
	src := `public_url: https://status.example.com/
oidc:
  issuer: https://accounts.example.com
  client_id: sitrep
  client_secret: ${OIDC_CLIENT_SECRET}
  label: Sign in with Example SSO
  scopes: [email, profile, groups]
  allowed_domains: [Example.com, corp.example.com]
  groups_claim: realm_access.roles
  roles: {admin: [sre-leads], responder: [sre], viewer: [staff, contractors]}
  create_users: true
`
	cfg, err := parseEnv(src, map[string]string{"OIDC_CLIENT_SECRET": "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	want := &OIDCConfig{
		Issuer: "https://accounts.example.com", ClientID: "sitrep", ClientSecret: "s3cret", Label: "Sign in with Example SSO",
		Scopes: []string{"openid", "email", "profile", "groups"}, GroupsClaim: "realm_access.roles",
		Policy: sitrep.ExternalLoginPolicy{
			AllowedDomains: []string{"example.com", "corp.example.com"}, CreateUsers: true,
			RoleGroups: map[sitrep.Role][]string{sitrep.RoleAdmin: {"sre-leads"}, sitrep.RoleResponder: {"sre"}, sitrep.RoleViewer: {"staff", "contractors"}},
		},
	}
	if !reflect.DeepEqual(cfg.OIDC, want) {
		t.Errorf("oidc = %+v\nwant %+v", cfg.OIDC, want)
	}
	if got := cfg.RedirectURL("127.0.0.1:8080"); got != "https://status.example.com/login/oidc/callback" {
		t.Errorf("RedirectURL = %s", got)
	}

	cfg, err = parseEnv("oidc: {issuer: \"http://127.0.0.1:5556/dex\", client_id: c, client_secret: s}\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	want = &OIDCConfig{Issuer: "http://127.0.0.1:5556/dex", ClientID: "c", ClientSecret: "s", Label: "Sign in with single sign-on",
		Scopes: []string{"openid", "email", "profile"}, GroupsClaim: "groups"}
	if !reflect.DeepEqual(cfg.OIDC, want) {
		t.Errorf("defaults: oidc = %+v\nwant %+v", cfg.OIDC, want)
	}
	if got := cfg.RedirectURL("127.0.0.1:8080"); got != "http://127.0.0.1:8080/login/oidc/callback" {
		t.Errorf("RedirectURL = %s", got)
	}

	for _, src := range []string{"", "oidc:\n"} {
		if cfg, err := parseEnv(src, nil); err != nil || cfg.OIDC != nil {
			t.Errorf("%q: oidc = %+v, %v; want off", src, cfg.OIDC, err)
		}
	}
}

func TestOIDCErrors(t *testing.T) {
	const ok = "  issuer: https://id.example.com\n  client_id: c\n  client_secret: s\n"
	tests := []struct {
		name string
		src  string
		env  map[string]string
		want []string
	}{
		{
			name: "required keys",
			src:  "oidc:\n  label: SSO\n",
			want: []string{
				"sitrep.yaml:2:3: missing required key issuer in oidc, e.g. issuer: https://accounts.example.com",
				"sitrep.yaml:2:3: missing required key client_id in oidc, e.g. client_id: sitrep",
				"sitrep.yaml:2:3: missing required key client_secret in oidc, e.g. client_secret: ${OIDC_CLIENT_SECRET}",
			},
		},
		{
			name: "issuer not https",
			src:  "oidc:\n  issuer: http://id.example.com\n  client_id: c\n  client_secret: s\n",
			want: []string{`sitrep.yaml:2:11: issuer: "http://id.example.com" must use https; http is accepted only on loopback (127.0.0.1, ::1, localhost), for tests`},
		},
		{
			name: "issuer not a URL",
			src:  "oidc:\n  issuer: id.example.com\n  client_id: c\n  client_secret: s\n",
			want: []string{`sitrep.yaml:2:11: issuer: "id.example.com" is not an https URL; write e.g. https://accounts.example.com`},
		},
		{
			name: "issuer with query",
			src:  "oidc:\n  issuer: https://id.example.com/?x=1\n  client_id: c\n  client_secret: s\n",
			want: []string{`sitrep.yaml:2:11: issuer: "https://id.example.com/?x=1" has a query, fragment or user; write the issuer only, e.g. https://accounts.example.com`},
		},
		{
			name: "issuer without host",
			src:  "oidc:\n  issuer: https://\n  client_id: c\n  client_secret: s\n",
			want: []string{`sitrep.yaml:2:11: issuer: "https://" has no host; write e.g. https://accounts.example.com`},
		},
		{
			name: "empty values",
			src:  "oidc:\n  issuer: https://id.example.com\n  client_id: \" \"\n  client_secret: \"${SECRET:-}\"\n  label: \"\"\n  groups_claim: \"\"\n",
			want: []string{
				"sitrep.yaml:3:14: client_id: must not be empty; copy the client id the provider shows for sitrep",
				"sitrep.yaml:4:18: client_secret: is empty (an empty ${VAR}?); sitrep signs in as a confidential client and needs the secret",
				"sitrep.yaml:5:10: label: must not be empty, e.g. label: Sign in with Example SSO",
				"sitrep.yaml:6:17: groups_claim: must not be empty; the default is groups",
			},
		},
		{
			name: "scopes",
			src:  "oidc:\n" + ok + "  scopes: [email, \"two words\", email]\n",
			want: []string{
				`sitrep.yaml:5:19: scopes: "two words" is not a scope; write one word per entry, e.g. [openid, email, profile]`,
				`sitrep.yaml:5:32: scopes: "email" is listed twice`,
			},
		},
		{
			name: "allowed domains",
			src:  "oidc:\n" + ok + "  allowed_domains: [alice@example.com, \"https://example.com\", example.com, EXAMPLE.com]\n",
			want: []string{
				`sitrep.yaml:5:21: allowed_domains: "alice@example.com" is an address; write its domain only, e.g. example.com`,
				`sitrep.yaml:5:40: allowed_domains: "https://example.com" is not a domain; write e.g. example.com`,
				`sitrep.yaml:5:76: allowed_domains: "EXAMPLE.com" is listed twice`,
			},
		},
		{
			name: "unknown role",
			src:  "oidc:\n" + ok + "  roles: {admins: [sre-leads], owner: [boss]}\n",
			want: []string{
				"sitrep.yaml:5:10: roles: names no group, so everyone would be refused; map groups to roles, e.g. roles: {admin: [sre-leads], viewer: [staff]}, or remove roles",
				`sitrep.yaml:5:11: unknown key "admins" in roles; did you mean admin?`,
				`sitrep.yaml:5:32: unknown key "owner" in roles; valid: admin, responder, viewer`,
			},
		},
		{
			name: "empty group",
			src:  "oidc:\n" + ok + "  roles: {viewer: [staff, \"\"]}\n",
			want: []string{`sitrep.yaml:5:27: viewer: a group name must not be empty`},
		},
		{
			name: "create_users without a role",
			src:  "oidc:\n" + ok + "  create_users: true\n",
			want: []string{"sitrep.yaml:5:17: create_users: true needs roles (each person's role from their groups) or default_role (the role of every new account), e.g. default_role: viewer"},
		},
		{
			name: "default_role with roles",
			src:  "oidc:\n" + ok + "  create_users: true\n  roles: {viewer: [staff]}\n  default_role: viewer\n",
			want: []string{"sitrep.yaml:7:17: default_role: not with roles; with roles every account takes its role from its groups, and a person in none of them is refused"},
		},
		{
			name: "default_role without create_users",
			src:  "oidc:\n" + ok + "  default_role: viewer\n",
			want: []string{"sitrep.yaml:5:17: default_role: only applies with create_users: true, as the role of accounts made at first sign-in"},
		},
		{
			name: "unknown default_role",
			src:  "oidc:\n" + ok + "  create_users: true\n  default_role: owner\n",
			want: []string{`sitrep.yaml:6:17: default_role: unknown value "owner"; valid: admin, responder, viewer`},
		},
		{
			name: "unknown key",
			src:  "oidc:\n" + ok + "  client_secrets: x\n",
			want: []string{`sitrep.yaml:5:3: unknown key "client_secrets" in oidc; did you mean client_secret?`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseEnv(tc.src, tc.env)
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("err = %v, want *Errors", err)
			}
			var got []string
			for _, e := range errs.List {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
