package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"sitrep"
)

// conn is one SMTP session, greeted, secured and authenticated.
type conn struct {
	raw      net.Conn
	c        *smtp.Client
	lastUsed time.Time
}

func (c *conn) quit() {
	_ = c.raw.SetDeadline(time.Now().Add(time.Second))
	_ = c.c.Quit()
	_ = c.c.Close()
}

func (c *conn) close() { _ = c.c.Close() }

// deliver sends one message, on a pooled connection when there is one.
// A pooled connection the server has dropped fails before DATA and is
// replaced once; after DATA was sent the message may have arrived, so a
// failure there is left to the dispatcher's retry (at most one duplicate).
func (s *Sender) deliver(ctx context.Context, rcpts []*mail.Address, msg []byte) error {
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.slots }()

	deadline := time.Now().Add(s.opts.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	for attempt := 0; ; attempt++ {
		var c *conn
		var pooled bool
		if attempt == 0 {
			c, pooled = s.pooled()
		}
		if c == nil {
			var err error
			if c, err = s.dial(ctx, deadline); err != nil {
				return classify(err)
			}
		}
		_ = c.raw.SetDeadline(deadline)
		stop := context.AfterFunc(ctx, func() { _ = c.raw.SetDeadline(time.Now()) })
		sentData, err := s.transact(c, rcpts, msg)
		stop()
		var reply *textproto.Error
		refused := errors.As(err, &reply) && !sentData
		if err == nil || (refused && c.c.Reset() == nil) {
			// A refused sender or recipient leaves a usable session.
			s.release(c)
			return classify(err)
		}
		c.close()
		// 421 is how a server says it closed an idle session.
		if pooled && !sentData && attempt == 0 && ctx.Err() == nil && (reply == nil || reply.Code == 421) {
			continue
		}
		return classify(err)
	}
}

// release puts c back into the pool, or closes it when the pool is full.
func (s *Sender) release(c *conn) {
	c.lastUsed = time.Now()
	select {
	case s.idle <- c:
	default:
		c.quit()
	}
}

// pooled returns an idle connection that is not too old, or nil.
func (s *Sender) pooled() (*conn, bool) {
	for {
		select {
		case c := <-s.idle:
			if time.Since(c.lastUsed) > s.opts.IdleTimeout {
				c.quit()
				continue
			}
			return c, true
		default:
			return nil, false
		}
	}
}

func (s *Sender) transact(c *conn, rcpts []*mail.Address, msg []byte) (sentData bool, err error) {
	if err := c.c.Mail(s.from.Address); err != nil {
		return false, fmt.Errorf("MAIL FROM: %w", err)
	}
	for _, r := range rcpts {
		if err := c.c.Rcpt(r.Address); err != nil {
			return false, fmt.Errorf("RCPT TO <%s>: %w", r.Address, err)
		}
	}
	w, err := c.c.Data()
	if err != nil {
		return false, fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return true, fmt.Errorf("write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return true, fmt.Errorf("end of message: %w", err)
	}
	return true, nil
}

func (s *Sender) dial(ctx context.Context, deadline time.Time) (*conn, error) {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	d := &net.Dialer{}
	var raw net.Conn
	var err error
	if s.opts.Security == TLS {
		raw, err = (&tls.Dialer{NetDialer: d, Config: s.tls}).DialContext(ctx, "tcp", s.addr)
	} else {
		raw, err = d.DialContext(ctx, "tcp", s.addr)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", s.addr, err)
	}
	_ = raw.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = raw.SetDeadline(time.Now()) })
	defer stop()
	c, err := s.greet(raw)
	if err != nil {
		_ = raw.Close()
		return nil, err
	}
	return &conn{raw: raw, c: c}, nil
}

// greet runs EHLO, STARTTLS and AUTH on a new connection.
func (s *Sender) greet(raw net.Conn) (*smtp.Client, error) {
	c, err := smtp.NewClient(raw, s.opts.Host)
	if err != nil {
		return nil, fmt.Errorf("greeting from %s: %w", s.addr, err)
	}
	if err := c.Hello(s.opts.LocalName); err != nil {
		return nil, fmt.Errorf("EHLO: %w", err)
	}
	if s.opts.Security == StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			// Never fall back to plain text: the password and the mail
			// would cross the network readable.
			return nil, &sitrep.PermanentError{Err: fmt.Errorf("%s does not offer STARTTLS; use security tls or none", s.addr)}
		}
		if err := c.StartTLS(s.tls); err != nil {
			return nil, fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if s.opts.Username != "" {
		if s.opts.Security == None && !isLocalhost(s.opts.Host) {
			return nil, &sitrep.PermanentError{Err: fmt.Errorf("refusing to send the password to %s unencrypted; use security starttls or tls", s.addr)}
		}
		ok, mechs := c.Extension("AUTH")
		if !ok {
			return nil, &sitrep.PermanentError{Err: fmt.Errorf("%s does not offer AUTH, but a username is configured", s.addr)}
		}
		var auth smtp.Auth
		switch list := strings.Fields(strings.ToUpper(mechs)); {
		case slices.Contains(list, "PLAIN"):
			auth = smtp.PlainAuth("", s.opts.Username, s.opts.Password, s.opts.Host)
		case slices.Contains(list, "LOGIN"):
			auth = &loginAuth{username: s.opts.Username, password: s.opts.Password, host: s.opts.Host}
		default:
			return nil, &sitrep.PermanentError{Err: fmt.Errorf("%s offers AUTH %s; sitrep speaks PLAIN and LOGIN", s.addr, mechs)}
		}
		if err := c.Auth(auth); err != nil {
			return nil, fmt.Errorf("AUTH: %w", err)
		}
	}
	return c, nil
}

// classify makes SMTP's permanent replies (5xx) permanent. 4xx replies
// are transient by definition (RFC 5321 4.2.1), like network errors.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var reply *textproto.Error
	if errors.As(err, &reply) && reply.Code >= 500 {
		return &sitrep.PermanentError{Err: err}
	}
	return err
}

// loginAuth is AUTH LOGIN, which net/smtp lacks and some servers (older
// Exchange) still require.
type loginAuth struct{ username, password, host string }

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !isLocalhost(server.Name) {
		return "", nil, errors.New("refusing AUTH LOGIN over an unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, errors.New("wrong host name")
	}
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch strings.ToLower(strings.TrimSpace(string(fromServer))) {
	case "username:":
		return []byte(a.username), nil
	case "password:":
		return []byte(a.password), nil
	}
	return nil, fmt.Errorf("unexpected AUTH LOGIN challenge %q", fromServer)
}

func isLocalhost(name string) bool {
	return name == "localhost" || name == "127.0.0.1" || name == "::1"
}
