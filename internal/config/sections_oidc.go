package config

import (
	"net"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"

	"sitrep"
)

// OIDCConfig is sign-in through an OpenID Connect identity provider
// (docs/oidc.md). Config.OIDC is nil when the section is absent.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	Label        string
	// Scopes always include openid.
	Scopes      []string
	GroupsClaim string
	// Policy is who may sign in, and as what.
	Policy sitrep.ExternalLoginPolicy
}

// RedirectPath is the callback path registered at the provider, after
// BaseURL.
const RedirectPath = "/login/oidc/callback"

// RedirectURL is the callback to register at the identity provider.
func (c *Config) RedirectURL(listen string) string { return c.BaseURL(listen) + RedirectPath }

var defaultScopes = []string{"openid", "email", "profile"}

func roleNames() []string {
	return []string{string(sitrep.RoleAdmin), string(sitrep.RoleResponder), string(sitrep.RoleViewer)}
}

func oidcSections() (top, roles *section) {
	roles = &section{
		Path: "oidc.roles",
		Doc: "Which groups at the identity provider grant which sitrep role. A person gets the highest role any of their groups grants " +
			"(admin, then responder, then viewer), again at every sign-in, so that removing someone from a group takes the role away. " +
			"With `roles` set, a person in none of the groups is refused; without it, roles are managed in sitrep.",
		Fields: []field{
			{Key: "admin", Kind: kindStrings, Example: "[sre-leads]", Doc: "Groups whose members are administrators."},
			{Key: "responder", Kind: kindStrings, Example: "[sre]", Doc: "Groups whose members handle incidents and maintenance."},
			{Key: "viewer", Kind: kindStrings, Example: "[staff]", Doc: "Groups whose members may look but not change anything."},
		},
	}
	top = &section{
		Path: "oidc",
		Doc: "Sign-in through an OpenID Connect identity provider (Google, Keycloak, Authentik, Entra ID, Okta…), next to passwords. " +
			"Register sitrep at the provider as a confidential client with the redirect URI `{public_url}/login/oidc/callback`; see docs/oidc.md. " +
			"Without this section the sign-in page offers passwords only. Changes take effect at restart.",
		Fields: []field{
			{Key: "issuer", Kind: kindString, Required: true, Example: "https://accounts.example.com",
				Doc: "The provider's issuer URL, exactly as its `/.well-known/openid-configuration` states it. Must be https; http is accepted on loopback only, for tests."},
			{Key: "client_id", Kind: kindString, Required: true, Example: "sitrep", Doc: "The client id sitrep was registered under."},
			{Key: "client_secret", Kind: kindString, Required: true, Example: "${OIDC_CLIENT_SECRET}",
				Doc: "The client's secret. Keep it out of the file with `${VAR}`."},
			{Key: "label", Kind: kindString, Default: "Sign in with single sign-on", Doc: "Text of the sign-in button, e.g. `Sign in with Example SSO`."},
			{Key: "scopes", Kind: kindStrings, DefaultDoc: "`[openid, email, profile]`",
				Doc: "Scopes to ask for; `openid` is added when missing. Add the scope that makes your provider send groups if it needs one (e.g. `groups`)."},
			{Key: "allowed_domains", Kind: kindStrings, DefaultDoc: "any domain",
				Doc: "Email domains that may sign in, e.g. `[example.com]`. Others are refused even when they have an account."},
			{Key: "groups_claim", Kind: kindString, Default: "groups",
				Doc: "ID token claim holding the person's groups: a list of strings or one string. A dotted path reaches into objects, e.g. `realm_access.roles` (Keycloak)."},
			{Key: "roles", Kind: kindSection, Section: roles, Doc: "Groups that grant each role; see below."},
			{Key: "create_users", Kind: kindBool, Default: "false",
				Doc: "Create an account at a person's first sign-in. Off, only people who already have a sitrep account (matched by email) may sign in. " +
					"On, it needs `roles` or `default_role`."},
			{Key: "default_role", Kind: kindEnum, Enum: roleNames(), ShowValid: true,
				Doc: "Role of accounts created at first sign-in when `roles` is not set (with `roles`, the groups decide). Only with `create_users: true`."},
		},
	}
	return top, roles
}

