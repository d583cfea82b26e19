package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync/atomic"
	"syscall"
	"time"
)

// phase is the step a check is in, so a timeout can say where it struck:
// "timeout after 10s while reading headers" tells an operator far more than
// "context deadline exceeded".
type phase uint32

const (
	phaseStart phase = iota
	phaseResolve
	phaseConnect
	phaseTLS
	phaseSend
	phaseHeaders
	phaseBody
	phaseQuery
	phaseReply
)

var phaseNames = [...]string{
	phaseStart:   "starting",
	phaseResolve: "resolving the host name",
	phaseConnect: "connecting",
	phaseTLS:     "in the TLS handshake",
	phaseSend:    "sending the request",
	phaseHeaders: "reading headers",
	phaseBody:    "reading the body",
	phaseQuery:   "sending the query",
	phaseReply:   "waiting for the reply",
}

func (p phase) String() string {
	if int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return "checking"
}

// phaseTracker is written from httptrace hooks, which may run on the
// transport's dialing goroutine.
type phaseTracker struct{ v atomic.Uint32 }

func (t *phaseTracker) set(p phase) { t.v.Store(uint32(p)) }
func (t *phaseTracker) get() phase  { return phase(t.v.Load()) }

// describe turns an error from the network into a short, clear sentence.
// at is the phase the check was in when it failed.
func (c *check) describe(err error, at phase) string {
	if c.ctx.Err() == context.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return fmt.Sprintf("timeout after %s while %s", c.timeout, at)
	}
	if errors.Is(err, context.Canceled) {
		return "check canceled"
	}
	return describeErr(err, at)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func describeErr(err error, at phase) string {
	var (
		dnsErr   *net.DNSError
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
		alert    tls.AlertError
		urlErr   *url.Error
		addrErr  *net.AddrError
		parseErr *net.ParseError
	)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connect: connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer while " + at.String()
	case errors.Is(err, syscall.EPIPE):
		return "connection closed by peer (broken pipe) while " + at.String()
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "connect: no route to host"
	case errors.Is(err, syscall.ENETUNREACH):
		return "connect: network is unreachable"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return fmt.Sprintf("dns: no such host %q", dnsErr.Name)
		}
		return fmt.Sprintf("dns: lookup %s: %s", dnsErr.Name, dnsErr.Err)
	case errors.As(err, &unknown):
		return unknown.Error()
	case errors.As(err, &hostErr):
		return hostErr.Error()
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired && invalid.Cert != nil {
			return "x509: certificate has expired or is not yet valid (valid " +
				invalid.Cert.NotBefore.UTC().Format(time.DateOnly) + " to " + invalid.Cert.NotAfter.UTC().Format(time.DateOnly) + ")"
		}
		return invalid.Error()
	case errors.As(err, &verify):
		return verify.Err.Error()
	case errors.As(err, &record):
		return "tls: the server did not answer with TLS (is it plain HTTP?)"
	case errors.As(err, &alert):
		return "tls: the server refused the handshake: " + alert.Error()
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by server while " + at.String()
	case errors.As(err, &addrErr), errors.As(err, &parseErr):
		return "bad address: " + err.Error()
	case errors.As(err, &urlErr):
		// Drop the `Get "http://…":` prefix: the URL is the monitor's own.
		return describeErr(urlErr.Err, at)
	}
	return err.Error()
}
