package webhook

// Verify is the receiver's check, shown in docs/webhooks.md; the test
// makes sure the documentation shows exactly this code.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Verify checks a request from sitrep: its Sitrep-Signature must be the
// HMAC-SHA256 of "<Sitrep-Timestamp>.<body>" keyed with the shared secret,
// and the timestamp must be within tolerance of now (5 minutes is usual),
// so that a recorded request cannot be replayed later. body must be the
// raw bytes received, before any JSON decoding.
func Verify(secret string, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts := header.Get("Sitrep-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("missing or malformed Sitrep-Timestamp")
	}
	if age := now.Sub(time.Unix(sec, 0)); age > tolerance || age < -tolerance {
		return errors.New("Sitrep-Timestamp is too old or in the future")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := "v1=" + hex.EncodeToString(mac.Sum(nil))
	// Several comma-separated signatures may be sent while a secret is
	// being rotated; one match is enough.
	for _, sig := range strings.Split(header.Get("Sitrep-Signature"), ",") {
		if hmac.Equal([]byte(strings.TrimSpace(sig)), []byte(want)) {
			return nil
		}
	}
	return errors.New("Sitrep-Signature does not match")
}
