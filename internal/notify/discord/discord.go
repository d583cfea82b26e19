// Package discord sends messages to Discord webhooks as one embed.
package discord

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
	// URL is the webhook URL, used when Send gets no address of its own.
	URL string
	// Username overrides the webhook's name, e.g. "Example status".
	Username string
	Client   *http.Client
}

// Sender posts to Discord webhooks. It is safe for concurrent use.
type Sender struct {
	opts   Options
	client *http.Client
}

// New returns a Sender. URL may be empty when every Send names its own.
func New(opts Options) (*Sender, error) {
	if opts.URL != "" {
		if err := channelhttp.CheckURL(opts.URL); err != nil {
			return nil, fmt.Errorf("discord: %w", err)
		}
	}
	return &Sender{opts: opts, client: channelhttp.Client(opts.Client)}, nil
}

// Embed limits from Discord's "Embed Limits".
const (
	titleMax      = 256
	descMax       = 4096
	fieldNameMax  = 256
	fieldValueMax = 1024
	fieldsMax     = 25
)

// Send posts m to the webhook to, or to the configured one when to is "".
func (s *Sender) Send(ctx context.Context, to string, m sitrep.Message) error {
	target, err := channelhttp.Target(to, s.opts.URL)
	if err != nil {
		return fmt.Errorf("discord: %w", err)
	}
	req, err := channelhttp.JSONRequest(ctx, http.MethodPost, target, s.payload(m))
	if err != nil {
		return fmt.Errorf("discord: %w", err)
	}
	if _, err := channelhttp.Do(s.client, req); err != nil {
		return fmt.Errorf("discord: %w", err)
	}
	return nil
}

type object = map[string]any

func (s *Sender) payload(m sitrep.Message) object {
	desc := escape(m.Text)
	if m.AckURL != "" {
		desc += "\n\n[Acknowledge](" + m.AckURL + ")"
	}
	embed := object{
		"title":       channelhttp.Truncate(escape(m.Title), titleMax),
		"description": channelhttp.Truncate(desc, descMax),
		"color":       channelhttp.Color(m.Severity),
	}
	if m.URL != "" {
		embed["url"] = m.URL
	}
	if !m.At.IsZero() {
		embed["timestamp"] = m.At.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	var fields []object
	for _, f := range m.Fields[:min(len(m.Fields), fieldsMax)] {
		fields = append(fields, object{
			"name":   channelhttp.Truncate(escape(f.Name), fieldNameMax),
			"value":  channelhttp.Truncate(escape(f.Value), fieldValueMax),
			"inline": true,
		})
	}
	if len(fields) > 0 {
		embed["fields"] = fields
	}
	if m.Severity != "" {
		embed["footer"] = object{"text": "Severity: " + m.Severity}
	}
	out := object{
		"embeds": []object{embed},
		// A title like "@everyone" must not ping a whole server.
		"allowed_mentions": object{"parse": []string{}},
	}
	if s.opts.Username != "" {
		out["username"] = s.opts.Username
	}
	return out
}

// escape puts a backslash before every character Discord's markdown
// gives meaning to, so text shows as written.
var escaper = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`,
	">", `\>`, "#", `\#`, "[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`, "-", `\-`, "@", "@\u200b",
)

func escape(s string) string { return escaper.Replace(s) }
