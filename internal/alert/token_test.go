package alert

import (
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/clock"
)

func TestSigner(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewSigner([]byte("key one"), time.Hour)
	token := s.Sign("a1b2", now)
	flip := func(tok string, i int) string {
		b := []byte(tok)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	tests := []struct {
		name   string
		signer *Signer
		token  string
		at     time.Time
		want   string // alert id, or "" for a rejection
		msg    string
	}{
		{"valid", s, token, now.Add(59 * time.Minute), "a1b2", ""},
		{"expired", s, token, now.Add(time.Hour), "", "expired at 2025-01-01T01:00:00Z"},
		{"tampered id", s, flip(token, 0), now, "", "not valid"},
		{"tampered expiry", s, strings.Replace(token, ".1735693200.", ".1835693200.", 1), now, "", "not valid"},
		{"tampered signature", s, flip(token, len(token)-3), now, "", "not valid"},
		{"other key", NewSigner([]byte("key two"), time.Hour), token, now, "", "not valid"},
		{"garbage", s, "nonsense", now, "", "not valid"},
		{"empty", s, "", now, "", "not valid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := tc.signer.Verify(tc.token, tc.at)
			if tc.want != "" {
				if err != nil || id != tc.want {
					t.Fatalf("Verify = %q, %v; want %q", id, err, tc.want)
				}
				return
			}
			if err == nil || sitrep.ErrorCode(err) != sitrep.EFORBIDDEN || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("Verify = %q, %v; want forbidden %q", id, err, tc.msg)
			}
		})
	}
}

func BenchmarkOnStateChange(b *testing.B) {
	c := clock.NewManual(t0)
	store := newMemStore()
	m := New(store, testCatalog(), Options{Clock: c, FlapChanges: 1 << 30})
	ctx := b.Context()
	b.ReportAllocs()
	for i := range b.N {
		c.Advance(time.Minute)
		at := c.Now()
		if i%1024 == 0 {
			store.take()
		}
		to := sitrep.StateDown
		if i%2 == 1 {
			to = sitrep.StateUp
		}
		_ = m.OnStateChange(ctx, sitrep.StateChange{MonitorID: "api", To: to, From: "x", At: at})
	}
}
