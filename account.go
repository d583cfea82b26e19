package sitrep

import (
	"context"
	"time"
)

// User is a person who signs in to the admin UI. Passwords are kept as
// argon2id hashes; the TOTP secret is encrypted at rest (AES-256-GCM).
type User struct {
	ID           string
	Email        string
	Name         string
	Role         Role
	PasswordHash string // argon2id in PHC string format; "" until set
	TOTPEnabled  bool
	Disabled     bool
	CreatedAt    time.Time
	LastLoginAt  time.Time
}

// APIToken is a scoped token for scripts and the CLI. Only its hash is
// stored; the token itself is shown once, when created.
type APIToken struct {
	ID         string
	Name       string
	Role       Role
	CreatedBy  string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	LastUsedAt time.Time
}

// AuditEntry records who changed what, and when. Every change made through
// the UI, the API or the CLI writes one.
type AuditEntry struct {
	ID     string
	At     time.Time
	Actor  string // principal name: a user's email or "token:NAME"
	Action string // e.g. "incident.update", "user.create", "token.revoke"
	Target string // e.g. "incident/abc123"
	Detail string // short, human-readable; never a secret
	IP     string
}

// LoginResult is the outcome of a password check.
type LoginResult struct {
	// SessionToken is set when sign-in is complete or waits for a second
	// factor; it goes into an HttpOnly cookie.
	SessionToken string
	// NeedTOTP is true while the session still needs a TOTP or recovery code.
	NeedTOTP bool
}

// Session is a signed-in browser.
type Session struct {
	User      User
	Principal Principal
	CreatedAt time.Time
	ExpiresAt time.Time
	// CSRFToken is bound to the session for forms (in addition to the
	// cross-origin check every state-changing request passes).
	CSRFToken string
}

// UserInput creates or changes a user.
type UserInput struct {
	Email    string
	Name     string
	Role     Role
	Password string
}

// AccountService is sign-in, users, API tokens and the audit log. It also
// implements Authenticator for API tokens (and the interim admin token it
// replaces, while that exists).
type AccountService interface {
	Authenticator

	// Setup reports whether no administrator exists yet, and CompleteSetup
	// creates the first one using the one-time setup token printed on the
	// console at first start.
	NeedsSetup(ctx context.Context) (bool, error)
	CompleteSetup(ctx context.Context, setupToken string, in UserInput) (*User, error)

	// Login checks a password (rate limited per address and per account);
	// VerifySecondFactor completes it with a TOTP or recovery code.
	Login(ctx context.Context, email, password, ip string) (LoginResult, error)
	VerifySecondFactor(ctx context.Context, sessionToken, code, ip string) (LoginResult, error)
	// LoginExternal signs in a person an identity provider has verified,
	// under the configured ExternalLoginPolicy (EUNAVAILABLE without one):
	// it may create the account or change its role, and it starts a
	// session exactly as Login does, waiting for the second factor when the
	// account has TOTP. Refusals are EFORBIDDEN and audited.
	LoginExternal(ctx context.Context, id ExternalIdentity, ip string) (LoginResult, error)
	// Session returns the signed-in session for a cookie token
	// (EUNAUTHORIZED when missing, expired or waiting for a second factor).
	Session(ctx context.Context, sessionToken string) (*Session, error)
	Logout(ctx context.Context, sessionToken string) error

	CreateUser(ctx context.Context, by *Principal, in UserInput) (*User, error)
	UpdateUser(ctx context.Context, by *Principal, id string, in UserInput) (*User, error)
	DisableUser(ctx context.Context, by *Principal, id string) error
	Users(ctx context.Context) ([]User, error)

	// BeginTOTP returns a new secret and its otpauth:// URL for the user;
	// ConfirmTOTP enables it with a first valid code and returns one-time
	// recovery codes (shown once).
	BeginTOTP(ctx context.Context, userID string) (secret, otpauthURL string, err error)
	ConfirmTOTP(ctx context.Context, userID, code string) (recoveryCodes []string, err error)

	// Password reset by a one-time link (emailed) or by the CLI.
	RequestPasswordReset(ctx context.Context, email string) (token string, err error)
	ResetPassword(ctx context.Context, token, newPassword string) error

	CreateToken(ctx context.Context, by *Principal, name string, role Role, expires time.Time) (token string, t *APIToken, err error)
	Tokens(ctx context.Context) ([]APIToken, error)
	RevokeToken(ctx context.Context, by *Principal, id string) error

	// Audit records an entry; AuditLog lists entries newest first.
	Audit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, before time.Time, limit int) ([]AuditEntry, error)
}
