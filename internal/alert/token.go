package alert

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"sitrep"
)

// Signer makes and checks acknowledgement links. The token is the
// credential (no login is needed to ack from a phone), so it is an
// HMAC-SHA256 over the alert id and an expiry, with a key only this
// installation knows.
type Signer struct {
	key []byte
	ttl time.Duration
}

// NewSigner returns a Signer whose tokens are valid for ttl.
func NewSigner(key []byte, ttl time.Duration) *Signer {
	return &Signer{key: append([]byte(nil), key...), ttl: ttl}
}

var b64 = base64.RawURLEncoding

// Sign returns a token for alertID valid until now+ttl.
func (s *Signer) Sign(alertID string, now time.Time) string {
	payload := b64.EncodeToString([]byte(alertID)) + "." + strconv.FormatInt(now.Add(s.ttl).Unix(), 10)
	return payload + "." + b64.EncodeToString(s.mac(payload))
}

// Verify returns the alert id of a valid, unexpired token.
func (s *Signer) Verify(token string, now time.Time) (string, error) {
	bad := sitrep.Errorf(sitrep.EFORBIDDEN, "this acknowledgement link is not valid; acknowledge the alert with sitrep ack or the API")
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return "", bad
	}
	payload, sig := token[:i], token[i+1:]
	got, err := b64.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac(payload)) {
		return "", bad
	}
	idPart, expPart, ok := strings.Cut(payload, ".")
	if !ok {
		return "", bad
	}
	id, err := b64.DecodeString(idPart)
	if err != nil {
		return "", bad
	}
	exp, err := strconv.ParseInt(expPart, 10, 64)
	if err != nil {
		return "", bad
	}
	if now.Unix() >= exp {
		return "", sitrep.Errorf(sitrep.EFORBIDDEN, "this acknowledgement link expired at %s; acknowledge the alert with sitrep ack or the API",
			time.Unix(exp, 0).UTC().Format(time.RFC3339))
	}
	return string(id), nil
}

func (s *Signer) mac(payload string) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte("sitrep-ack\x00" + payload))
	return h.Sum(nil)
}