func (d *decoder) oidc(top *values) *OIDCConfig {
	if !top.has("oidc") {
		return nil
	}
	v := top.sub("oidc")
	c := &OIDCConfig{
		Issuer: strings.TrimSpace(v.str("issuer")), ClientID: strings.TrimSpace(v.str("client_id")), ClientSecret: v.str("client_secret"),
		Label: strings.TrimSpace(v.str("label")), GroupsClaim: strings.TrimSpace(v.str("groups_claim")),
	}
	if v.has("issuer") {
		if msg := checkIssuer(c.Issuer); msg != "" {
			d.p.at(v.at("issuer"), "issuer: %s", msg)
		}
	}
	if v.has("client_id") && c.ClientID == "" {
		d.p.at(v.at("client_id"), "client_id: must not be empty; copy the client id the provider shows for sitrep")
	}
	if v.has("client_secret") && c.ClientSecret == "" {
		d.p.at(v.at("client_secret"), "client_secret: is empty (an empty ${VAR}?); sitrep signs in as a confidential client and needs the secret")
	}
	if v.has("label") && c.Label == "" {
		d.p.at(v.at("label"), "label: must not be empty, e.g. label: Sign in with Example SSO")
	}
	if v.has("groups_claim") && c.GroupsClaim == "" {
		d.p.at(v.at("groups_claim"), "groups_claim: must not be empty; the default is groups")
	}
	c.Scopes = d.scopes(v)
	c.Policy.AllowedDomains = d.domains(v)
	c.Policy.CreateUsers = v.boolean("create_users")
	if v.has("roles") {
		c.Policy.RoleGroups = d.roleGroups(v.sub("roles"), v.at("roles"))
	}
	c.Policy.DefaultRole = sitrep.Role(v.str("default_role"))
	switch {
	case v.has("default_role") && v.has("roles"):
		d.p.at(v.at("default_role"), "default_role: not with roles; with roles every account takes its role from its groups, and a person in none of them is refused")
	case v.has("default_role") && !c.Policy.CreateUsers:
		d.p.at(v.at("default_role"), "default_role: only applies with create_users: true, as the role of accounts made at first sign-in")
	case c.Policy.CreateUsers && !v.has("roles") && !written(v, "default_role"):
		// A default_role written wrong was reported already.
		d.p.at(v.at("create_users"), "create_users: true needs roles (each person's role from their groups) or default_role (the role of every new account), e.g. default_role: viewer")
	}
	return c
}

// checkIssuer requires https: the discovery document names the keys that
// sign identities, and must not be open to tampering on the way. Loopback
// is exempt, for tests and a provider on the same host.
func checkIssuer(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https"):
		return "\"" + s + "\" is not an https URL; write e.g. https://accounts.example.com"
	case u.Hostname() == "":
		return "\"" + s + "\" has no host; write e.g. https://accounts.example.com"
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return "\"" + s + "\" has a query, fragment or user; write the issuer only, e.g. https://accounts.example.com"
	case u.Scheme == "http" && !loopback(u.Hostname()):
		return "\"" + s + "\" must use https; http is accepted only on loopback (127.0.0.1, ::1, localhost), for tests"
	}
	return ""
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (d *decoder) scopes(v *values) []string {
	if !v.has("scopes") {
		return append([]string(nil), defaultScopes...)
	}
	var out []string
	seen := map[string]bool{}
	for i, s := range v.strs("scopes") {
		n := item(v.at("scopes"), i)
		switch {
		case s == "" || strings.ContainsAny(s, " \t\"\\"):
			d.p.at(n, "scopes: %q is not a scope; write one word per entry, e.g. [openid, email, profile]", s)
		case seen[s]:
			d.p.at(n, "scopes: %q is listed twice", s)
		default:
			seen[s] = true
			out = append(out, s)
		}
	}
	if !seen["openid"] {
		out = append([]string{"openid"}, out...)
	}
	return out
}

func (d *decoder) domains(v *values) []string {
	var out []string
	seen := map[string]bool{}
	for i, s := range v.strs("allowed_domains") {
		n := item(v.at("allowed_domains"), i)
		h := strings.ToLower(strings.TrimSpace(s))
		if strings.Contains(h, "@") {
			d.p.at(n, "allowed_domains: %q is an address; write its domain only, e.g. example.com", s)
			continue
		}
		if _, msg := checkHost(h); msg != "" {
			d.p.at(n, "allowed_domains: %q is not a domain; write e.g. example.com", s)
			continue
		}
		if seen[h] {
			d.p.at(n, "allowed_domains: %q is listed twice", s)
			continue
		}
		seen[h] = true
		out = append(out, h)
	}
	return out
}

func (d *decoder) roleGroups(v *values, at *yaml.Node) map[sitrep.Role][]string {
	out := map[sitrep.Role][]string{}
	total := 0
	for _, r := range roleNames() {
		for i, g := range v.strs(r) {
			if strings.TrimSpace(g) == "" {
				d.p.at(item(v.at(r), i), "%s: a group name must not be empty", r)
				continue
			}
			out[sitrep.Role(r)] = append(out[sitrep.Role(r)], g)
			total++
		}
	}
	if total == 0 {
		d.p.at(at, "roles: names no group, so everyone would be refused; map groups to roles, e.g. roles: {admin: [sre-leads], viewer: [staff]}, or remove roles")
	}
	return out
}

// written reports whether key appears in the section, even with a value
// that did not decode.
func written(v *values, key string) bool {
	n := v.node
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// item returns the i-th entry of a list node to blame, or the node itself
// for a single value written without a list.
func item(n *yaml.Node, i int) *yaml.Node {
	if n != nil && n.Kind == yaml.SequenceNode && i < len(n.Content) {
		return n.Content[i]
	}
	return n
}
