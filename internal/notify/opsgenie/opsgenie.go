// Package opsgenie creates and closes Opsgenie alerts through the Alert
// API, matching them by alias.
package opsgenie

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"sitrep"
	"sitrep/internal/notify/channelhttp"
)

// Base URLs of the two Opsgenie regions.
const (
	USBaseURL = "https://api.opsgenie.com"
	EUBaseURL = "https://api.eu.opsgenie.com"
)

// Options configure a Sender.
type Options struct {
	APIKey string // an API integration's key, sent as "GenieKey KEY"
	// Region is "us" (default) or "eu"; it picks the base URL.
	Region string
	// BaseURL overrides Region's address (tests point it at loopback).
	BaseURL string
	// Source is shown as the alert's source; default "sitrep".
	Source string
	Client *http.Client
}

// Sender creates and closes Opsgenie alerts. It is safe for concurrent use.
type Sender struct {
	opts   Options
	client *http.Client
}

// New returns a Sender.
func New(opts Options) (*Sender, error) {
	if opts.APIKey == "" {
		return nil, errors.New("opsgenie: an API key is required")
	}
	if opts.BaseURL == "" {
		switch opts.Region {
		case "", "us":
			opts.BaseURL = USBaseURL
		case "eu":
			opts.BaseURL = EUBaseURL
		default:
			return nil, fmt.Errorf("opsgenie: region %q is not us or eu", opts.Region)
		}
	}
	opts.BaseURL = strings.TrimSuffix(opts.BaseURL, "/")
	if err := channelhttp.CheckURL(opts.BaseURL); err != nil {
		return nil, fmt.Errorf("opsgenie: %w", err)
	}
	opts.Source = channelhttp.Default(opts.Source, "sitrep")
	return &Sender{opts: opts, client: channelhttp.Client(opts.Client)}, nil
}

// Alert API limits.
const (
	messageMax = 130
	aliasMax   = 512
	descMax    = 15000
)

// Send creates an alert whose alias is m.DedupKey (else the idempotency
// key): Opsgenie de-duplicates open alerts by alias, so a retried create
// adds nothing. With m.Resolve it closes the alert with that alias. to,
// when given, is an API key replacing the configured one.
func (s *Sender) Send(ctx context.Context, to string, m sitrep.Message) error {
	alias := channelhttp.Truncate(channelhttp.Default(m.DedupKey, m.IdempotencyKey), aliasMax)
	if alias == "" {
		return &sitrep.PermanentError{Err: errors.New("opsgenie: no alias (dedup key)")}
	}
	var req *http.Request
	var err error
	if m.Resolve {
		u := s.opts.BaseURL + "/v2/alerts/" + url.PathEscape(alias) + "/close?identifierType=alias"
		req, err = channelhttp.JSONRequest(ctx, http.MethodPost, u, map[string]any{
			"source": s.opts.Source, "note": channelhttp.Truncate(m.Title, 25000),
		})
	} else {
		req, err = channelhttp.JSONRequest(ctx, http.MethodPost, s.opts.BaseURL+"/v2/alerts", s.create(alias, m))
	}
	if err != nil {
		return fmt.Errorf("opsgenie: %w", err)
	}
	req.Header.Set("Authorization", "GenieKey "+channelhttp.Default(to, s.opts.APIKey))
	if _, err := channelhttp.Do(s.client, req); err != nil {
		return fmt.Errorf("opsgenie: %w", err)
	}
	return nil
}

func (s *Sender) create(alias string, m sitrep.Message) map[string]any {
	desc := m.Text
	if m.URL != "" {
		desc += "\n\nDetails: " + m.URL
	}
	if m.AckURL != "" {
		desc += "\nAcknowledge in sitrep: " + m.AckURL
	}
	details := map[string]string{}
	for _, f := range m.Fields {
		details[f.Name] = f.Value
	}
	if m.URL != "" {
		details["url"] = m.URL
	}
	body := map[string]any{
		"message":     channelhttp.Truncate(m.Title, messageMax),
		"alias":       alias,
		"description": channelhttp.Truncate(strings.TrimSpace(desc), descMax),
		"source":      s.opts.Source,
		"priority":    priority(m.Severity),
		"tags":        []string{"sitrep", channelhttp.Default(m.Severity, "info")},
	}
	if len(details) > 0 {
		body["details"] = details
	}
	return body
}

func priority(severity string) string {
	switch severity {
	case "critical":
		return "P1"
	case "major":
		return "P2"
	case "minor":
		return "P3"
	}
	return "P5"
}
