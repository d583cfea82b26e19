package accounts

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"time"
)

// RFC 6238 with the parameters every authenticator app supports.
const (
	totpPeriod = 30
	totpDigits = 6
	totpSkew   = 1 // steps accepted either side of now, for clock drift
)

var totpEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// totpStep is the time step t falls in.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// totpCode is the HOTP value (RFC 4226) of one step.
func totpCode(secret []byte, step int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	mac := hmac.New(sha1.New, secret)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

// matchTOTP returns the step whose code equals code within the skew
// window, or 0. Every candidate is compared, in constant time, so the time
// taken does not say which step matched.
func matchTOTP(secret []byte, code string, now time.Time) int64 {
	if len(code) != totpDigits {
		return 0
	}
	var found int64
	cur := totpStep(now)
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		if subtle.ConstantTimeCompare([]byte(totpCode(secret, s)), []byte(code)) == 1 {
			found = s
		}
	}
	return found
}

// otpauthURL is the provisioning URI authenticator apps read from a QR code.
func otpauthURL(issuer, account string, secret []byte) string {
	v := url.Values{}
	v.Set("secret", totpEncoding.EncodeToString(secret))
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", fmt.Sprint(totpDigits))
	v.Set("period", fmt.Sprint(totpPeriod))
	return "otpauth://totp/" + url.PathEscape(issuer+":"+account) + "?" + v.Encode()
}
