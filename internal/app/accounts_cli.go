package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"sitrep"
	"sitrep/internal/accounts"
	"sitrep/internal/config"
)

// cliPrincipal is who local commands act as in the audit log. Whoever can
// run them can read the database anyway, so they act as an admin.
var cliPrincipal = sitrep.Principal{Name: "cli", Role: sitrep.RoleAdmin}

// withAccounts opens the configured storage and runs fn with an account
// service on it, for the local `sitrep user` and `sitrep token` commands.
func withAccounts(ctx context.Context, configPath, dataDir string, fn func(context.Context, *accounts.Service) error) error {
	if dataDir == "" {
		dataDir = DefaultDataDir
	}
	cfg, err := localConfig(configPath)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg, dataDir, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer store.Close()
	// No secret key: these commands never touch TOTP secrets, and must not
	// create the key file behind the server's back.
	svc, err := accounts.New(accounts.Options{Store: store, DisableAdminToken: true})
	if err != nil {
		return err
	}
	return fn(sitrep.WithClientIP(ctx, "local"), svc)
}

// localConfig loads the config; without --config and without the default
// file (a user created before the first serve) the starter's defaults apply,
// which is what serve would write.
func localConfig(path string) (*config.Config, error) {
	if path != "" {
		return config.Load(path)
	}
	if _, err := os.Stat(DefaultConfigFile); errors.Is(err, os.ErrNotExist) {
		return config.Parse(DefaultConfigFile, config.Starter(DefaultListen))
	}
	return config.Load(DefaultConfigFile)
}

// CreateUser adds a user from the command line.
func CreateUser(ctx context.Context, configPath, dataDir string, in sitrep.UserInput) (*sitrep.User, error) {
	var u *sitrep.User
	err := withAccounts(ctx, configPath, dataDir, func(ctx context.Context, svc *accounts.Service) error {
		var err error
		u, err = svc.CreateUser(ctx, &cliPrincipal, in)
		return err
	})
	return u, err
}

// ResetUserPassword sets a user's password from the command line and signs
// them out everywhere; the audit log records it as done by "cli".
func ResetUserPassword(ctx context.Context, configPath, dataDir, email, password string) error {
	return withAccounts(ctx, configPath, dataDir, func(ctx context.Context, svc *accounts.Service) error {
		u, err := svc.UserByEmail(ctx, email)
		if sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
			return sitrep.FieldErrorf(sitrep.ENOTFOUND, "email", "no user with email %s", email)
		}
		if err != nil {
			return err
		}
		if password == "" {
			return sitrep.FieldErrorf(sitrep.EINVALID, "password", "the new password is empty")
		}
		_, err = svc.UpdateUser(ctx, &cliPrincipal, u.ID, sitrep.UserInput{Password: password})
		return err
	})
}

// ListUsers lists every user.
func ListUsers(ctx context.Context, configPath, dataDir string) ([]sitrep.User, error) {
	var users []sitrep.User
	err := withAccounts(ctx, configPath, dataDir, func(ctx context.Context, svc *accounts.Service) error {
		var err error
		users, err = svc.Users(ctx)
		return err
	})
	return users, err
}

// CreateToken makes an API token and returns it (shown once).
func CreateToken(ctx context.Context, configPath, dataDir, name string, role sitrep.Role, expires time.Time) (string, *sitrep.APIToken, error) {
	var token string
	var t *sitrep.APIToken
	err := withAccounts(ctx, configPath, dataDir, func(ctx context.Context, svc *accounts.Service) error {
		var err error
		token, t, err = svc.CreateToken(ctx, &cliPrincipal, name, role, expires)
		return err
	})
	return token, t, err
}

// ListTokens lists every API token.
func ListTokens(ctx context.Context, configPath, dataDir string) ([]sitrep.APIToken, error) {
	var ts []sitrep.APIToken
	err := withAccounts(ctx, configPath, dataDir, func(ctx context.Context, svc *accounts.Service) error {
		var err error
		ts, err = svc.Tokens(ctx)
		return err
	})
	return ts, err
}

// RevokeToken deletes an API token.
func RevokeToken(ctx context.Context, configPath, dataDir, id string) error {
	return withAccounts(ctx, configPath, dataDir, func(ctx context.Context, svc *accounts.Service) error {
		if err := svc.RevokeToken(ctx, &cliPrincipal, id); err != nil {
			return fmt.Errorf("revoke token %s: %w", id, err)
		}
		return nil
	})
}
