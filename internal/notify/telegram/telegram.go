// Package telegram sends messages through the Telegram Bot API's
// sendMessage method, formatted with parse_mode HTML.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"sitrep"
	"sitrep/internal/notify/channelhttp"
)

// DefaultBaseURL is the Bot API's address.
const DefaultBaseURL = "https://api.telegram.org"

// Options configure a Sender.
type Options struct {
	BotToken string // from @BotFather, "123456:ABC..."
	// ChatID is the chat to post to ("-1001234567890" or "@channelname"),
	// used when Send gets no chat of its own.
	ChatID  string
	BaseURL string // "" for DefaultBaseURL; tests point it at loopback
	Client  *http.Client
}

// Sender posts to Telegram chats. It is safe for concurrent use.
type Sender struct {
	opts   Options
	client *http.Client
}

// New returns a Sender.
func New(opts Options) (*Sender, error) {
	if opts.BotToken == "" {
		return nil, errors.New("telegram: a bot token is required")
	}
	opts.BaseURL = strings.TrimSuffix(channelhttp.Default(opts.BaseURL, DefaultBaseURL), "/")
	if err := channelhttp.CheckURL(opts.BaseURL); err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	return &Sender{opts: opts, client: channelhttp.Client(opts.Client)}, nil
}

// textMax is sendMessage's limit on text after entities are parsed; the
// message is cut well before it so the markup added around it fits.
const textMax = 3500

// Send posts m to the chat to, or to the configured one when to is "".
func (s *Sender) Send(ctx context.Context, to string, m sitrep.Message) error {
	chat := channelhttp.Default(to, s.opts.ChatID)
	if chat == "" {
		return &sitrep.PermanentError{Err: errors.New("telegram: no chat id")}
	}
	body := map[string]any{
		"chat_id":              chat,
		"text":                 text(m),
		"parse_mode":           "HTML",
		"link_preview_options": map[string]any{"is_disabled": true},
	}
	req, err := channelhttp.JSONRequest(ctx, http.MethodPost, s.opts.BaseURL+"/bot"+s.opts.BotToken+"/sendMessage", body)
	if err != nil {
		return fmt.Errorf("telegram: %w", err)
	}
	if _, err := channelhttp.Do(s.client, req); err != nil {
		return fmt.Errorf("telegram: %w", retryAfter(err))
	}
	return nil
}

// retryAfter reads the wait a 429 carries in its body
// (parameters.retry_after), which Telegram sends instead of a header.
func retryAfter(err error) error {
	var serr *channelhttp.StatusError
	if !errors.As(err, &serr) || serr.Code != http.StatusTooManyRequests {
		return err
	}
	var resp struct {
		Parameters struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if json.Unmarshal([]byte(serr.Body), &resp) != nil || resp.Parameters.RetryAfter <= 0 {
		return err
	}
	return &sitrep.RetryAfterError{Err: serr, After: time.Duration(resp.Parameters.RetryAfter) * time.Second}
}

func text(m sitrep.Message) string {
	var b strings.Builder
	b.WriteString("<b>" + escape(m.Title) + "</b>")
	if m.Text != "" {
		b.WriteString("\n\n" + escape(channelhttp.Truncate(m.Text, textMax)))
	}
	if len(m.Fields) > 0 {
		b.WriteString("\n")
		for _, f := range m.Fields {
			b.WriteString("\n<b>" + escape(f.Name) + ":</b> " + escape(f.Value))
		}
	}
	var links []string
	if m.URL != "" {
		links = append(links, `<a href="`+escape(m.URL)+`">View details</a>`)
	}
	if m.AckURL != "" {
		links = append(links, `<a href="`+escape(m.AckURL)+`">Acknowledge</a>`)
	}
	if len(links) > 0 {
		b.WriteString("\n\n" + strings.Join(links, " · "))
	}
	return b.String()
}

// escape replaces what the Bot API's HTML style requires: "All <, > and &
// symbols that are not a part of a tag or an HTML entity must be replaced
// with the corresponding HTML entities"; " too, for attribute values.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func escape(s string) string { return escaper.Replace(s) }
