package sitrep

import (
	"context"
	"net/url"
	"strings"
)

// Role is what a principal may do. Issue 3 has only the interim admin
// token; accounts with admin, responder and viewer roles come later and
// plug in behind the same Authenticator.
type Role string

const (
	RoleAdmin     Role = "admin"
	RoleResponder Role = "responder"
	RoleViewer    Role = "viewer"
)

// Principal is who made a request.
type Principal struct {
	// Name identifies the principal in records (an incident update's author,
	// later the audit log), e.g. "admin-token" or a user's email.
	Name string
	Role Role
}

// Can reports whether the principal's role allows writes to incidents,
// maintenance and the other operational records.
func (p *Principal) Can(write bool) bool {
	if p == nil {
		return false
	}
	if !write {
		return true
	}
	return p.Role == RoleAdmin || p.Role == RoleResponder
}

// Authenticator resolves a bearer token to a principal. It returns an
// *Error with EUNAUTHORIZED for a missing, unknown or expired token.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (*Principal, error)
}

// AdminTokenStore keeps the hash of the interim admin token, so that the
// token printed at first start survives restarts without being stored in
// the clear.
type AdminTokenStore interface {
	// AdminTokenHash returns the stored hash, or "" when none was set yet.
	AdminTokenHash(ctx context.Context) (string, error)
	// SetAdminTokenHash stores the hash, replacing any earlier one.
	SetAdminTokenHash(ctx context.Context, hash string) error
}

// ExternalIdentity is a person an external identity provider (OpenID
// Connect) has verified: the provider checked who they are, sitrep decides
// what they may do.
type ExternalIdentity struct {
	// Provider names the provider in the audit log, e.g. "oidc".
	Provider string
	Issuer   string
	Subject  string
	// Email is the address the provider vouches for; accounts are matched
	// by it. A provider that says the address is unverified is refused
	// before an identity is made.
	Email  string
	Name   string
	Groups []string
}

// ExternalLoginPolicy says who may sign in through an identity provider and
// with which role.
type ExternalLoginPolicy struct {
	// AllowedDomains are lower-case email domains; empty allows any.
	AllowedDomains []string
	// RoleGroups maps each role to the provider's groups that grant it. When
	// set, a sign-in takes the highest role one of its groups grants (and
	// the account's role follows it at every sign-in); no match is refused.
	// nil leaves roles to sitrep's administrators.
	RoleGroups map[Role][]string
	// CreateUsers lets a person without an account get one at first
	// sign-in; otherwise only existing accounts may sign in.
	CreateUsers bool
	// DefaultRole is the role of created accounts when RoleGroups is nil.
	DefaultRole Role
}

// roleRank orders roles from most to least allowed.
var roleRank = []Role{RoleAdmin, RoleResponder, RoleViewer}

// RoleFor returns the highest role one of groups grants, and false when
// none does (or RoleGroups is nil).
func (p *ExternalLoginPolicy) RoleFor(groups []string) (Role, bool) {
	for _, r := range roleRank {
		for _, g := range p.RoleGroups[r] {
			for _, have := range groups {
				if g == have {
					return r, true
				}
			}
		}
	}
	return "", false
}

// DomainAllowed reports whether email's domain may sign in.
func (p *ExternalLoginPolicy) DomainAllowed(email string) bool {
	if len(p.AllowedDomains) == 0 {
		return true
	}
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	domain := strings.ToLower(email[at+1:])
	for _, d := range p.AllowedDomains {
		if d == domain {
			return true
		}
	}
	return false
}

// IdentityProvider is sign-in through an external provider (OpenID
// Connect's authorization code flow). The browser carries the flow between
// Begin and Finish as an opaque value, kept in a short-lived cookie.
type IdentityProvider interface {
	// Label is the text of the sign-in button.
	Label() string
	// Begin starts a sign-in that returns to next (a path on this site):
	// the provider's URL to send the browser to, and the flow value.
	Begin(ctx context.Context, next string) (redirectURL, flow string, err error)
	// Finish checks the provider's answer (the callback's query) against
	// the flow, and returns the verified identity and the path to go on to.
	// Errors are *Error with a message fit to show; they never hold a token.
	Finish(ctx context.Context, flow string, callback url.Values) (*ExternalIdentity, string, error)
}
