package probe

import (
	"context"
	"crypto/tls"
	"net/http/httptrace"
	"sync"
	"time"

	"sitrep"
)

// tracer records phase timings of one check. Hooks may run on the
// transport's dialing goroutine, even after the check gave up, hence the
// mutex; it is never contended in practice.
type tracer struct {
	phase phaseTracker

	mu sync.Mutex
	// inDNS hides the resolver's own connections to its name server,
	// which reach the same hooks.
	inDNS                                bool
	dnsStart, connStart, tlsStart, wrote time.Time
	phases                               sitrep.Phases
	trace                                httptrace.ClientTrace
}

// newTracer returns a tracer and ctx carrying its hooks. The hooks also
// reach net.Dialer and net.Resolver, so tcp and tls checks get DNS and
// connect timings from the same code.
func newTracer(ctx context.Context) (*tracer, context.Context) {
	t := &tracer{}
	t.phase.set(phaseConnect)
	t.trace = httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) {
			t.phase.set(phaseResolve)
			t.mu.Lock()
			t.dnsStart = time.Now()
			t.inDNS = true
			t.mu.Unlock()
		},
		DNSDone: func(httptrace.DNSDoneInfo) {
			t.phase.set(phaseConnect)
			t.mu.Lock()
			if !t.dnsStart.IsZero() {
				t.phases.DNS += time.Since(t.dnsStart)
			}
			t.inDNS = false
			t.mu.Unlock()
		},
		ConnectStart: func(string, string) {
			t.mu.Lock()
			if !t.inDNS {
				t.connStart = time.Now()
				t.phase.set(phaseConnect)
			}
			t.mu.Unlock()
		},
		ConnectDone: func(_, _ string, err error) {
			t.mu.Lock()
			defer t.mu.Unlock()
			if t.inDNS || t.connStart.IsZero() {
				return
			}
			// Only a dial that succeeded counts; failed happy-eyeballs attempts do not.
			if err == nil {
				t.phases.Connect += time.Since(t.connStart)
				t.phase.set(phaseSend)
			}
		},
		TLSHandshakeStart: func() {
			t.phase.set(phaseTLS)
			t.mu.Lock()
			t.tlsStart = time.Now()
			t.mu.Unlock()
		},
		TLSHandshakeDone: func(tls.ConnectionState, error) {
			t.phase.set(phaseSend)
			t.mu.Lock()
			if !t.tlsStart.IsZero() {
				t.phases.TLS += time.Since(t.tlsStart)
			}
			t.mu.Unlock()
		},
		WroteRequest: func(httptrace.WroteRequestInfo) {
			t.phase.set(phaseHeaders)
			t.mu.Lock()
			t.wrote = time.Now()
			t.mu.Unlock()
		},
		GotFirstResponseByte: func() {
			t.mu.Lock()
			if !t.wrote.IsZero() {
				t.phases.FirstByte += time.Since(t.wrote)
			}
			t.mu.Unlock()
		},
	}
	return t, httptrace.WithClientTrace(ctx, &t.trace)
}

// timings returns the phases so far.
func (t *tracer) timings() sitrep.Phases {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.phases
}

// addTLS records a handshake done outside net/http (the tls check).
func (t *tracer) addTLS(d time.Duration) {
	t.mu.Lock()
	t.phases.TLS += d
	t.mu.Unlock()
}
