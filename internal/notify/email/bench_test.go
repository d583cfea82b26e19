package email

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sitrep/internal/notify/channeltest"
)

func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithCancel(t.Context())
}

// BenchmarkFanOut sends 10,000 emails per iteration from 8 goroutines, as
// the dispatcher does for an incident update to 10,000 subscribers; the
// goal is under 60 s per iteration.
func BenchmarkFanOut(b *testing.B) {
	for _, tc := range []struct {
		name     string
		srv      serverOptions
		opts     Options
		maxConns int
	}{
		{"plain", serverOptions{noTLS: true, discard: true}, Options{Security: None}, 4},
		{"starttls+auth", serverOptions{discard: true, mechs: []string{"PLAIN"}, user: "u", pass: "p"},
			Options{Security: StartTLS, Username: "u", Password: "p"}, 4},
		{"starttls+auth/one-connection-per-mail", serverOptions{discard: true, mechs: []string{"PLAIN"}, user: "u", pass: "p"},
			Options{Security: StartTLS, Username: "u", Password: "p", IdleTimeout: time.Nanosecond}, 4},
	} {
		b.Run(tc.name, func(b *testing.B) {
			srv := startServer(b, tc.srv)
			o := tc.opts
			o.Host, o.Port, o.From = "127.0.0.1", srv.port, "Status <status@example.com>"
			o.TLSConfig = tlsFor(srv)
			o.MaxConns = tc.maxConns
			s, err := New(o)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			m := channeltest.Message()
			const emails, workers = 10000, 8
			b.ResetTimer()
			for b.Loop() {
				var next, failed atomic.Int64
				var wg sync.WaitGroup
				for range workers {
					wg.Go(func() {
						for i := next.Add(1); i <= emails; i = next.Add(1) {
							mm := m
							mm.IdempotencyKey = fmt.Sprintf("evt-%d", i)
							if err := s.Send(context.Background(), fmt.Sprintf("sub%d@example.org", i), mm); err != nil {
								failed.Add(1)
							}
						}
					})
				}
				wg.Wait()
				if failed.Load() > 0 {
					b.Fatalf("%d sends failed", failed.Load())
				}
			}
			b.ReportMetric(float64(emails)*float64(b.N)/b.Elapsed().Seconds(), "emails/s")
		})
	}
}
