package sitrep

import (
	"context"
	"time"
)

// AccountStore keeps what internal/accounts needs: users, their second
// factor, sessions, API tokens, one-time tokens (setup, password reset) and
// the audit log. Every secret arrives already hashed or encrypted; the store
// never sees a password, a token or a TOTP secret in the clear.
type AccountStore interface {
	AdminTokenStore

	// CreateUser stores a new user (ECONFLICT when the email is taken).
	CreateUser(ctx context.Context, u *User) error
	// UpdateUser writes email, name, role, password hash, disabled and last
	// login of an existing user (ENOTFOUND, ECONFLICT for a taken email).
	// The second factor is changed only through SetUserTOTP.
	UpdateUser(ctx context.Context, u *User) error
	UserByID(ctx context.Context, id string) (*User, error)
	UserByEmail(ctx context.Context, email string) (*User, error)
	// ListUsers returns every user, oldest first.
	ListUsers(ctx context.Context) ([]User, error)

	// UserTOTP returns a user's second-factor record.
	UserTOTP(ctx context.Context, userID string) (TOTPRecord, error)
	// SetUserTOTP replaces the second-factor record; User.TOTPEnabled follows
	// whether r.Secret is set. recoveryHashes, when not nil, replace the
	// user's recovery codes.
	SetUserTOTP(ctx context.Context, userID string, r TOTPRecord, recoveryHashes []string) error
	// UseTOTPStep records that the code of a time step was used, and reports
	// false when that step or a later one was used already (a replay).
	UseTOTPStep(ctx context.Context, userID string, step int64) (bool, error)
	// UseRecoveryCode removes one recovery code hash, reporting whether it
	// was there: each code works once even under concurrent use.
	UseRecoveryCode(ctx context.Context, userID, hash string) (bool, error)

	CreateSession(ctx context.Context, s SessionRecord) error
	// SessionByHash returns a session by its token hash (ENOTFOUND).
	SessionByHash(ctx context.Context, hash string) (*SessionRecord, error)
	TouchSession(ctx context.Context, hash string, seen time.Time) error
	DeleteSession(ctx context.Context, hash string) error
	DeleteUserSessions(ctx context.Context, userID string) error

	// CreateAPIToken stores a token by the hash of its secret.
	CreateAPIToken(ctx context.Context, t *APIToken, hash string) error
	APITokenByHash(ctx context.Context, hash string) (*APIToken, error)
	// ListAPITokens returns every token, oldest first.
	ListAPITokens(ctx context.Context) ([]APIToken, error)
	// DeleteAPIToken revokes a token (ENOTFOUND when there is none).
	DeleteAPIToken(ctx context.Context, id string) error
	TouchAPIToken(ctx context.Context, id string, at time.Time) error

	// PutOneTimeToken stores a token, replacing any earlier one of the same
	// kind for the same user: a new reset link voids the older one.
	PutOneTimeToken(ctx context.Context, t OneTimeToken) error
	// TakeOneTimeToken removes and returns a token by hash (ENOTFOUND), so
	// of two concurrent uses exactly one gets it.
	TakeOneTimeToken(ctx context.Context, hash string) (*OneTimeToken, error)

	// AppendAudit stores an entry, setting its ID when empty.
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// AuditLog lists entries with At before before (zero: all), newest
	// first, at most limit (<= 0: 100).
	AuditLog(ctx context.Context, before time.Time, limit int) ([]AuditEntry, error)
}

// TOTPRecord is a user's second factor at rest. Secrets are sealed
// (AES-256-GCM) by internal/accounts before they reach the store.
type TOTPRecord struct {
	Secret   string // sealed; "" when TOTP is off
	Pending  string // sealed secret from BeginTOTP awaiting its first code
	LastStep int64  // the last time step whose code was accepted
}

// SessionRecord is a session at rest, keyed by the hash of its token.
type SessionRecord struct {
	Hash      string
	UserID    string
	CSRFToken string
	// Pending is true while the session waits for a second factor; such a
	// session grants nothing.
	Pending   bool
	CreatedAt time.Time
	SeenAt    time.Time
	IP        string
}

// OneTimeToken kinds.
const (
	OneTimeSetup = "setup"
	OneTimeReset = "reset"
)

// OneTimeToken is a single-use token (first-run setup, password reset) kept
// by its hash.
type OneTimeToken struct {
	Hash      string
	Kind      string
	UserID    string    // "" for setup
	ExpiresAt time.Time // zero: until used or replaced
	CreatedAt time.Time
}
