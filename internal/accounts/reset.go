package accounts

import (
	"context"

	"sitrep"
)

// RequestPasswordReset returns a one-time reset token valid for an hour,
// replacing any earlier one. For an unknown or disabled email it returns
// "" and no error: the caller sends nothing but says the same as otherwise,
// so the form does not reveal who has an account.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) (string, error) {
	u, err := s.store.UserByEmail(ctx, normEmail(email))
	if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if u.Disabled {
		return "", nil
	}
	now := s.clock.Now()
	token := randomToken("")
	err = s.store.PutOneTimeToken(ctx, sitrep.OneTimeToken{Hash: hashToken(token), Kind: sitrep.OneTimeReset,
		UserID: u.ID, ExpiresAt: now.Add(resetValidity), CreatedAt: now})
	if err != nil {
		return "", err
	}
	s.audit(ctx, u.Email, "user.reset_request", "user/"+u.ID, "")
	return token, nil
}

// ResetPassword sets a new password with a reset token and signs the user
// out everywhere.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) error {
	if err := s.common.check(newPassword); err != nil {
		return err
	}
	bad := unauthorized("the reset link is not valid or has expired; ask for a new one")
	if token == "" {
		return bad
	}
	t, err := s.store.TakeOneTimeToken(ctx, hashToken(token))
	if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
		return bad
	}
	if err != nil {
		return err
	}
	if t.Kind != sitrep.OneTimeReset || !s.clock.Now().Before(t.ExpiresAt) {
		return bad
	}
	u, err := s.store.UserByID(ctx, t.UserID)
	if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
		return bad
	}
	if err != nil {
		return err
	}
	if u.Disabled {
		return bad
	}
	u.PasswordHash = hashPassword(newPassword, s.argon)
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	if err := s.store.DeleteUserSessions(ctx, u.ID); err != nil {
		return err
	}
	s.audit(ctx, u.Email, "user.password_reset", "user/"+u.ID, "")
	return nil
}
