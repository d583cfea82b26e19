package email

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"sitrep"
)

// reserved headers are written by compose; Message.Headers may not
// replace them.
var reserved = []string{
	"From", "To", "Cc", "Bcc", "Subject", "Date", "Message-Id", "Mime-Version",
	"Content-Type", "Content-Transfer-Encoding", "Auto-Submitted",
}

// compose renders the message: headers, then a text part and, when m has
// HTML, an HTML alternative. Lines end in CRLF.
func (s *Sender) compose(rcpts []*mail.Address, m sitrep.Message) ([]byte, error) {
	var buf bytes.Buffer
	header := func(k, v string) { buf.WriteString(k + ": " + v + "\r\n") }

	header("Date", s.opts.Now().Format(time.RFC1123Z))
	header("Message-ID", s.messageID(m.IdempotencyKey))
	header("From", s.from.String())
	to := make([]string, len(rcpts))
	for i, r := range rcpts {
		to[i] = r.String()
	}
	header("To", strings.Join(to, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(m.Title)))
	header("MIME-Version", "1.0")
	// RFC 3834: tells auto-responders (out-of-office) not to answer.
	header("Auto-Submitted", "auto-generated")
	keys := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := m.Headers[k]
		ck := textproto.CanonicalMIMEHeaderKey(k)
		switch {
		case !validName(k):
			return nil, fmt.Errorf("header name %q is not valid", k)
		case slices.Contains(reserved, ck):
			return nil, fmt.Errorf("header %s is set by sitrep and cannot be given", k)
		case strings.ContainsAny(v, "\r\n"):
			return nil, fmt.Errorf("header %s holds a line break", k)
		}
		header(k, mime.QEncoding.Encode("utf-8", v))
	}

	text := textBody(m)
	if m.HTML == "" {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		buf.WriteString("\r\n")
		if err := writeQP(&buf, text); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	mw := multipart.NewWriter(&buf)
	header("Content-Type", `multipart/alternative; boundary="`+mw.Boundary()+`"`)
	buf.WriteString("\r\n")
	// Clients show the last part they can: text first, HTML last.
	for _, part := range []struct{ typ, body string }{{"text/plain", text}, {"text/html", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, part.body); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type writer interface{ Write([]byte) (int, error) }

func writeQP(w writer, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(s)); err != nil {
		return err
	}
	return qp.Close()
}

// textBody is the text, followed by the links a reader needs when the
// text does not already carry them (staff alerts).
func textBody(m sitrep.Message) string {
	text := m.Text
	if len(m.Fields) > 0 && !strings.Contains(text, m.Fields[0].Value) {
		text += "\n"
		for _, f := range m.Fields {
			text += "\n" + f.Name + ": " + f.Value
		}
	}
	if m.URL != "" && !strings.Contains(text, m.URL) {
		text += "\n\n" + m.URL
	}
	if m.AckURL != "" && !strings.Contains(text, m.AckURL) {
		text += "\n\nAcknowledge: " + m.AckURL
	}
	return strings.TrimLeft(text, "\n") + "\n"
}

// messageID is built from the delivery's idempotency key, so that a
// message sent twice (a retry after a lost answer) carries the same
// Message-ID and mail clients can fold the copies.
func (s *Sender) messageID(key string) string {
	domain := s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:]
	left := strings.Map(func(r rune) rune {
		if r < 128 && (r == '.' || r == '-' || r == '_' || r == '+' || r == '=' ||
			('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')) {
			return r
		}
		return '-'
	}, strings.Trim(key, "."))
	if left == "" {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		left = hex.EncodeToString(b)
	}
	return "<" + left + ".sitrep@" + domain + ">"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func validName(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if r <= ' ' || r >= 127 || r == ':' {
			return false
		}
	}
	return true
}
