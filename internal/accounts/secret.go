package accounts

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"sitrep"
)

const tokenBytes = 32

// randomToken returns prefix + 32 random bytes, URL-safe.
func randomToken(prefix string) string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is how every random token is kept at rest. A token with 256
// bits of entropy needs no slow hash, only one that cannot be reversed; it
// is the same hash internal/app uses for the interim admin token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// sealer encrypts small secrets (TOTP seeds) with AES-256-GCM. The
// additional data binds a sealed value to its owner, so a database row
// copied onto another user does not open.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) == 0 {
		return nil, nil
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("secret key: want 32 bytes for AES-256, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	return &sealer{aead: aead}, nil
}

func errNoKey() error {
	return sitrep.Errorf(sitrep.EUNAVAILABLE, "two-factor sign-in needs the server's secret key, which is not configured")
}

func (s *sealer) seal(plain []byte, owner string) (string, error) {
	if s == nil {
		return "", errNoKey()
	}
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	out := s.aead.Seal(nonce, nonce, plain, []byte(owner))
	return "v1:" + base64.RawStdEncoding.EncodeToString(out), nil
}

func (s *sealer) open(sealed, owner string) ([]byte, error) {
	if s == nil {
		return nil, errNoKey()
	}
	if len(sealed) < 3 || sealed[:3] != "v1:" {
		return nil, fmt.Errorf("open secret: unknown format")
	}
	b, err := base64.RawStdEncoding.DecodeString(sealed[3:])
	if err != nil || len(b) < s.aead.NonceSize() {
		return nil, fmt.Errorf("open secret: malformed")
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte(owner))
	if err != nil {
		return nil, fmt.Errorf("open secret (wrong secret key?): %w", err)
	}
	return plain, nil
}
