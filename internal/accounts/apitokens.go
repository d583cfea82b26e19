package accounts

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"sitrep"
)

// TokenPrefix starts every API token, so secret scanners can find leaked
// ones and people can tell a token from other secrets.
const TokenPrefix = "sitrep_"

// CreateToken makes an API token; only admins may. The token is returned
// once and only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, by *sitrep.Principal, name string, role sitrep.Role, expires time.Time) (string, *sitrep.APIToken, error) {
	if err := allow(by, sitrep.ActionTokens); err != nil {
		return "", nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", nil, sitrep.FieldErrorf(sitrep.EINVALID, "name", "a token needs a name of 1 to 100 characters, e.g. the script that uses it")
	}
	if err := checkRole(role); err != nil {
		return "", nil, err
	}
	now := s.clock.Now().UTC().Truncate(time.Millisecond)
	if !expires.IsZero() && !expires.After(now) {
		return "", nil, sitrep.FieldErrorf(sitrep.EINVALID, "expires", "the expiry %s is in the past", expires.UTC().Format(time.RFC3339))
	}
	token := randomToken(TokenPrefix)
	t := &sitrep.APIToken{Name: name, Role: role, CreatedBy: by.Name, CreatedAt: now, ExpiresAt: expires.UTC().Truncate(time.Millisecond)}
	if err := s.store.CreateAPIToken(ctx, t, hashToken(token)); err != nil {
		return "", nil, err
	}
	detail := fmt.Sprintf("%q as %s", name, role)
	if !expires.IsZero() {
		detail += ", expires " + t.ExpiresAt.Format(time.RFC3339)
	}
	s.audit(ctx, by.Name, "token.create", "token/"+t.ID, detail)
	return token, t, nil
}

// Tokens lists every API token, oldest first.
func (s *Service) Tokens(ctx context.Context) ([]sitrep.APIToken, error) {
	return s.store.ListAPITokens(ctx)
}

// RevokeToken deletes an API token; only admins may.
func (s *Service) RevokeToken(ctx context.Context, by *sitrep.Principal, id string) error {
	if err := allow(by, sitrep.ActionTokens); err != nil {
		return err
	}
	if err := s.store.DeleteAPIToken(ctx, id); err != nil {
		return err
	}
	s.audit(ctx, by.Name, "token.revoke", "token/"+id, "")
	return nil
}

// Authenticate resolves a bearer token: API tokens first, then the interim
// admin token, so automation written against issue 3 keeps working.
func (s *Service) Authenticate(ctx context.Context, token string) (*sitrep.Principal, error) {
	none := unauthorized("unknown or expired token")
	if token == "" {
		return nil, unauthorized("an API token is required")
	}
	hash := hashToken(token)
	t, err := s.store.APITokenByHash(ctx, hash)
	switch {
	case err == nil:
		now := s.clock.Now()
		if !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt) {
			return nil, none
		}
		if now.Sub(t.LastUsedAt) >= touchEvery {
			// Last use is informative; failing to record it must not
			// refuse a valid token.
			if err := s.store.TouchAPIToken(ctx, t.ID, now); err != nil {
				s.log.Warn("record API token use", "token", t.ID, "err", err)
			}
		}
		return &sitrep.Principal{Name: "token:" + t.Name, Role: t.Role}, nil
	case sitrep.ErrorCode(err) != sitrep.ENOTFOUND:
		return nil, err
	}
	admin, err := s.adminTokenHash(ctx)
	if err != nil {
		return nil, err
	}
	if admin != "" && subtle.ConstantTimeCompare([]byte(admin), []byte(hash)) == 1 {
		return &sitrep.Principal{Name: "admin-token", Role: sitrep.RoleAdmin}, nil
	}
	return nil, none
}

func (s *Service) adminTokenHash(ctx context.Context) (string, error) {
	if s.noAdminToken {
		return "", nil
	}
	if s.adminHash != "" {
		return s.adminHash, nil
	}
	h, err := s.store.AdminTokenHash(ctx)
	if err != nil {
		return "", fmt.Errorf("read admin token: %w", err)
	}
	return h, nil
}
