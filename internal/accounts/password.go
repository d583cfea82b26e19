package accounts

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"sitrep"
)

// Argon2Params are the argon2id cost parameters. Hashes made with other
// parameters still verify, and are replaced at the next successful sign-in.
type Argon2Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultArgon2 is OWASP's recommendation for argon2id: 19 MiB, 2 passes,
// one lane.
var DefaultArgon2 = Argon2Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen        = 16
	keyLen         = 32
	minPasswordLen = 12
	// maxPasswordLen bounds the work one request can cause; argon2 itself
	// accepts any length.
	maxPasswordLen = 1024
)

//go:embed common_passwords.txt
var commonPasswordsText string

// commonPasswords is a set of the most used passwords, lower-cased.
type commonPasswords map[string]struct{}

func loadCommonPasswords() commonPasswords {
	set := commonPasswords{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
			set[strings.ToLower(w)] = struct{}{}
		}
	}
	return set
}

// checkPassword enforces the policy: length, not a well-known password.
// Composition rules are left out on purpose (NIST SP 800-63B): they make
// passwords harder to remember, not harder to guess.
func (c commonPasswords) check(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < minPasswordLen:
		return sitrep.FieldErrorf(sitrep.EINVALID, "password", "a password needs at least %d characters, this one has %d", minPasswordLen, n)
	case len(pw) > maxPasswordLen:
		return sitrep.FieldErrorf(sitrep.EINVALID, "password", "a password may have at most %d bytes", maxPasswordLen)
	}
	if _, ok := c[strings.ToLower(pw)]; ok {
		return sitrep.FieldErrorf(sitrep.EINVALID, "password", "this password is one of the most commonly used ones; choose another")
	}
	return nil
}

// hashPassword returns an argon2id hash in the PHC string format.
func hashPassword(pw string, p Argon2Params) string {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// verifyPassword checks pw against a PHC hash in constant time, and reports
// whether the hash was made with parameters other than want.
func verifyPassword(pw, phc string, want Argon2Params) (ok, rehash bool) {
	p, salt, key, err := parsePHC(phc)
	if err != nil || len(pw) > maxPasswordLen {
		return false, false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false
	}
	return true, p != want || len(key) != keyLen || len(salt) != saltLen
}

func parsePHC(phc string) (p Argon2Params, salt, key []byte, err error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("not an argon2id PHC string")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, fmt.Errorf("unsupported argon2 version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("bad argon2 parameters %q: %w", parts[3], err)
	}
	// Bound the parameters so that a tampered row cannot make one sign-in
	// take the whole machine.
	if p.MemoryKiB == 0 || p.MemoryKiB > 1<<20 || p.Time == 0 || p.Time > 16 || p.Threads == 0 {
		return p, nil, nil, fmt.Errorf("argon2 parameters out of range")
	}
	if salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return p, nil, nil, fmt.Errorf("bad salt: %w", err)
	}
	if key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, fmt.Errorf("bad key")
	}
	return p, salt, key, nil
}
