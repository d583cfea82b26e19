package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"

	"sitrep"
)

// TokenAuthenticator accepts the interim admin token: one secret whose
// SHA-256 (hex) is all the server keeps, so a leaked database or config does
// not leak the token. Accounts and roles replace it later behind the same
// sitrep.Authenticator interface.
type TokenAuthenticator struct {
	// Hash is HashToken(token); empty accepts nothing.
	Hash string
}

// AdminTokenName is the principal name of the admin token; it becomes the
// author of the updates written with it.
const AdminTokenName = "admin-token"

// HashToken returns the hex SHA-256 of token, the form TokenAuthenticator
// and sitrep.AdminTokenStore keep. A token is random and long, so a plain
// hash (no salt, no stretching) is enough: there is no dictionary to try.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Authenticate implements sitrep.Authenticator. The comparison takes the
// same time whatever the token, so its timing tells an attacker nothing
// about how close a guess was.
func (a TokenAuthenticator) Authenticate(_ context.Context, token string) (*sitrep.Principal, error) {
	want := strings.ToLower(strings.TrimSpace(a.Hash))
	got := HashToken(token)
	if token == "" || len(want) != len(got) || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return nil, sitrep.Errorf(sitrep.EUNAUTHORIZED, "invalid token")
	}
	return &sitrep.Principal{Name: AdminTokenName, Role: sitrep.RoleAdmin}, nil
}
