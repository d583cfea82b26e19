package oidc

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// flow is what a sign-in must remember between Begin and Finish. It
// travels in the browser's cookie sealed with AES-256-GCM, so sitrep keeps
// no per-attempt state (anyone may start any number of attempts) and any
// node of a cluster can finish what another began.
type flow struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"x"`
	Created  int64  `json:"c"` // unix milliseconds
}

// flowAD binds sealed flows to this use of the key.
var flowAD = []byte("sitrep oidc flow v1")

type flowSealer struct{ aead cipher.AEAD }

func newFlowSealer(key []byte) (*flowSealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("oidc: the flow key must have 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &flowSealer{aead: aead}, nil
}

func (s *flowSealer) seal(f flow) string {
	plain, _ := json.Marshal(f) // a struct of strings and an int always marshals
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, flowAD))
}

func (s *flowSealer) open(v string) (flow, bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	n := s.aead.NonceSize()
	if err != nil || len(b) < n {
		return flow{}, false
	}
	plain, err := s.aead.Open(nil, b[:n], b[n:], flowAD)
	if err != nil {
		return flow{}, false
	}
	var f flow
	if json.Unmarshal(plain, &f) != nil || f.State == "" || f.Nonce == "" || f.Verifier == "" {
		return flow{}, false
	}
	return f, true
}

// usedStates remembers the states of finished attempts until their flows
// expire, so a captured callback URL and cookie cannot be played again on
// this node. (On another node the provider refuses the code, which it
// issues for one use only.) It is bounded: past max the oldest go first.
type usedStates struct {
	mu    sync.Mutex
	until map[string]time.Time
	order []string
	max   int
}

func newUsedStates(max int) *usedStates {
	return &usedStates{until: map[string]time.Time{}, max: max}
}

// use records state and reports false when it was recorded already.
func (u *usedStates) use(state string, now, until time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	for len(u.order) > 0 && (len(u.order) >= u.max || !now.Before(u.until[u.order[0]])) {
		delete(u.until, u.order[0])
		u.order = u.order[1:]
	}
	if _, ok := u.until[state]; ok {
		return false
	}
	u.until[state] = until
	u.order = append(u.order, state)
	return true
}
