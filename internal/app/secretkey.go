package app

import (
	"crypto/hmac"
	"crypto/sha256"
)

// secretKeyFile holds the master key that signs links (acknowledgements,
// subscriber confirmations and unsubscribes) and encrypts secrets at rest.
// It must survive restarts — a new key breaks every link already sent — so
// it lives in the data directory, readable by sitrep alone, unless
// SITREP_SECRET_KEY provides it (as every node of a cluster must share it).
const secretKeyFile = "secret.key"

// deriveKey gives each use its own key, so a key leaked from one purpose
// says nothing about another.
func deriveKey(master []byte, purpose string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("sitrep " + purpose))
	return m.Sum(nil)
}
