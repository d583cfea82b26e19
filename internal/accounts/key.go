package accounts

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// LoadKey returns the 32-byte secret key: from fromEnv (base64 or hex, e.g.
// SITREP_SECRET_KEY) when set, else from the file at path, which is created
// with a new random key, mode 0600, the first time. created reports that.
func LoadKey(path, fromEnv string) (key []byte, created bool, err error) {
	if fromEnv != "" {
		key, err = decodeKey(fromEnv)
		if err != nil {
			return nil, false, fmt.Errorf("SITREP_SECRET_KEY: %w", err)
		}
		return key, false, nil
	}
	b, err := os.ReadFile(path)
	if err == nil {
		key, err = decodeKey(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("secret key file %s: %w", path, err)
		}
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("read secret key: %w", err)
	}
	key = make([]byte, 32)
	_, _ = rand.Read(key)
	// O_EXCL: two processes starting at once must not each write their own.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("create secret key file: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, false, fmt.Errorf("write secret key file: %w", err)
	}
	return key, true, nil
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, dec := range []func(string) ([]byte, error){
		base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString, hex.DecodeString,
	} {
		if k, err := dec(s); err == nil && len(k) == 32 {
			return k, nil
		}
	}
	return nil, fmt.Errorf("want 32 bytes as base64 or 64 hex digits (e.g. from `openssl rand -base64 32`)")
}
