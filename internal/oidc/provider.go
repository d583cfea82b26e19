// Package oidc signs staff in through an OpenID Connect identity provider:
// the authorization code flow with PKCE, state and nonce. Discovery, the
// provider's keys and ID token verification are go-oidc's; the code
// exchange is x/oauth2's. What comes out is a sitrep.ExternalIdentity;
// whether that person may in, and as what, is internal/accounts' decision.
package oidc

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"sitrep"
)

const (
	// flowTTL is how long a person may spend at the provider.
	flowTTL = 10 * time.Minute
	// leeway absorbs clock skew between sitrep and the provider.
	leeway = 2 * time.Minute
	// fetchTimeout bounds each request to the provider: discovery, keys and
	// the code exchange.
	fetchTimeout = 10 * time.Second
	// maxUsedStates bounds the memory of finished attempts.
	maxUsedStates = 10000
)

// Options configure New.
type Options struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is sitrep's callback, registered at the provider:
	// BASE/login/oidc/callback.
	RedirectURL string
	// Scopes to ask for; openid is always added.
	Scopes []string
	// GroupsClaim names the claim holding the person's groups; a dotted
	// path (realm_access.roles) reaches into nested objects.
	GroupsClaim string
	Label       string
	// Key (32 bytes) seals the flow cookie.
	Key    []byte
	Clock  sitrep.Clock
	Logger *slog.Logger
	// HTTPClient talks to the provider; nil means one with fetchTimeout.
	HTTPClient *http.Client
}

// Provider is one identity provider. It is safe for concurrent use.
type Provider struct {
	opts   Options
	clock  sitrep.Clock
	log    *slog.Logger
	client *http.Client
	sealer *flowSealer
	used   *usedStates

	mu       sync.Mutex // held while discovering, so one request does it
	provider *gooidc.Provider
	verifier *gooidc.IDTokenVerifier
}

var _ sitrep.IdentityProvider = (*Provider)(nil)

// New returns the provider. It does not contact it: discovery happens at
// the first sign-in (or Discover), and is retried until it succeeds, so a
// provider that is down when sitrep starts does not stop sitrep.
func New(opts Options) (*Provider, error) {
	if opts.Issuer == "" || opts.ClientID == "" || opts.RedirectURL == "" {
		return nil, errors.New("oidc: issuer, client id and redirect URL are required")
	}
	s, err := newFlowSealer(opts.Key)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(opts.Scopes, gooidc.ScopeOpenID) {
		opts.Scopes = append([]string{gooidc.ScopeOpenID}, opts.Scopes...)
	}
	if opts.GroupsClaim == "" {
		opts.GroupsClaim = "groups"
	}
	if opts.Label == "" {
		opts.Label = "Sign in with single sign-on"
	}
	p := &Provider{opts: opts, clock: opts.Clock, log: opts.Logger, client: opts.HTTPClient, sealer: s, used: newUsedStates(maxUsedStates)}
	if p.clock == nil {
		p.clock = sitrep.SystemClock()
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.log = p.log.With("component", "oidc")
	if p.client == nil {
		p.client = &http.Client{Timeout: fetchTimeout}
	}
	return p, nil
}

// Label is the sign-in button's text.
func (p *Provider) Label() string { return p.opts.Label }

// Discover fetches the provider's metadata unless it has it already.
func (p *Provider) Discover(ctx context.Context) error {
	_, _, err := p.discover(ctx)
	return err
}

func (p *Provider) discover(ctx context.Context) (*gooidc.Provider, *gooidc.IDTokenVerifier, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.provider != nil {
		return p.provider, p.verifier, nil
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	// The client given here is also the one the provider's key set uses
	// later, for refetches when the provider rotates its keys.
	prov, err := gooidc.NewProvider(gooidc.ClientContext(ctx, p.client), p.opts.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", unavailable(), err)
	}
	p.provider = prov
	p.verifier = prov.VerifierContext(gooidc.ClientContext(context.Background(), p.client), &gooidc.Config{
		ClientID: p.opts.ClientID,
		// go-oidc allows no skew on expiry; its clock runs leeway behind.
		Now: func() time.Time { return p.clock.Now().Add(-leeway) },
	})
	p.log.Info("identity provider discovered", "issuer", p.opts.Issuer)
	return p.provider, p.verifier, nil
}

func unavailable() error {
	return sitrep.Errorf(sitrep.EUNAVAILABLE, "the identity provider cannot be reached right now; try again in a minute, or sign in with your password")
}

// refused is a failed sign-in: msg is for the person, cause for the log.
func refused(msg string, cause error) error {
	e := sitrep.Errorf(sitrep.EUNAUTHORIZED, "%s", msg)
	if cause == nil {
		return e
	}
	return fmt.Errorf("%w: %v", e, cause)
}

func (p *Provider) oauth(prov *gooidc.Provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID: p.opts.ClientID, ClientSecret: p.opts.ClientSecret, Endpoint: prov.Endpoint(),
		RedirectURL: p.opts.RedirectURL, Scopes: p.opts.Scopes,
	}
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Begin starts a sign-in.
func (p *Provider) Begin(ctx context.Context, next string) (string, string, error) {
	prov, _, err := p.discover(ctx)
	if err != nil {
		return "", "", err
	}
	f := flow{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), Next: next, Created: p.clock.Now().UnixMilli()}
	u := p.oauth(prov).AuthCodeURL(f.State, gooidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier))
	return u, p.sealer.seal(f), nil
}

