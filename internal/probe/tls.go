package probe

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"time"

	"sitrep"
)

const (
	defaultWarnBefore = 21 * 24 * time.Hour
	defaultDownBefore = 3 * 24 * time.Hour
)

// probeTLS completes a handshake and judges the server's certificate: chain,
// host name and how long until it expires.
func (p *Prober) probeTLS(c *check, t *sitrep.TLSCheck) {
	host, _, err := net.SplitHostPort(t.Address)
	if err != nil {
		c.down(0, fmt.Sprintf("bad address %q: want host:port", t.Address))
		return
	}
	name := t.ServerName
	if name == "" {
		name = host
	}
	roots, err := p.roots(t.CAFile)
	if err != nil {
		c.down(0, err.Error())
		return
	}

	tr, ctx := newTracer(c.ctx)
	defer func() { c.res.Phases = tr.timings() }()
	raw, err := p.dialer.DialContext(ctx, "tcp", t.Address)
	if err != nil {
		c.down(0, c.describe(err, tr.phase.get()))
		return
	}
	defer raw.Close()
	// Verification is done below rather than by crypto/tls so that an
	// expired certificate is reported as such, with its date, and not as a
	// generic handshake failure.
	conn := tls.Client(raw, &tls.Config{ServerName: name, InsecureSkipVerify: true})
	tr.phase.set(phaseTLS)
	hs := time.Now()
	err = conn.HandshakeContext(ctx)
	latency := time.Since(hs)
	tr.addTLS(latency)
	if err != nil {
		c.down(latency, c.describe(err, phaseTLS))
		return
	}
	certs := conn.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		c.down(latency, "tls: the server sent no certificate")
		return
	}
	now := time.Now()
	leaf := certs[0]
	if now.After(leaf.NotAfter) {
		c.down(latency, fmt.Sprintf("certificate expired %s ago (%s)", days(now.Sub(leaf.NotAfter)), leaf.NotAfter.UTC().Format(time.DateOnly)))
		return
	}
	if now.Before(leaf.NotBefore) {
		c.down(latency, fmt.Sprintf("certificate not valid before %s", leaf.NotBefore.UTC().Format(time.RFC3339)))
		return
	}
	inter := x509.NewCertPool()
	for _, ct := range certs[1:] {
		inter.AddCert(ct)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: roots, Intermediates: inter, CurrentTime: now}); err != nil {
		c.down(latency, describeErr(err, phaseTLS))
		return
	}

	warn, down := t.WarnBefore, t.DownBefore
	if warn <= 0 {
		warn = defaultWarnBefore
	}
	if down <= 0 {
		down = defaultDownBefore
	}
	left := leaf.NotAfter.Sub(now)
	msg := fmt.Sprintf("certificate expires in %s (%s)", days(left), leaf.NotAfter.UTC().Format(time.DateOnly))
	switch {
	case left < down:
		c.down(latency, msg)
	case left < warn:
		c.degraded(latency, msg)
	default:
		c.up(latency)
	}
}

// days renders a span in whole days, or hours when under two days, which is
// when the difference matters.
func days(d time.Duration) string {
	switch h := int(d.Hours()); {
	case h >= 48:
		return fmt.Sprintf("%d days", h/24)
	case h == 1:
		return "1 hour"
	case h > 1:
		return fmt.Sprintf("%d hours", h)
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()))
}
