// Package gotify posts messages to a Gotify server.
package gotify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"sitrep"
	"sitrep/internal/notify/channelhttp"
)

// Options configure a Sender.
type Options struct {
	URL    string // the server's root, e.g. https://gotify.example.com
	Token  string // an application token, sent as X-Gotify-Key
	Client *http.Client
}

// Sender posts to Gotify. It is safe for concurrent use.
type Sender struct {
	opts   Options
	client *http.Client
}

// New returns a Sender.
func New(opts Options) (*Sender, error) {
	opts.URL = strings.TrimSuffix(opts.URL, "/")
	if err := channelhttp.CheckURL(opts.URL); err != nil {
		return nil, fmt.Errorf("gotify: %w", err)
	}
	if opts.Token == "" {
		return nil, errors.New("gotify: an application token is required")
	}
	return &Sender{opts: opts, client: channelhttp.Client(opts.Client)}, nil
}

// Send posts m to /message. to, when given, is an application token
// replacing the configured one.
func (s *Sender) Send(ctx context.Context, to string, m sitrep.Message) error {
	msg := m.Text
	for _, f := range m.Fields {
		msg += "\n" + f.Name + ": " + f.Value
	}
	if m.URL != "" {
		msg += "\n\n" + m.URL
	}
	body := map[string]any{
		"title":    m.Title,
		"message":  strings.TrimSpace(msg),
		"priority": priority(m.Severity),
		// Plain text: clients that render markdown would otherwise read
		// the incident text as markup.
		"extras": map[string]any{
			"client::display": map[string]any{"contentType": "text/plain"},
		},
	}
	if m.URL != "" {
		body["extras"].(map[string]any)["client::notification"] = map[string]any{"click": map[string]any{"url": m.URL}}
	}
	req, err := channelhttp.JSONRequest(ctx, http.MethodPost, s.opts.URL+"/message", body)
	if err != nil {
		return fmt.Errorf("gotify: %w", err)
	}
	req.Header.Set("X-Gotify-Key", channelhttp.Default(to, s.opts.Token))
	if _, err := channelhttp.Do(s.client, req); err != nil {
		return fmt.Errorf("gotify: %w", err)
	}
	return nil
}

// priority is Gotify's 0-10; the Android app makes 8 and above intrusive.
func priority(severity string) int {
	switch severity {
	case "critical":
		return 10
	case "major":
		return 8
	case "minor":
		return 5
	case "resolved":
		return 2
	}
	return 4
}
