package subscribe

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"time"
)

// Tokens are HMAC-SHA256 of a purpose, the subscriber id and (for
// confirmation) the time the link was requested, under the server key. The
// store keeps only sha256(token), so a leaked database yields no working
// link, and a new confirmation request makes the old link useless.

func (s *Service) mac(parts ...string) string {
	m := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Service) manageToken(id string) string { return s.mac("manage", id) }

func (s *Service) confirmToken(id string, requested time.Time) string {
	return s.mac("confirm", id, strconv.FormatInt(requested.UnixMilli(), 10))
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// plausibleToken rejects what cannot be a token before it costs a query.
func plausibleToken(t string) bool {
	if len(t) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(t)
	return err == nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// newSubscriberID is 16 lowercase characters like the store's ids; the
// service makes it itself because the tokens are derived from it.
func newSubscriberID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return string(b)
}
