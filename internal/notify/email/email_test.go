package email

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/notify/channeltest"
)

var sentAt = time.Date(2026, 11, 21, 7, 31, 0, 0, time.UTC)

func newSender(t *testing.T, srv *server, o Options) *Sender {
	t.Helper()
	o.Host, o.Port = "127.0.0.1", srv.port
	if o.From == "" {
		o.From = "Example status <status@example.com>"
	}
	if o.TLSConfig == nil {
		o.TLSConfig = &tls.Config{RootCAs: srv.certs}
	}
	o.Now = func() time.Time { return sentAt }
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// parsed is a received mail taken apart.
type parsed struct {
	header     mail.Header
	text, html string
}

func parse(t *testing.T, data []byte) (p parsed) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("bare LF in message:\n%s", data)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p = parsed{header: msg.Header}
	defer func() {
		// Parts travel with CRLF line ends; compare with what was given.
		p.text = strings.ReplaceAll(p.text, "\r\n", "\n")
		p.html = strings.ReplaceAll(p.html, "\r\n", "\n")
	}()
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if mediaType == "text/plain" {
		b, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
		p.text = string(b)
		return p
	}
	if mediaType != "multipart/alternative" {
		t.Fatalf("content type %s", mediaType)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(part)
		switch ct := part.Header.Get("Content-Type"); ct {
		case "text/plain; charset=utf-8":
			p.text = string(b)
		case "text/html; charset=utf-8":
			p.html = string(b)
		default:
			t.Errorf("part of type %q", ct)
		}
	}
	return p
}

func TestSend(t *testing.T) {
	tests := []struct {
		name string
		srv  serverOptions
		opts Options
	}{
		{"starttls with AUTH PLAIN", serverOptions{mechs: []string{"PLAIN", "LOGIN"}, user: "status", pass: "s3cret"},
			Options{Security: StartTLS, Username: "status", Password: "s3cret"}},
		{"implicit tls with AUTH LOGIN", serverOptions{implicitTLS: true, mechs: []string{"LOGIN"}, user: "status", pass: "s3cret"},
			Options{Security: TLS, Username: "status", Password: "s3cret"}},
		{"plain without auth", serverOptions{noTLS: true}, Options{Security: None}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, tt.srv)
			s := newSender(t, srv, tt.opts)
			m := channeltest.Message()
			m.Title = "Kurs nede i Tromsø – «alle»"
			if err := s.Send(t.Context(), "Kari Nordmann <kari@example.org>", m); err != nil {
				t.Fatal(err)
			}
			msgs := srv.messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages", len(msgs))
			}
			got := msgs[0]
			if got.from != "status@example.com" || len(got.to) != 1 || got.to[0] != "kari@example.org" || got.user != tt.srv.user {
				t.Errorf("envelope %+v", got)
			}
			p := parse(t, got.data)
			h := p.header
			subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
			if err != nil || subject != m.Title || h.Get("Subject") == m.Title {
				t.Errorf("Subject %q decodes to %q (%v)", h.Get("Subject"), subject, err)
			}
			wantHeaders := map[string]string{
				"From":                  `"Example status" <status@example.com>`,
				"To":                    `"Kari Nordmann" <kari@example.org>`,
				"Date":                  "Sat, 21 Nov 2026 07:31:00 +0000",
				"Message-Id":            "<evt_1-sub_9.sitrep@example.com>",
				"Mime-Version":          "1.0",
				"Auto-Submitted":        "auto-generated",
				"List-Unsubscribe":      "<https://status.example.com/unsubscribe/tok>",
				"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			}
			for k, want := range wantHeaders {
				if v := h.Get(k); v != want {
					t.Errorf("%s: %q, want %q", k, v, want)
				}
			}
			if !strings.HasPrefix(p.text, m.Text) || !strings.Contains(p.text, m.URL) {
				t.Errorf("text part %q", p.text)
			}
			if p.html != m.HTML {
				t.Errorf("html part %q", p.html)
			}
		})
	}
}

func TestStaffRecipientsAndTextOnly(t *testing.T) {
	srv := startServer(t, serverOptions{noTLS: true})
	s := newSender(t, srv, Options{Security: None, To: []string{"oncall@example.com", "Boss <boss@example.com>"}})
	m := channeltest.Message()
	m.HTML, m.Headers = "", nil
	if err := s.Send(t.Context(), "", m); err != nil {
		t.Fatal(err)
	}
	got := srv.messages()[0]
	if strings.Join(got.to, ",") != "oncall@example.com,boss@example.com" {
		t.Errorf("rcpt %v", got.to)
	}
	p := parse(t, got.data)
	if p.header.Get("To") != `<oncall@example.com>, "Boss" <boss@example.com>` || p.html != "" {
		t.Errorf("To %q, html %q", p.header.Get("To"), p.html)
	}
	for _, want := range []string{m.Text, "Component: Courses (Oslo)", m.URL, "Acknowledge: " + m.AckURL} {
		if !strings.Contains(p.text, want) {
			t.Errorf("text lacks %q:\n%s", want, p.text)
		}
	}
}

