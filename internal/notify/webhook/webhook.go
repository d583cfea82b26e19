// Package webhook posts sitrep's own JSON payload to an HTTP endpoint,
// signed with HMAC-SHA256 so the receiver can tell it came from us and was
// not replayed. docs/webhooks.md describes the format and the check.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"sitrep"
	"sitrep/internal/notify/channelhttp"
)

// Header names; the receiver reads them.
const (
	HeaderEventID   = "Sitrep-Event-Id"
	HeaderTimestamp = "Sitrep-Timestamp"
	HeaderSignature = "Sitrep-Signature"
)

// Options configure a Sender.
type Options struct {
	// URL is the endpoint, used when Send gets no address of its own
	// (subscriber webhooks bring theirs).
	URL string
	// Secret signs every request; without one no signature is sent.
	Secret string
	// Headers are extra request headers, e.g. an Authorization the
	// receiver expects.
	Headers map[string]string
	Client  *http.Client
	Now     func() time.Time // nil: time.Now; tests pin the timestamp
}

// Sender posts signed JSON. It is safe for concurrent use.
type Sender struct {
	opts   Options
	client *http.Client
}

// New returns a Sender. URL may be empty when every Send names its own.
func New(opts Options) (*Sender, error) {
	if opts.URL != "" {
		if err := channelhttp.CheckURL(opts.URL); err != nil {
			return nil, fmt.Errorf("webhook: %w", err)
		}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Sender{opts: opts, client: channelhttp.Client(opts.Client)}, nil
}

// Payload is the JSON body. Its id is the delivery's idempotency key: a
// retry carries the same id, so receivers can drop what they have seen.
type Payload struct {
	ID       string  `json:"id"`
	Kind     string  `json:"kind"`
	Title    string  `json:"title"`
	Text     string  `json:"text"`
	URL      string  `json:"url,omitempty"`
	Severity string  `json:"severity,omitempty"`
	At       string  `json:"at"` // RFC 3339, UTC
	DedupKey string  `json:"dedup_key,omitempty"`
	Resolve  bool    `json:"resolve,omitempty"`
	AckURL   string  `json:"ack_url,omitempty"`
	Fields   []Field `json:"fields,omitempty"`
}

// Field is one labelled fact.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Send posts m to to, or to the configured URL when to is "", signed with
// the configured secret.
func (s *Sender) Send(ctx context.Context, to string, m sitrep.Message) error {
	secret := s.opts.Secret
	if m.Secret != "" {
		secret = m.Secret
	}
	return s.SendWithSecret(ctx, to, secret, m)
}

// SendWithSecret is Send with a secret of the recipient's own, as each
// subscriber webhook has.
func (s *Sender) SendWithSecret(ctx context.Context, to, secret string, m sitrep.Message) error {
	target, err := channelhttp.Target(to, s.opts.URL)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	p := Payload{
		ID: m.IdempotencyKey, Kind: string(m.Kind), Title: m.Title, Text: m.Text, URL: m.URL,
		Severity: m.Severity, At: m.At.UTC().Format(time.RFC3339), DedupKey: m.DedupKey,
		Resolve: m.Resolve, AckURL: m.AckURL,
	}
	for _, f := range m.Fields {
		p.Fields = append(p.Fields, Field{Name: f.Name, Value: f.Value})
	}
	body, err := channelhttp.JSONBody(p)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	req, err := channelhttp.Request(ctx, http.MethodPost, target, "application/json", body)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	for k, v := range s.opts.Headers {
		req.Header.Set(k, v)
	}
	ts := strconv.FormatInt(s.opts.Now().Unix(), 10)
	req.Header.Set(HeaderEventID, m.IdempotencyKey)
	req.Header.Set(HeaderTimestamp, ts)
	if secret != "" {
		req.Header.Set(HeaderSignature, Sign(secret, ts, body))
	}
	if _, err := channelhttp.Do(s.client, req); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	return nil
}

// Sign returns the Sitrep-Signature value: "v1=" and the hex HMAC-SHA256
// of "<timestamp>.<body>" keyed with the secret. The timestamp is signed
// with the body so that an old request cannot be replayed with a new
// timestamp.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}
