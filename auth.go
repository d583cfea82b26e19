package sitrep

import "context"

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