// Finish checks the provider's answer and returns the verified identity.
func (p *Provider) Finish(ctx context.Context, sealed string, q url.Values) (*sitrep.ExternalIdentity, string, error) {
	restart := "This sign-in was not started in this browser, or it took too long. Start again."
	f, ok := p.sealer.open(sealed)
	if !ok {
		return nil, "", refused(restart, errors.New("no valid flow cookie"))
	}
	now := p.clock.Now()
	created := time.UnixMilli(f.Created)
	if now.Sub(created) >= flowTTL || created.After(now.Add(leeway)) {
		return nil, "", refused(restart, errors.New("flow expired"))
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(f.State)) != 1 {
		return nil, "", refused(restart, errors.New("state does not match the flow"))
	}
	if !p.used.use(f.State, now, created.Add(flowTTL)) {
		return nil, "", refused("This sign-in response was used already. Start again.", errors.New("state replayed"))
	}
	if e := q.Get("error"); e != "" {
		// error_description is the provider's text, but anyone can put any
		// text into this URL: it goes to the log, not onto the page.
		return nil, "", refused(providerError(e), fmt.Errorf("provider error %q: %q", e, q.Get("error_description")))
	}
	code := q.Get("code")
	if code == "" {
		return nil, "", refused(restart, errors.New("callback without code"))
	}
	prov, verifier, err := p.discover(ctx)
	if err != nil {
		return nil, "", err
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	ctx = gooidc.ClientContext(ctx, p.client)
	tok, err := p.oauth(prov).Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		var ne net.Error
		switch {
		case errors.As(err, &re):
			return nil, "", refused("The identity provider did not accept the sign-in. Start again.", fmt.Errorf("code exchange: %s", re.ErrorCode))
		case errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded):
			return nil, "", fmt.Errorf("%w: code exchange: %v", unavailable(), err)
		}
		return nil, "", refused("The identity provider did not accept the sign-in. Start again.", fmt.Errorf("code exchange: %w", err))
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, "", refused("The identity provider sent no ID token; is the openid scope allowed for this client?", errors.New("no id_token"))
	}
	invalid := "The identity provider's answer could not be verified. Start again, and tell an administrator if it keeps happening."
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		return nil, "", refused(invalid, fmt.Errorf("verify ID token: %w", err))
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return nil, "", refused(invalid, errors.New("ID token nonce does not match the flow"))
	}
	// go-oidc leaves iat alone. A token must be made for this attempt:
	// not before it started, and not in the future.
	if idt.IssuedAt.After(now.Add(leeway)) || idt.IssuedAt.Before(created.Add(-leeway)) {
		return nil, "", refused(invalid, fmt.Errorf("ID token issued at %s, outside the sign-in attempt", idt.IssuedAt.UTC().Format(time.RFC3339)))
	}
	id, err := identity(idt, p.opts.GroupsClaim)
	if err != nil {
		return nil, "", err
	}
	return id, f.Next, nil
}

// providerError is the message for an error the provider redirected back
// with; only its standard codes (RFC 6749 4.1.2.1, OIDC core 3.1.2.6) are
// named, as the value is attacker-controlled text too.
func providerError(code string) string {
	switch code {
	case "access_denied":
		return "The identity provider did not allow the sign-in (access_denied). If you should have access, ask an administrator of the identity provider."
	case "login_required", "interaction_required", "consent_required", "account_selection_required":
		return "The identity provider needs you to sign in there first (" + code + "). Start again."
	case "temporarily_unavailable", "server_error":
		return "The identity provider had a problem (" + code + "). Try again in a minute, or sign in with your password."
	case "invalid_request", "unauthorized_client", "unsupported_response_type", "invalid_scope", "invalid_request_uri", "invalid_request_object", "registration_not_supported", "request_not_supported", "request_uri_not_supported":
		return "The identity provider refused sitrep's request (" + code + "); an administrator should check the oidc settings and the client registered at the provider."
	}
	return "The identity provider refused the sign-in."
}
