// Package matrix sends messages to a Matrix room through the
// client-server API, with an HTML body and a plain text fallback.
package matrix

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"sitrep"
	"sitrep/internal/notify/channelhttp"
)

// Options configure a Sender.
type Options struct {
	Homeserver  string // e.g. https://matrix.example.org
	AccessToken string // the sending user's (a bot's) access token
	// RoomID is the room to post to ("!abc:example.org"), used when Send
	// gets no room of its own. The user must have joined it.
	RoomID string
	Client *http.Client
}

// Sender posts to Matrix rooms. It is safe for concurrent use.
type Sender struct {
	opts   Options
	client *http.Client
}

// New returns a Sender.
func New(opts Options) (*Sender, error) {
	opts.Homeserver = strings.TrimSuffix(opts.Homeserver, "/")
	if err := channelhttp.CheckURL(opts.Homeserver); err != nil {
		return nil, fmt.Errorf("matrix: %w", err)
	}
	if opts.AccessToken == "" {
		return nil, errors.New("matrix: an access token is required")
	}
	return &Sender{opts: opts, client: channelhttp.Client(opts.Client)}, nil
}

// Send puts m into the room to, or the configured one when to is "". The
// transaction id is the delivery's idempotency key: the homeserver treats
// a repeated PUT with the same id as the same event, so a retry after a
// lost answer does not post twice.
func (s *Sender) Send(ctx context.Context, to string, m sitrep.Message) error {
	room := channelhttp.Default(to, s.opts.RoomID)
	if room == "" {
		return &sitrep.PermanentError{Err: errors.New("matrix: no room id")}
	}
	txn := m.IdempotencyKey
	if txn == "" {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		txn = hex.EncodeToString(b)
	}
	u := s.opts.Homeserver + "/_matrix/client/v3/rooms/" + url.PathEscape(room) + "/send/m.room.message/" + url.PathEscape(txn)
	body := map[string]any{
		// m.text rather than m.notice: default push rules silence notices,
		// and an alert must notify.
		"msgtype":        "m.text",
		"body":           plain(m),
		"format":         "org.matrix.custom.html",
		"formatted_body": html(m),
	}
	req, err := channelhttp.JSONRequest(ctx, http.MethodPut, u, body)
	if err != nil {
		return fmt.Errorf("matrix: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+s.opts.AccessToken)
	if _, err := channelhttp.Do(s.client, req); err != nil {
		return fmt.Errorf("matrix: %w", retryAfter(err))
	}
	return nil
}

// retryAfter reads M_LIMIT_EXCEEDED's retry_after_ms.
func retryAfter(err error) error {
	var serr *channelhttp.StatusError
	var ra *sitrep.RetryAfterError
	if !errors.As(err, &serr) || serr.Code != http.StatusTooManyRequests || errors.As(err, &ra) {
		return err
	}
	var resp struct {
		RetryAfterMS int64 `json:"retry_after_ms"`
	}
	if json.Unmarshal([]byte(serr.Body), &resp) != nil || resp.RetryAfterMS <= 0 {
		return err
	}
	return &sitrep.RetryAfterError{Err: serr, After: time.Duration(resp.RetryAfterMS) * time.Millisecond}
}

func plain(m sitrep.Message) string {
	var b strings.Builder
	b.WriteString(m.Title)
	if m.Text != "" {
		b.WriteString("\n\n" + m.Text)
	}
	for _, f := range m.Fields {
		b.WriteString("\n" + f.Name + ": " + f.Value)
	}
	if m.URL != "" {
		b.WriteString("\n\n" + m.URL)
	}
	if m.AckURL != "" {
		b.WriteString("\nAcknowledge: " + m.AckURL)
	}
	return b.String()
}

func html(m sitrep.Message) string {
	var b strings.Builder
	b.WriteString("<h4>" + escape(m.Title) + "</h4>")
	if m.Text != "" {
		b.WriteString("<p>" + strings.ReplaceAll(escape(m.Text), "\n", "<br>") + "</p>")
	}
	if len(m.Fields) > 0 {
		b.WriteString("<ul>")
		for _, f := range m.Fields {
			b.WriteString("<li><strong>" + escape(f.Name) + ":</strong> " + escape(f.Value) + "</li>")
		}
		b.WriteString("</ul>")
	}
	var links []string
	if m.URL != "" {
		links = append(links, `<a href="`+escape(m.URL)+`">View details</a>`)
	}
	if m.AckURL != "" {
		links = append(links, `<a href="`+escape(m.AckURL)+`">Acknowledge</a>`)
	}
	if len(links) > 0 {
		b.WriteString("<p>" + strings.Join(links, " · ") + "</p>")
	}
	return b.String()
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

func escape(s string) string { return escaper.Replace(s) }
