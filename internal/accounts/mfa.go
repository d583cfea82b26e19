package accounts

import (
	"context"
	"crypto/rand"
	"strings"
	"time"

	"sitrep"
)

const (
	totpSecretLen = 20 // 160 bits, as RFC 4226 recommends for HMAC-SHA1
	recoveryCount = 10
)

// recoveryEncoding avoids letters people confuse when reading codes aloud.
var recoveryEncoding = totpEncoding

// newRecoveryCodes returns codes like "ABCDE-FGHIJ" (50 bits each) and
// their hashes.
func newRecoveryCodes() (codes, hashes []string) {
	for range recoveryCount {
		b := make([]byte, 7)
		_, _ = rand.Read(b)
		c := recoveryEncoding.EncodeToString(b)[:10]
		codes = append(codes, c[:5]+"-"+c[5:])
		hashes = append(hashes, hashToken(normRecovery(c)))
	}
	return codes, hashes
}

// normRecovery lets people type a code in any case, with or without the dash
// and spaces.
func normRecovery(c string) string {
	c = strings.ToUpper(c)
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, c)
}

// BeginTOTP creates a new secret for the user, kept pending until
// ConfirmTOTP sees a valid code from it. A TOTP already enabled stays in
// force until then.
func (s *Service) BeginTOTP(ctx context.Context, userID string) (secret, otpauth string, err error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return "", "", err
	}
	rec, err := s.store.UserTOTP(ctx, userID)
	if err != nil {
		return "", "", err
	}
	raw := make([]byte, totpSecretLen)
	_, _ = rand.Read(raw)
	if rec.Pending, err = s.sealer.seal(raw, u.ID); err != nil {
		return "", "", err
	}
	if err := s.store.SetUserTOTP(ctx, u.ID, rec, nil); err != nil {
		return "", "", err
	}
	return totpEncoding.EncodeToString(raw), otpauthURL(s.issuer, u.Email, raw), nil
}

// ConfirmTOTP enables the pending secret with its first valid code and
// returns new recovery codes (shown once; the old ones stop working).
func (s *Service) ConfirmTOTP(ctx context.Context, userID, code string) ([]string, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	rec, err := s.store.UserTOTP(ctx, userID)
	if err != nil {
		return nil, err
	}
	if rec.Pending == "" {
		return nil, sitrep.Errorf(sitrep.ECONFLICT, "start setting up two-factor sign-in first")
	}
	raw, err := s.sealer.open(rec.Pending, u.ID)
	if err != nil {
		return nil, err
	}
	step := matchTOTP(raw, strings.TrimSpace(code), s.clock.Now())
	if step == 0 {
		return nil, sitrep.FieldErrorf(sitrep.EINVALID, "code", "the code does not match; check the time on your phone and enter the current 6-digit code")
	}
	codes, hashes := newRecoveryCodes()
	rec = sitrep.TOTPRecord{Secret: rec.Pending, LastStep: step}
	if err := s.store.SetUserTOTP(ctx, u.ID, rec, hashes); err != nil {
		return nil, err
	}
	s.audit(ctx, u.Email, "user.totp_enable", "user/"+u.ID, "")
	return codes, nil
}

// checkSecondFactor accepts a TOTP code (once: a replayed or older step is
// refused) or an unused recovery code, and says which it was.
func (s *Service) checkSecondFactor(ctx context.Context, u *sitrep.User, code string, now time.Time) (string, error) {
	bad := sitrep.FieldErrorf(sitrep.EUNAUTHORIZED, "code", "the code is not valid")
	code = strings.TrimSpace(code)
	if len(code) == totpDigits {
		rec, err := s.store.UserTOTP(ctx, u.ID)
		if err != nil {
			return "", err
		}
		raw, err := s.sealer.open(rec.Secret, u.ID)
		if err != nil {
			return "", err
		}
		step := matchTOTP(raw, code, now)
		if step == 0 {
			return "", bad
		}
		fresh, err := s.store.UseTOTPStep(ctx, u.ID, step)
		if err != nil {
			return "", err
		}
		if !fresh {
			return "", sitrep.FieldErrorf(sitrep.EUNAUTHORIZED, "code", "this code was used already; wait for the next one")
		}
		return "TOTP", nil
	}
	used, err := s.store.UseRecoveryCode(ctx, u.ID, hashToken(normRecovery(code)))
	if err != nil {
		return "", err
	}
	if !used {
		return "", bad
	}
	return "a recovery code", nil
}
