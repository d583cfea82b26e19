package email

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message the test server accepted.
type received struct {
	from string
	to   []string
	data []byte
	user string // who authenticated, "" for nobody
}

// server is a real SMTP server (go-smtp) on loopback.
type server struct {
	addr  string
	port  int
	certs *x509.CertPool // trusts the server's self-signed certificate

	mu       sync.Mutex
	msgs     []received
	sessions int // connections, in fact
	clients  map[string]bool
	conns    []net.Conn
	// rcptReply, when set, refuses recipients with this code.
	rcptReply int
}

type serverOptions struct {
	implicitTLS bool     // TLS from the first byte
	noTLS       bool     // neither STARTTLS nor TLS
	mechs       []string // AUTH mechanisms offered; none: no AUTH
	user, pass  string
	discard     bool // keep no messages (benchmarks)
}

func startServer(tb testing.TB, o serverOptions) *server {
	tb.Helper()
	cert, pool := selfSigned(tb)
	srv := &server{certs: pool, clients: map[string]bool{}}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		srv.mu.Lock()
		// STARTTLS starts a new session on the same connection: count
		// connections by their client address.
		if !srv.clients[c.Conn().RemoteAddr().String()] {
			srv.clients[c.Conn().RemoteAddr().String()] = true
			srv.sessions++
		}
		srv.conns = append(srv.conns, c.Conn())
		srv.mu.Unlock()
		base := &session{srv: srv, o: o}
		if len(o.mechs) > 0 {
			return &authSession{base}, nil
		}
		return base, nil
	}))
	s.Domain = "mx.test"
	s.AllowInsecureAuth = o.noTLS
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}}
	var l net.Listener
	var err error
	if o.implicitTLS {
		l, err = tls.Listen("tcp", "127.0.0.1:0", tlsConfig)
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
		if !o.noTLS {
			s.TLSConfig = tlsConfig
		}
	}
	if err != nil {
		tb.Fatal(err)
	}
	go func() { _ = s.Serve(l) }()
	tb.Cleanup(func() { _ = s.Close() })
	srv.addr = l.Addr().String()
	srv.port = l.Addr().(*net.TCPAddr).Port
	return srv
}

func (s *server) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

func (s *server) sessionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// dropConnections closes every connection from the server's side, as a
// server does with sessions idle too long.
func (s *server) dropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		_ = c.Close()
	}
}

type session struct {
	srv  *server
	o    serverOptions
	user string
	cur  received
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if len(s.o.mechs) > 0 && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.cur = received{from: from, user: s.user}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.srv.mu.Lock()
	code := s.srv.rcptReply
	s.srv.mu.Unlock()
	if code != 0 {
		return &smtp.SMTPError{Code: code, Message: "no such mailbox here"}
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.o.discard {
		return nil
	}
	s.cur.data = b
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, s.cur)
	s.srv.mu.Unlock()
	return nil
}

type authSession struct{ *session }

func (s *authSession) AuthMechanisms() []string { return s.o.mechs }

func (s *authSession) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if user != s.o.user || pass != s.o.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "invalid credentials"}
		}
		s.user = user
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, errors.New("unsupported mechanism")
}

// loginServer is the server side of AUTH LOGIN, which go-sasl lacks.
type loginServer struct {
	check func(user, pass string) error
	step  int
	user  string
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		if len(response) > 0 {
			l.user = string(response)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		l.user = string(response)
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(response))
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(tb testing.TB) (tls.Certificate, *x509.CertPool) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "sitrep test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func tlsFor(s *server) *tls.Config { return &tls.Config{RootCAs: s.certs} }
