package app

import (
	"context"
	"log/slog"

	"sitrep"
	"sitrep/internal/config"
	"sitrep/internal/oidc"
)

// externalPolicy is who may sign in through the identity provider; nil
// when the config has no oidc section, which turns LoginExternal off.
func externalPolicy(cfg *config.Config) *sitrep.ExternalLoginPolicy {
	if cfg.OIDC == nil {
		return nil
	}
	p := cfg.OIDC.Policy
	return &p
}

// identityProvider builds OIDC sign-in from the config, or returns nil
// (an untyped nil, so the admin UI sees "none") when it is not configured.
// Its flow cookie is sealed with a key of its own derived from the master
// key, like every other use of that key.
func (a *App) identityProvider(cfg *config.Config, listen string, masterKey []byte) (sitrep.IdentityProvider, error) {
	if cfg.OIDC == nil {
		return nil, nil
	}
	c := cfg.OIDC
	p, err := oidc.New(oidc.Options{
		Issuer: c.Issuer, ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURL: cfg.RedirectURL(listen),
		Scopes: c.Scopes, GroupsClaim: c.GroupsClaim, Label: c.Label,
		Key: deriveKey(masterKey, "oidc flow"), Clock: a.opts.Clock, Logger: a.logger,
	})
	if err != nil {
		return nil, err
	}
	// Discover now, so that a wrong issuer shows in the log at start
	// rather than at someone's first sign-in; sitrep starts either way and
	// tries again when someone signs in.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := p.Discover(ctx); err != nil && ctx.Err() == nil {
			a.logger.Warn("single sign-on: the identity provider cannot be reached yet", "issuer", c.Issuer, "err", err)
		}
	}()
	a.onStop(func(context.Context) error { cancel(); <-done; return nil })
	a.logger.Info("single sign-on enabled", slog.String("issuer", c.Issuer), slog.String("redirect_uri", cfg.RedirectURL(listen)))
	return p, nil
}
