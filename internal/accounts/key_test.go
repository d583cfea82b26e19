package accounts_test

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sitrep/internal/accounts"
)

func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "secret.key")
	k1, created, err := accounts.LoadKey(path, "")
	if err != nil || !created || len(k1) != 32 {
		t.Fatalf("first LoadKey = %d bytes, created %v, %v", len(k1), created, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	k2, created, err := accounts.LoadKey(path, "")
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Errorf("second LoadKey = created %v, %v, same %v", created, err, bytes.Equal(k1, k2))
	}
	envKey := bytes.Repeat([]byte{7}, 32)
	cases := []struct {
		name, env string
		want      []byte
		err       string
	}{
		{"hex", hex.EncodeToString(envKey), envKey, ""},
		{"base64", "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n", envKey, ""},
		{"too short", "c2hvcnQ=", nil, "want 32 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, _, err := accounts.LoadKey(path, c.env)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "SITREP_SECRET_KEY") {
					t.Errorf("err = %v, want one naming SITREP_SECRET_KEY and %q", err, c.err)
				}
				return
			}
			if err != nil || !bytes.Equal(k, c.want) {
				t.Errorf("LoadKey = %x, %v", k, err)
			}
		})
	}
	os.WriteFile(path, []byte("garbage"), 0o600)
	if _, _, err := accounts.LoadKey(path, ""); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("corrupt key file: err = %v, want one naming the file", err)
	}
}
