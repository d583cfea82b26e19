// Package email sends messages over SMTP: STARTTLS (port 587), implicit
// TLS (465) or plain (tests, local relays), with AUTH PLAIN or LOGIN, as
// multipart/alternative mail with a text and an HTML part.
//
// Connections are kept in a small pool and reused for the next message:
// the TLS handshake and AUTH are most of the cost of a short mail, and a
// fan-out to thousands of subscribers would otherwise pay them for each.
package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"time"

	"sitrep"
)

// Security is how the connection to the server is protected.
type Security string

const (
	StartTLS Security = "starttls" // plain connect, then STARTTLS; required, never skipped
	TLS      Security = "tls"      // TLS from the first byte (SMTPS, port 465)
	None     Security = "none"     // no encryption: local relays and tests only
)

// Options configure a Sender.
type Options struct {
	Host string
	Port int // 0: 587 for StartTLS, 465 for TLS, 25 for None
	// Username and Password, when set, authenticate with AUTH PLAIN (or
	// LOGIN when the server offers only that). Credentials are never sent
	// over an unencrypted connection except to localhost.
	Username, Password string
	// From is the sender, e.g. "Example status <status@example.com>".
	From     string
	Security Security // "": StartTLS
	// TLSConfig verifies the server; nil uses the system roots. Set
	// RootCAs for a private CA. ServerName defaults to Host.
	TLSConfig *tls.Config
	// To are the recipients when Send gets no address (staff channels).
	To []string
	// LocalName is the name given in EHLO; default "localhost".
	LocalName string
	// Timeout bounds one message, connecting included; default 30s.
	Timeout time.Duration
	// MaxConns bounds the connections open at once; default 4.
	MaxConns int
	// IdleTimeout closes pooled connections unused for this long, before
	// the server drops them; default 30s.
	IdleTimeout time.Duration
	Now         func() time.Time // nil: time.Now
}

// Sender sends mail. It is safe for concurrent use; Close it to close the
// pooled connections.
type Sender struct {
	opts Options
	addr string
	from *mail.Address
	to   []*mail.Address
	tls  *tls.Config
	// slots bounds open connections; idle holds the reusable ones.
	slots chan struct{}
	idle  chan *conn
}

// New checks opts and returns a Sender. It does not connect.
func New(opts Options) (*Sender, error) {
	if opts.Host == "" {
		return nil, errors.New("email: the SMTP host is required")
	}
	switch opts.Security {
	case "":
		opts.Security = StartTLS
	case StartTLS, TLS, None:
	default:
		return nil, fmt.Errorf("email: security %q is not starttls, tls or none", opts.Security)
	}
	if opts.Port == 0 {
		opts.Port = map[Security]int{StartTLS: 587, TLS: 465, None: 25}[opts.Security]
	}
	from, err := mail.ParseAddress(opts.From)
	if err != nil {
		return nil, fmt.Errorf("email: from %q: %w", opts.From, err)
	}
	s := &Sender{opts: opts, addr: net.JoinHostPort(opts.Host, strconv.Itoa(opts.Port)), from: from}
	for _, a := range opts.To {
		addr, err := mail.ParseAddress(a)
		if err != nil {
			return nil, fmt.Errorf("email: to %q: %w", a, err)
		}
		s.to = append(s.to, addr)
	}
	s.tls = &tls.Config{MinVersion: tls.VersionTLS12}
	if opts.TLSConfig != nil {
		s.tls = opts.TLSConfig.Clone()
	}
	if s.tls.ServerName == "" {
		s.tls.ServerName = opts.Host
	}
	if s.opts.LocalName == "" {
		s.opts.LocalName = "localhost"
	}
	if s.opts.Timeout <= 0 {
		s.opts.Timeout = 30 * time.Second
	}
	if s.opts.MaxConns <= 0 {
		s.opts.MaxConns = 4
	}
	if s.opts.IdleTimeout <= 0 {
		s.opts.IdleTimeout = 30 * time.Second
	}
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}
	s.slots = make(chan struct{}, s.opts.MaxConns)
	s.idle = make(chan *conn, s.opts.MaxConns)
	return s, nil
}

// Send mails m to the address to, or to the configured recipients when to
// is "". An address that cannot be parsed, a message the server refuses
// with a 5xx reply, or a server that does not offer STARTTLS is a
// sitrep.PermanentError; 4xx replies, timeouts and connection errors are
// worth retrying.
func (s *Sender) Send(ctx context.Context, to string, m sitrep.Message) error {
	rcpts := s.to
	if to != "" {
		addr, err := mail.ParseAddress(to)
		if err != nil {
			return &sitrep.PermanentError{Err: fmt.Errorf("email: recipient %q: %w", to, err)}
		}
		rcpts = []*mail.Address{addr}
	}
	if len(rcpts) == 0 {
		return &sitrep.PermanentError{Err: errors.New("email: no recipient")}
	}
	msg, err := s.compose(rcpts, m)
	if err != nil {
		return &sitrep.PermanentError{Err: fmt.Errorf("email: %w", err)}
	}
	if err := s.deliver(ctx, rcpts, msg); err != nil {
		return fmt.Errorf("email to %s: %w", rcpts[0].Address, err)
	}
	return nil
}

// Close closes the idle connections. Sends still running finish and
// close their own.
func (s *Sender) Close() error {
	for {
		select {
		case c := <-s.idle:
			c.quit()
		default:
			return nil
		}
	}
}
