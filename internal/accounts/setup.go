package accounts

import (
	"context"
	"fmt"

	"sitrep"
)

// NeedsSetup reports whether no active administrator exists.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	users, err := s.store.ListUsers(ctx)
	if err != nil {
		return false, fmt.Errorf("check for an administrator: %w", err)
	}
	for _, u := range users {
		if u.Role == sitrep.RoleAdmin && !u.Disabled {
			return false, nil
		}
	}
	return true, nil
}

// PrepareSetup returns a fresh one-time setup token while NeedsSetup, ""
// otherwise. The app calls it at start and prints the setup link; each call
// voids the token printed before, so only the latest console output works.
func (s *Service) PrepareSetup(ctx context.Context) (string, error) {
	need, err := s.NeedsSetup(ctx)
	if err != nil || !need {
		return "", err
	}
	token := randomToken("")
	err = s.store.PutOneTimeToken(ctx, sitrep.OneTimeToken{Hash: hashToken(token), Kind: sitrep.OneTimeSetup, CreatedAt: s.clock.Now()})
	if err != nil {
		return "", fmt.Errorf("prepare setup: %w", err)
	}
	return token, nil
}

// CompleteSetup creates the first administrator with the setup token.
func (s *Service) CompleteSetup(ctx context.Context, setupToken string, in sitrep.UserInput) (*sitrep.User, error) {
	need, err := s.NeedsSetup(ctx)
	if err != nil {
		return nil, err
	}
	if !need {
		return nil, sitrep.Errorf(sitrep.ECONFLICT, "setup is complete already; sign in instead")
	}
	in.Role = sitrep.RoleAdmin
	// Check the input before spending the token, so a typo in the form does
	// not need a restart for a new one.
	if err := checkEmail(normEmail(in.Email)); err != nil {
		return nil, err
	}
	if err := s.common.check(in.Password); err != nil {
		return nil, err
	}
	bad := unauthorized("the setup link is not valid; use the one printed most recently on the server's console")
	if setupToken == "" {
		return nil, bad
	}
	t, err := s.store.TakeOneTimeToken(ctx, hashToken(setupToken))
	if sitrep.ErrorCode(err) == sitrep.ENOTFOUND || (err == nil && t.Kind != sitrep.OneTimeSetup) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	u, err := s.createUser(ctx, in)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, u.Email, "setup.complete", "user/"+u.ID, "first administrator "+u.Email)
	return withoutHash(u), nil
}
