// Package slack sends messages to Slack incoming webhooks as Block Kit
// blocks with a plain text fallback.
package slack

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
	// URL is the incoming webhook URL, used when Send gets no address of
	// its own (subscribers bring theirs).
	URL    string
	Client *http.Client // nil: channelhttp.Client(nil)
}

// Sender posts to Slack incoming webhooks. It is safe for concurrent use.
type Sender struct {
	url    string
	client *http.Client
}

// New returns a Sender. URL may be empty when every Send names its own.
func New(opts Options) (*Sender, error) {
	if opts.URL != "" {
		if err := channelhttp.CheckURL(opts.URL); err != nil {
			return nil, fmt.Errorf("slack: %w", err)
		}
	}
	return &Sender{url: opts.URL, client: channelhttp.Client(opts.Client)}, nil
}

// Limits from Block Kit's reference: a header's plain_text 150, a section's
// text 3000, a field 2000, at most 10 fields.
const (
	headerMax = 150
	textMax   = 3000
	fieldMax  = 2000
	fieldsMax = 10
)

// Send posts m to the webhook to, or to the configured one when to is "".
func (s *Sender) Send(ctx context.Context, to string, m sitrep.Message) error {
	target, err := channelhttp.Target(to, s.url)
	if err != nil {
		return fmt.Errorf("slack: %w", err)
	}
	req, err := channelhttp.JSONRequest(ctx, http.MethodPost, target, payload(m))
	if err != nil {
		return fmt.Errorf("slack: %w", err)
	}
	if _, err := channelhttp.Do(s.client, req); err != nil {
		return fmt.Errorf("slack: %w", err)
	}
	return nil
}

type object = map[string]any

func payload(m sitrep.Message) object {
	blocks := []object{
		{"type": "header", "text": object{"type": "plain_text", "text": channelhttp.Truncate(m.Title, headerMax), "emoji": true}},
	}
	if m.Text != "" {
		blocks = append(blocks, object{"type": "section", "text": mrkdwn(channelhttp.Truncate(escape(m.Text), textMax))})
	}
	if len(m.Fields) > 0 {
		var fields []object
		for _, f := range m.Fields[:min(len(m.Fields), fieldsMax)] {
			fields = append(fields, mrkdwn(channelhttp.Truncate("*"+escape(f.Name)+"*\n"+escape(f.Value), fieldMax)))
		}
		blocks = append(blocks, object{"type": "section", "fields": fields})
	}
	// Links go into a context line rather than buttons: buttons in an
	// incoming webhook message expect a Slack app to answer their clicks.
	var context []string
	if m.Severity != "" {
		context = append(context, "Severity: *"+escape(m.Severity)+"*")
	}
	if m.URL != "" {
		context = append(context, "<"+escape(m.URL)+"|View details>")
	}
	if m.AckURL != "" {
		context = append(context, "<"+escape(m.AckURL)+"|Acknowledge>")
	}
	if len(context) > 0 {
		blocks = append(blocks, object{"type": "context", "elements": []object{mrkdwn(strings.Join(context, " · "))}})
	}
	// text is what notifications and screen readers show.
	return object{"text": escape(m.Title), "blocks": blocks}
}

func mrkdwn(s string) object { return object{"type": "mrkdwn", "text": s} }

// escape replaces the three characters Slack's mrkdwn gives meaning to
// (links, mentions): Slack's "Escaping text" rules. Formatting characters
// such as * stay, as Slack has no way to escape them.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return escaper.Replace(s) }
