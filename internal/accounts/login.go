package accounts

import (
	"context"
	"fmt"
	"time"

	"sitrep"
)

// errBadLogin is the one answer to a wrong email, a wrong password and a
// disabled account, so the answer does not tell which accounts exist.
func errBadLogin() error { return unauthorized("wrong email or password") }

func errSlowDown(wait time.Duration) error {
	return sitrep.Errorf(sitrep.ETOOMANYREQUESTS, "too many failed sign-in attempts; try again in %s", wait.Round(time.Second))
}

// Login checks a password. A correct one starts a new session (a fresh
// token every time, so a token planted before sign-in is worth nothing);
// with TOTP enabled that session grants nothing until VerifySecondFactor.
func (s *Service) Login(ctx context.Context, email, password, ip string) (sitrep.LoginResult, error) {
	email = normEmail(email)
	now := s.clock.Now()
	keys := []string{"account:" + email}
	if ip != "" {
		keys = append(keys, "ip:"+ip)
	}
	acct, addr := keys[:1], keys[1:]
	if w := max(s.accountLimit.begin(now, acct...), s.ipLimit.begin(now, addr...)); w > 0 {
		s.log.Warn("sign-in slowed down", "email", email, "ip", ip, "wait", w)
		return sitrep.LoginResult{}, errSlowDown(w)
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		return sitrep.LoginResult{}, err
	}
	if u == nil || u.Disabled || u.PasswordHash == "" {
		verifyPassword(password, s.dummyHash, s.argon)
		return sitrep.LoginResult{}, errBadLogin()
	}
	ok, rehash := verifyPassword(password, u.PasswordHash, s.argon)
	if !ok {
		return sitrep.LoginResult{}, errBadLogin()
	}
	s.accountLimit.succeed(acct...)
	s.ipLimit.succeed(addr...)
	if rehash {
		u.PasswordHash = hashPassword(password, s.argon)
	}
	if !u.TOTPEnabled {
		u.LastLoginAt = now
	}
	if rehash || !u.TOTPEnabled {
		if err := s.store.UpdateUser(ctx, u); err != nil {
			return sitrep.LoginResult{}, err
		}
	}
	token, err := s.newSession(ctx, u.ID, u.TOTPEnabled, ip, now)
	if err != nil {
		return sitrep.LoginResult{}, err
	}
	if !u.TOTPEnabled {
		s.audit(ctx, u.Email, "user.login", "user/"+u.ID, "")
	}
	return sitrep.LoginResult{SessionToken: token, NeedTOTP: u.TOTPEnabled}, nil
}

func (s *Service) newSession(ctx context.Context, userID string, pending bool, ip string, now time.Time) (string, error) {
	token := randomToken("")
	err := s.store.CreateSession(ctx, sitrep.SessionRecord{
		Hash: hashToken(token), UserID: userID, CSRFToken: randomToken(""), Pending: pending,
		CreatedAt: now, SeenAt: now, IP: ip,
	})
	if err != nil {
		return "", fmt.Errorf("start session: %w", err)
	}
	return token, nil
}

// VerifySecondFactor completes a sign-in with a TOTP code or a recovery
// code. The waiting session is replaced by a new one with a new token.
func (s *Service) VerifySecondFactor(ctx context.Context, sessionToken, code, ip string) (sitrep.LoginResult, error) {
	now := s.clock.Now()
	expired := unauthorized("the sign-in has expired; start again")
	if sessionToken == "" {
		return sitrep.LoginResult{}, expired
	}
	hash := hashToken(sessionToken)
	rec, err := s.store.SessionByHash(ctx, hash)
	if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
		return sitrep.LoginResult{}, expired
	}
	if err != nil {
		return sitrep.LoginResult{}, err
	}
	if !rec.Pending || now.Sub(rec.CreatedAt) >= pendingTimeout {
		return sitrep.LoginResult{}, expired
	}
	// Six digits are guessable without a limit: the same slowing as for
	// passwords applies, per account and per address.
	acct, addr := []string{"2fa:" + rec.UserID}, []string{}
	if ip != "" {
		addr = append(addr, "ip:"+ip)
	}
	if w := max(s.accountLimit.begin(now, acct...), s.ipLimit.begin(now, addr...)); w > 0 {
		return sitrep.LoginResult{}, errSlowDown(w)
	}
	u, err := s.store.UserByID(ctx, rec.UserID)
	if err != nil {
		return sitrep.LoginResult{}, err
	}
	if u.Disabled || !u.TOTPEnabled {
		return sitrep.LoginResult{}, expired
	}
	how, err := s.checkSecondFactor(ctx, u, code, now)
	if err != nil {
		return sitrep.LoginResult{}, err
	}
	s.accountLimit.succeed(acct...)
	s.ipLimit.succeed(addr...)
	if err := s.store.DeleteSession(ctx, hash); err != nil {
		return sitrep.LoginResult{}, err
	}
	u.LastLoginAt = now
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return sitrep.LoginResult{}, err
	}
	token, err := s.newSession(ctx, u.ID, false, ip, now)
	if err != nil {
		return sitrep.LoginResult{}, err
	}
	s.audit(ctx, u.Email, "user.login", "user/"+u.ID, "with "+how)
	return sitrep.LoginResult{SessionToken: token}, nil
}

// Session returns the signed-in session for a cookie token.
func (s *Service) Session(ctx context.Context, sessionToken string) (*sitrep.Session, error) {
	none := unauthorized("not signed in, or the session has expired")
	if sessionToken == "" {
		return nil, none
	}
	now := s.clock.Now()
	hash := hashToken(sessionToken)
	rec, err := s.store.SessionByHash(ctx, hash)
	if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
		return nil, none
	}
	if err != nil {
		return nil, err
	}
	if rec.Pending {
		return nil, none
	}
	expires := sessionExpiry(rec.CreatedAt, rec.SeenAt)
	if !now.Before(expires) {
		if err := s.store.DeleteSession(ctx, hash); err != nil {
			s.log.Warn("delete expired session", "err", err)
		}
		return nil, none
	}
	u, err := s.store.UserByID(ctx, rec.UserID)
	if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
		return nil, none
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, none
	}
	if now.Sub(rec.SeenAt) >= touchEvery {
		if err := s.store.TouchSession(ctx, hash, now); err != nil {
			return nil, err
		}
		expires = sessionExpiry(rec.CreatedAt, now)
	}
	return &sitrep.Session{
		User:      *withoutHash(u),
		Principal: sitrep.Principal{Name: u.Email, Role: u.Role},
		CreatedAt: rec.CreatedAt, ExpiresAt: expires, CSRFToken: rec.CSRFToken,
	}, nil
}

func sessionExpiry(created, seen time.Time) time.Time {
	idle, abs := seen.Add(idleTimeout), created.Add(absoluteTimeout)
	if idle.Before(abs) {
		return idle
	}
	return abs
}

// Logout ends a session; an unknown token is not an error.
func (s *Service) Logout(ctx context.Context, sessionToken string) error {
	if sessionToken == "" {
		return nil
	}
	return s.store.DeleteSession(ctx, hashToken(sessionToken))
}