func TestErrors(t *testing.T) {
	permanent := func(err error) bool { return errors.As(err, new(*sitrep.PermanentError)) }
	t.Run("STARTTLS not offered is permanent, never a silent downgrade", func(t *testing.T) {
		srv := startServer(t, serverOptions{noTLS: true})
		err := newSender(t, srv, Options{Security: StartTLS}).Send(t.Context(), "a@example.org", channeltest.Message())
		if !permanent(err) || !strings.Contains(err.Error(), "STARTTLS") || len(srv.messages()) != 0 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("untrusted certificate fails", func(t *testing.T) {
		srv := startServer(t, serverOptions{})
		err := newSender(t, srv, Options{TLSConfig: &tls.Config{}}).Send(t.Context(), "a@example.org", channeltest.Message())
		if err == nil || len(srv.messages()) != 0 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("wrong password is permanent", func(t *testing.T) {
		srv := startServer(t, serverOptions{mechs: []string{"PLAIN"}, user: "u", pass: "right"})
		err := newSender(t, srv, Options{Username: "u", Password: "wrong"}).Send(t.Context(), "a@example.org", channeltest.Message())
		if !permanent(err) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("mailbox refused: 5xx permanent, 4xx retryable, session reused", func(t *testing.T) {
		srv := startServer(t, serverOptions{noTLS: true})
		s := newSender(t, srv, Options{Security: None})
		for _, tc := range []struct {
			code      int
			permanent bool
		}{{550, true}, {450, false}} {
			srv.mu.Lock()
			srv.rcptReply = tc.code
			srv.mu.Unlock()
			err := s.Send(t.Context(), "nobody@example.org", channeltest.Message())
			if err == nil || permanent(err) != tc.permanent {
				t.Errorf("%d: err = %v", tc.code, err)
			}
		}
		srv.mu.Lock()
		srv.rcptReply = 0
		srv.mu.Unlock()
		if err := s.Send(t.Context(), "somebody@example.org", channeltest.Message()); err != nil {
			t.Fatal(err)
		}
		if n := srv.sessionCount(); n != 1 {
			t.Errorf("%d sessions, want 1", n)
		}
	})
	t.Run("bad input is permanent", func(t *testing.T) {
		srv := startServer(t, serverOptions{noTLS: true})
		s := newSender(t, srv, Options{Security: None})
		inject := channeltest.Message()
		inject.Headers = map[string]string{"X-Note": "a\r\nBcc: victim@example.org"}
		override := channeltest.Message()
		override.Headers = map[string]string{"from": "ceo@example.com"}
		for name, err := range map[string]error{
			"bad address":      s.Send(t.Context(), "not an address", channeltest.Message()),
			"header injection": s.Send(t.Context(), "a@example.org", inject),
			"reserved header":  s.Send(t.Context(), "a@example.org", override),
		} {
			if !permanent(err) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if len(srv.messages()) != 0 {
			t.Error("a bad message was sent")
		}
	})
	t.Run("options", func(t *testing.T) {
		for _, o := range []Options{{}, {Host: "h", From: "nope"}, {Host: "h", From: "a@b", Security: "ssl"}, {Host: "h", From: "a@b", To: []string{"x"}}} {
			if _, err := New(o); err == nil {
				t.Errorf("New(%+v) accepted", o)
			}
		}
	})
}

func TestPool(t *testing.T) {
	srv := startServer(t, serverOptions{mechs: []string{"PLAIN"}, user: "u", pass: "p"})
	s := newSender(t, srv, Options{Username: "u", Password: "p"})
	send := func() {
		t.Helper()
		if err := s.Send(t.Context(), "a@example.org", channeltest.Message()); err != nil {
			t.Fatal(err)
		}
	}
	send()
	send()
	send()
	if n := srv.sessionCount(); n != 1 {
		t.Errorf("3 messages took %d sessions, want 1", n)
	}
	// The server drops the idle session: the next message notices before
	// DATA and goes out on a new one, without an error and only once.
	srv.dropConnections()
	send()
	if n, m := srv.sessionCount(), len(srv.messages()); n != 2 || m != 4 {
		t.Errorf("after the drop: %d sessions, %d messages; want 2, 4", n, m)
	}
}

func TestCancel(t *testing.T) {
	srv := startServer(t, serverOptions{noTLS: true})
	s := newSender(t, srv, Options{Security: None})
	ctx, cancel := contextWithCancel(t)
	cancel()
	if err := s.Send(ctx, "a@example.org", channeltest.Message()); err == nil {
		t.Fatal("sent with a cancelled context")
	}
}
