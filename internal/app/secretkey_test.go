package app

import (
	"bytes"
	"testing"
)

func TestDeriveKeyPerPurpose(t *testing.T) {
	master := bytes.Repeat([]byte{7}, 32)
	a, b := deriveKey(master, "ack"), deriveKey(master, "subscribe")
	if len(a) != 32 || bytes.Equal(a, b) || !bytes.Equal(a, deriveKey(master, "ack")) {
		t.Errorf("deriveKey: %x %x; want 32 distinct, stable bytes per purpose", a, b)
	}
}
