// Package accounts is sitrep's AccountService: users and their passwords,
// sessions, TOTP two-factor sign-in with recovery codes, password reset,
// scoped API tokens and the audit log. It keeps no secret in the clear:
// passwords are argon2id hashes, tokens SHA-256 hashes, TOTP seeds sealed
// with AES-256-GCM.
package accounts

import (
	"fmt"
	"log/slog"
	"time"

	"sitrep"
)

// Session lifetimes: a session ends after 12 idle hours, and after 7 days
// whatever happens; one waiting for its second factor after 10 minutes.
const (
	idleTimeout     = 12 * time.Hour
	absoluteTimeout = 7 * 24 * time.Hour
	pendingTimeout  = 10 * time.Minute
	resetValidity   = time.Hour
	// touchEvery bounds writes for "last used": a busy session or API token
	// costs one write a minute, not one per request.
	touchEvery = time.Minute
)

// Options configure New.
type Options struct {
	Store  sitrep.AccountStore
	Clock  sitrep.Clock // nil: the system clock
	Logger *slog.Logger // nil: discard
	// SecretKey is the 32-byte AES-256 key that seals TOTP secrets. Without
	// it everything works except enabling and checking TOTP.
	SecretKey []byte
	// AdminTokenHash is the SHA-256 hex of the interim admin token, which
	// Authenticate accepts as an admin principal named "admin-token". ""
	// reads it from Store.AdminTokenHash; DisableAdminToken turns it off.
	AdminTokenHash    string
	DisableAdminToken bool
	// Argon2 are the password hashing costs; zero means DefaultArgon2.
	Argon2 Argon2Params
	// Issuer names sitrep in authenticator apps; "" means "sitrep".
	Issuer string
	// External is who may sign in through an identity provider; nil turns
	// LoginExternal off.
	External *sitrep.ExternalLoginPolicy
}

// Service implements sitrep.AccountService.
type Service struct {
	store  sitrep.AccountStore
	clock  sitrep.Clock
	log    *slog.Logger
	sealer *sealer
	argon  Argon2Params
	issuer string
	common commonPasswords
	ext    *sitrep.ExternalLoginPolicy

	adminHash    string
	noAdminToken bool

	// dummyHash is verified for unknown accounts, so that a wrong email
	// takes as long as a wrong password.
	dummyHash string

	accountLimit *limiter
	ipLimit      *limiter
}

var _ sitrep.AccountService = (*Service)(nil)

// New returns the service.
func New(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, fmt.Errorf("accounts: a store is required")
	}
	s := &Service{
		store: opts.Store, clock: opts.Clock, log: opts.Logger, argon: opts.Argon2, issuer: opts.Issuer,
		common: loadCommonPasswords(), ext: opts.External, adminHash: opts.AdminTokenHash, noAdminToken: opts.DisableAdminToken,
		// Five guesses per account, then slower and slower. An address gets
		// more, because many people may share one behind a NAT; the
		// per-account limit is what protects each account.
		accountLimit: newLimiter(5),
		ipLimit:      newLimiter(20),
	}
	if s.clock == nil {
		s.clock = sitrep.SystemClock()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("component", "accounts")
	if s.argon == (Argon2Params{}) {
		s.argon = DefaultArgon2
	}
	if s.issuer == "" {
		s.issuer = "sitrep"
	}
	var err error
	if s.sealer, err = newSealer(opts.SecretKey); err != nil {
		return nil, err
	}
	s.dummyHash = hashPassword(randomToken(""), s.argon)
	return s, nil
}

func unauthorized(msg string) error { return sitrep.Errorf(sitrep.EUNAUTHORIZED, "%s", msg) }

// allow refuses a principal whose role may not perform a.
func allow(by *sitrep.Principal, a sitrep.Action) error {
	if by == nil {
		return unauthorized("sign in first")
	}
	if !sitrep.Allowed(by.Role, a) {
		return sitrep.Errorf(sitrep.EFORBIDDEN, "%s (role %s) may not manage %s", by.Name, by.Role, a)
	}
	return nil
}
