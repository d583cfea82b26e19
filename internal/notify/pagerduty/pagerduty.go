// Package pagerduty triggers and resolves PagerDuty incidents through the
// Events API v2.
package pagerduty

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"sitrep"
	"sitrep/internal/notify/channelhttp"
)

// DefaultURL is the Events API v2 endpoint.
const DefaultURL = "https://events.pagerduty.com/v2/enqueue"

// Options configure a Sender.
type Options struct {
	// RoutingKey is the 32-character integration key of an Events API v2
	// integration, used when Send gets no key of its own.
	RoutingKey string
	// Source names where alerts come from (payload.source); default
	// "sitrep".
	Source string
	URL    string // "" for DefaultURL
	Client *http.Client
}

// Sender sends events to PagerDuty. It is safe for concurrent use.
type Sender struct {
	opts   Options
	client *http.Client
}

// New returns a Sender.
func New(opts Options) (*Sender, error) {
	opts.URL = channelhttp.Default(opts.URL, DefaultURL)
	if err := channelhttp.CheckURL(opts.URL); err != nil {
		return nil, fmt.Errorf("pagerduty: %w", err)
	}
	opts.Source = channelhttp.Default(opts.Source, "sitrep")
	return &Sender{opts: opts, client: channelhttp.Client(opts.Client)}, nil
}

// Field limits of the Events API v2.
const (
	summaryMax = 1024
	dedupMax   = 255
)

// Send triggers an alert, or resolves it when m.Resolve is set. The
// dedup_key is m.DedupKey (else the delivery's idempotency key), so a
// retried trigger updates the same PagerDuty alert instead of opening a
// second one, and the resolve finds it.
func (s *Sender) Send(ctx context.Context, to string, m sitrep.Message) error {
	key := channelhttp.Default(to, s.opts.RoutingKey)
	if key == "" {
		return &sitrep.PermanentError{Err: errors.New("pagerduty: no routing key")}
	}
	dedup := channelhttp.Truncate(channelhttp.Default(m.DedupKey, m.IdempotencyKey), dedupMax)
	if dedup == "" && m.Resolve {
		return &sitrep.PermanentError{Err: errors.New("pagerduty: a resolve needs a dedup key")}
	}
	req, err := channelhttp.JSONRequest(ctx, http.MethodPost, s.opts.URL, s.event(key, dedup, m))
	if err != nil {
		return fmt.Errorf("pagerduty: %w", err)
	}
	if _, err := channelhttp.Do(s.client, req); err != nil {
		return fmt.Errorf("pagerduty: %w", err)
	}
	return nil
}

type object = map[string]any

func (s *Sender) event(key, dedup string, m sitrep.Message) object {
	ev := object{"routing_key": key, "event_action": "trigger", "dedup_key": dedup}
	if m.Resolve {
		// A resolve needs nothing else: PagerDuty matches it by dedup_key.
		ev["event_action"] = "resolve"
		return ev
	}
	details := object{}
	if m.Text != "" {
		details["text"] = m.Text
	}
	for _, f := range m.Fields {
		details[f.Name] = f.Value
	}
	payload := object{
		"summary":  channelhttp.Truncate(strings.TrimSpace(m.Title), summaryMax),
		"source":   s.opts.Source,
		"severity": severity(m.Severity),
	}
	if !m.At.IsZero() {
		payload["timestamp"] = m.At.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	if len(details) > 0 {
		payload["custom_details"] = details
	}
	ev["payload"] = payload
	ev["client"] = "sitrep"
	var links []object
	if m.URL != "" {
		ev["client_url"] = m.URL
		links = append(links, object{"href": m.URL, "text": "View details"})
	}
	if m.AckURL != "" {
		links = append(links, object{"href": m.AckURL, "text": "Acknowledge in sitrep"})
	}
	if len(links) > 0 {
		ev["links"] = links
	}
	return ev
}

// severity maps ours onto the API's enum: critical, error, warning, info.
func severity(s string) string {
	switch s {
	case "critical":
		return "critical"
	case "major":
		return "error"
	case "minor":
		return "warning"
	}
	return "info"
}
