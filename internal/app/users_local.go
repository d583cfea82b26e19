package app

import (
	"context"

	"sitrep"
	"sitrep/internal/accounts"
)

// The local counterparts of the admin API's user changes, for `sitrep user
// set-role` and `sitrep user disable` on a host without a running server
// (or with the last admin locked out). They act as "cli" in the audit log,
// and the account service's rules apply as they do over the API: the last
// active admin can be neither demoted nor disabled.

// UpdateUser changes a user's name, role or password by ID; empty fields
// stay as they are.
func UpdateUser(ctx context.Context, configPath, dataDir, id string, in sitrep.UserInput) (*sitrep.User, error) {
	var u *sitrep.User
	err := withAccounts(ctx, configPath, dataDir, func(ctx context.Context, svc *accounts.Service) error {
		var err error
		u, err = svc.UpdateUser(ctx, &cliPrincipal, id, in)
		return err
	})
	return u, err
}

// DisableUser stops a user from signing in and ends their sessions.
func DisableUser(ctx context.Context, configPath, dataDir, id string) error {
	return withAccounts(ctx, configPath, dataDir, func(ctx context.Context, svc *accounts.Service) error {
		return svc.DisableUser(ctx, &cliPrincipal, id)
	})
}
