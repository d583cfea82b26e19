// Package ntfy publishes messages to an ntfy server as JSON.
package ntfy

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
	// URL is the server's root, e.g. https://ntfy.sh; JSON messages are
	// published to it with the topic in the body.
	URL   string
	Topic string // used when Send gets no topic of its own
	// Token (an access token) or Username and Password authenticate.
	Token              string
	Username, Password string
	Client             *http.Client
}

// Sender publishes to ntfy. It is safe for concurrent use.
type Sender struct {
	opts   Options
	client *http.Client
}

// New returns a Sender.
func New(opts Options) (*Sender, error) {
	opts.URL = strings.TrimSuffix(opts.URL, "/")
	if err := channelhttp.CheckURL(opts.URL); err != nil {
		return nil, fmt.Errorf("ntfy: %w", err)
	}
	return &Sender{opts: opts, client: channelhttp.Client(opts.Client)}, nil
}

// Send publishes m to the topic to, or to the configured one when to is "".
func (s *Sender) Send(ctx context.Context, to string, m sitrep.Message) error {
	topic := channelhttp.Default(to, s.opts.Topic)
	if topic == "" {
		return &sitrep.PermanentError{Err: errors.New("ntfy: no topic")}
	}
	req, err := channelhttp.JSONRequest(ctx, http.MethodPost, s.opts.URL+"/", payload(topic, m))
	if err != nil {
		return fmt.Errorf("ntfy: %w", err)
	}
	switch {
	case s.opts.Token != "":
		req.Header.Set("Authorization", "Bearer "+s.opts.Token)
	case s.opts.Username != "":
		req.SetBasicAuth(s.opts.Username, s.opts.Password)
	}
	if _, err := channelhttp.Do(s.client, req); err != nil {
		return fmt.Errorf("ntfy: %w", err)
	}
	return nil
}

type object = map[string]any

// payload is ntfy's JSON publish format. The message is plain text (no
// "markdown": true), so nothing in it needs escaping.
func payload(topic string, m sitrep.Message) object {
	msg := m.Text
	for _, f := range m.Fields {
		msg += "\n" + f.Name + ": " + f.Value
	}
	p := object{
		"topic":    topic,
		"title":    m.Title,
		"message":  strings.TrimSpace(msg),
		"priority": priority(m.Severity),
		"tags":     []string{tag(m.Severity)},
	}
	var actions []object
	if m.URL != "" {
		p["click"] = m.URL
		actions = append(actions, object{"action": "view", "label": "Details", "url": m.URL})
	}
	if m.AckURL != "" {
		actions = append(actions, object{"action": "view", "label": "Acknowledge", "url": m.AckURL, "clear": true})
	}
	if len(actions) > 0 {
		p["actions"] = actions
	}
	return p
}

// priority is ntfy's 1 (min) to 5 (max, long vibration).
func priority(severity string) int {
	switch severity {
	case "critical":
		return 5
	case "major":
		return 4
	case "resolved":
		return 2
	}
	return 3
}

// tag is an emoji short code, shown in front of the title.
func tag(severity string) string {
	switch severity {
	case "critical":
		return "rotating_light"
	case "major", "minor":
		return "warning"
	case "resolved":
		return "white_check_mark"
	}
	return "information_source"
}
