package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"sitrep"
)

// adminToken resolves the interim admin token's hash. A token given through
// SITREP_ADMIN_TOKEN (for automation) is used as it is and never stored;
// otherwise the first start generates one, stores only its hash, and
// returns the token so it can be shown once.
func adminToken(ctx context.Context, store sitrep.AdminTokenStore, fromEnv string) (hash, shown string, err error) {
	if fromEnv != "" {
		return hashToken(fromEnv), "", nil
	}
	hash, err = store.AdminTokenHash(ctx)
	if err != nil {
		return "", "", fmt.Errorf("read admin token: %w", err)
	}
	if hash != "" {
		return hash, "", nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("generate admin token: %w", err)
	}
	token := "sitrep_" + base64.RawURLEncoding.EncodeToString(b)
	hash = hashToken(token)
	if err := store.SetAdminTokenHash(ctx, hash); err != nil {
		return "", "", fmt.Errorf("store admin token: %w", err)
	}
	return hash, token, nil
}

// hashToken is how tokens are kept at rest: a high-entropy random token
// needs no slow hash, only one that cannot be reversed.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
