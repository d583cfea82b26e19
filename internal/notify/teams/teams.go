// Package teams sends messages to Microsoft Teams through a Workflows
// ("Post to a channel when a webhook request is received") webhook, as an
// Adaptive Card.
//
// The Office 365 connector webhooks and their MessageCard format are
// retired; the Workflows webhook that replaces them takes a message
// activity whose attachment is an Adaptive Card, which is what is sent
// here. Adaptive Card 1.4 is the newest version Teams renders everywhere.
package teams

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"sitrep"
	"sitrep/internal/notify/channelhttp"
)

// Options configure a Sender.
type Options struct {
	// URL is the Workflows webhook URL, used when Send gets no address of
	// its own.
	URL    string
	Client *http.Client
}

// Sender posts Adaptive Cards to Teams. It is safe for concurrent use.
type Sender struct {
	url    string
	client *http.Client
}

// New returns a Sender. URL may be empty when every Send names its own.
func New(opts Options) (*Sender, error) {
	if opts.URL != "" {
		if err := channelhttp.CheckURL(opts.URL); err != nil {
			return nil, fmt.Errorf("teams: %w", err)
		}
	}
	return &Sender{url: opts.URL, client: channelhttp.Client(opts.Client)}, nil
}

// Send posts m to the webhook to, or to the configured one when to is "".
func (s *Sender) Send(ctx context.Context, to string, m sitrep.Message) error {
	target, err := channelhttp.Target(to, s.url)
	if err != nil {
		return fmt.Errorf("teams: %w", err)
	}
	req, err := channelhttp.JSONRequest(ctx, http.MethodPost, target, payload(m))
	if err != nil {
		return fmt.Errorf("teams: %w", err)
	}
	if _, err := channelhttp.Do(s.client, req); err != nil {
		return fmt.Errorf("teams: %w", err)
	}
	return nil
}

type object = map[string]any

func payload(m sitrep.Message) object {
	body := []object{{
		"type": "TextBlock", "text": escape(m.Title), "size": "Large", "weight": "Bolder",
		"wrap": true, "color": color(m.Severity), "style": "heading",
	}}
	if m.Text != "" {
		body = append(body, object{"type": "TextBlock", "text": escape(m.Text), "wrap": true})
	}
	var facts []object
	if m.Severity != "" {
		facts = append(facts, object{"title": "Severity", "value": escape(m.Severity)})
	}
	for _, f := range m.Fields {
		facts = append(facts, object{"title": escape(f.Name), "value": escape(f.Value)})
	}
	if len(facts) > 0 {
		body = append(body, object{"type": "FactSet", "facts": facts})
	}
	var actions []object
	if m.URL != "" {
		actions = append(actions, object{"type": "Action.OpenUrl", "title": "View details", "url": m.URL})
	}
	if m.AckURL != "" {
		actions = append(actions, object{"type": "Action.OpenUrl", "title": "Acknowledge", "url": m.AckURL})
	}
	card := object{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body":    body,
		"msteams": object{"width": "Full"},
	}
	if len(actions) > 0 {
		card["actions"] = actions
	}
	return object{
		"type": "message",
		"attachments": []object{{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"contentUrl":  nil,
			"content":     card,
		}},
	}
}

func color(severity string) string {
	switch severity {
	case "critical", "major":
		return "Attention"
	case "minor":
		return "Warning"
	case "resolved":
		return "Good"
	}
	return "Default"
}

// escape puts a backslash before the characters of the Markdown subset a
// TextBlock renders (emphasis, links, lists, headings). Cards are not HTML:
// tags show as text and need nothing.
var escaper = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`,
	"#", `\#`, "`", "\\`", "-", `\-`, "+", `\+`, ">", `\>`, "~", `\~`,
)

func escape(s string) string { return escaper.Replace(s) }
