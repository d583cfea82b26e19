// Package pushover sends messages through Pushover's Messages API.
package pushover

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"sitrep"
	"sitrep/internal/notify/channelhttp"
)

// DefaultURL is the Messages API endpoint.
const DefaultURL = "https://api.pushover.net/1/messages.json"

// Options configure a Sender.
type Options struct {
	Token string // the application's API token
	// User is the user or group key, used when Send gets no key of its own.
	User   string
	Device string // optional device name to limit delivery to
	URL    string // "" for DefaultURL
	Client *http.Client
}

// Sender sends Pushover notifications. It is safe for concurrent use.
type Sender struct {
	opts   Options
	client *http.Client
}

// New returns a Sender.
func New(opts Options) (*Sender, error) {
	if opts.Token == "" {
		return nil, errors.New("pushover: an application token is required")
	}
	opts.URL = channelhttp.Default(opts.URL, DefaultURL)
	if err := channelhttp.CheckURL(opts.URL); err != nil {
		return nil, fmt.Errorf("pushover: %w", err)
	}
	return &Sender{opts: opts, client: channelhttp.Client(opts.Client)}, nil
}

// Messages API limits.
const (
	titleMax   = 250
	messageMax = 1024
	urlMax     = 512
)

// Send sends m to the user key to, or to the configured one when to is "".
func (s *Sender) Send(ctx context.Context, to string, m sitrep.Message) error {
	user := channelhttp.Default(to, s.opts.User)
	if user == "" {
		return &sitrep.PermanentError{Err: errors.New("pushover: no user key")}
	}
	form := url.Values{
		"token":    {s.opts.Token},
		"user":     {user},
		"title":    {channelhttp.Truncate(m.Title, titleMax)},
		"message":  {message(m)},
		"html":     {"1"},
		"priority": {strconv.Itoa(priority(m.Severity))},
	}
	if s.opts.Device != "" {
		form.Set("device", s.opts.Device)
	}
	if m.URL != "" && len(m.URL) <= urlMax {
		form.Set("url", m.URL)
		form.Set("url_title", "View details")
	}
	if !m.At.IsZero() {
		form.Set("timestamp", strconv.FormatInt(m.At.Unix(), 10))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opts.URL, strings.NewReader(form.Encode()))
	if err != nil {
		return &sitrep.PermanentError{Err: fmt.Errorf("pushover: build request: %w", err)}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, err := channelhttp.Do(s.client, req); err != nil {
		return fmt.Errorf("pushover: %w", err)
	}
	return nil
}

// message is the body in Pushover's HTML subset (html=1): text escaped,
// fields in bold, and the acknowledge link, as the url slot holds the
// details link. The text is cut first so the markup is never cut open.
func message(m sitrep.Message) string {
	var tail strings.Builder
	for _, f := range m.Fields {
		tail.WriteString("\n<b>" + escape(f.Name) + ":</b> " + escape(f.Value))
	}
	if m.AckURL != "" {
		tail.WriteString("\n\n" + `<a href="` + escape(m.AckURL) + `">Acknowledge</a>`)
	}
	text := fitEscaped(m.Text, max(messageMax-tail.Len()-1, 0))
	return channelhttp.Truncate(strings.TrimSpace(text+"\n"+tail.String()), messageMax)
}

// fitEscaped escapes as much of s as fits in n bytes, cutting between
// characters so that no entity is cut in half.
func fitEscaped(s string, n int) string {
	if len(escape(s)) <= n {
		return escape(s)
	}
	const ell = "…"
	var b strings.Builder
	for _, r := range s {
		e := escape(string(r))
		if b.Len()+len(e)+len(ell) > n {
			break
		}
		b.WriteString(e)
	}
	return b.String() + ell
}

// priority is Pushover's -2 (silent) to 1 (high, bypasses quiet hours).
// Emergency (2) is left out: it needs retry and expire and repeats until
// acknowledged in Pushover, which would compete with sitrep's escalation.
func priority(severity string) int {
	switch severity {
	case "critical", "major":
		return 1
	case "resolved":
		return -1
	}
	return 0
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func escape(s string) string { return escaper.Replace(s) }
