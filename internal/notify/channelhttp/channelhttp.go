// Package channelhttp is what the HTTP notification channels share: the
// client they use by default, JSON requests, and the one place where a
// receiver's answer becomes delivered, retryable or permanent.
package channelhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sitrep"
)

// UserAgent is sent with every request so receivers can tell us apart.
const UserAgent = "sitrep"

// DefaultTimeout bounds one request when the caller's client has none.
const DefaultTimeout = 30 * time.Second

// maxBody is how much of a response is read: enough for any provider's
// error message, never an unbounded read from a misbehaving receiver.
const maxBody = 64 << 10

// Client returns c, or a client with DefaultTimeout that does not follow
// redirects: a webhook that answers 3xx has moved, and re-posting (or
// turning the POST into a GET, as net/http would) hides that from the
// operator.
func Client(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{
		Timeout:       DefaultTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// JSONBody encodes v. HTML characters are not escaped to \u003c: every
// provider reads both, and the golden files stay readable.
func JSONBody(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, &sitrep.PermanentError{Err: fmt.Errorf("encode request body: %w", err)}
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// JSONRequest builds a request with v as its JSON body.
func JSONRequest(ctx context.Context, method, rawURL string, v any) (*http.Request, error) {
	body, err := JSONBody(v)
	if err != nil {
		return nil, err
	}
	return Request(ctx, method, rawURL, "application/json", body)
}

// Request builds a request with body of the given content type.
func Request(ctx context.Context, method, rawURL, contentType string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, bytes.NewReader(body))
	if err != nil {
		return nil, &sitrep.PermanentError{Err: fmt.Errorf("build request to %s: %w", Redact(rawURL), err)}
	}
	req.Header.Set("Content-Type", contentType)
	return req, nil
}

// StatusError is a receiver's answer other than 2xx. It is wrapped in a
// sitrep.PermanentError or sitrep.RetryAfterError, or returned as is when
// retrying may help; channels look into Body for provider details.
type StatusError struct {
	Code int
	Body string // at most a few KiB, trimmed
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("receiver answered %d %s", e.Code, http.StatusText(e.Code))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Do sends req with the User-Agent set and returns the response body when
// the receiver accepted it (2xx). Otherwise the error is classified:
// connection errors, timeouts, 408, 429 and 5xx are retryable (429 and 503
// with Retry-After as *sitrep.RetryAfterError); 3xx and other 4xx are
// *sitrep.PermanentError. URLs in errors are redacted: webhook URLs are
// secrets and errors end up in the deliveries API.
func Do(client *http.Client, req *http.Request) ([]byte, error) {
	req.Header.Set("User-Agent", UserAgent)
	resp, err := client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			uerr.URL = Redact(uerr.URL)
		}
		return nil, fmt.Errorf("send to %s: %w", Redact(req.URL.String()), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if err != nil {
			// The receiver accepted the message; a broken body after the
			// status line must not cause a duplicate.
			return nil, nil
		}
		return body, nil
	}
	return nil, Classify(resp.StatusCode, resp.Header, body, time.Now())
}

// Classify turns a non-2xx answer into an error of the right class.
func Classify(code int, h http.Header, body []byte, now time.Time) error {
	serr := &StatusError{Code: code, Body: trim(body)}
	switch {
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		if after, ok := RetryAfter(h.Get("Retry-After"), now); ok {
			return &sitrep.RetryAfterError{Err: serr, After: after}
		}
		return serr
	case code == http.StatusRequestTimeout || code >= 500:
		return serr
	default:
		return &sitrep.PermanentError{Err: serr}
	}
}

// RetryAfter parses a Retry-After value: seconds or an HTTP date.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// Redact keeps the scheme and host of a URL and hides the rest: Slack,
// Discord, Teams and Telegram put their secrets in the path or query.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return "(url)"
	}
	if u.Path == "" && u.RawQuery == "" {
		return u.Scheme + "://" + u.Host
	}
	return u.Scheme + "://" + u.Host + "/…"
}

func trim(body []byte) string {
	s := strings.TrimSpace(string(body))
	const max = 512
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

// Truncate shortens s to at most n bytes, ending with "…" when it had to
// cut, without splitting a UTF-8 sequence. Providers reject or silently
// drop fields over their limits.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ell = "…"
	cut := n - len(ell)
	if cut < 0 {
		cut = 0
	}
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ell
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Default returns v, or def when v is empty.
func Default(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// CheckURL reports whether rawURL is an absolute http or https URL, the
// only kind a channel posts to.
func CheckURL(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("invalid URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("URL %s must be http or https with a host", Redact(rawURL))
	}
	return nil
}

// Target picks the URL a message goes to: to when given (a subscriber's
// own webhook), else the channel's. An unusable URL is permanent.
func Target(to, configured string) (string, error) {
	u := Default(to, configured)
	if err := CheckURL(u); err != nil {
		return "", &sitrep.PermanentError{Err: err}
	}
	return u, nil
}

// Color is a severity's colour as 0xRRGGBB, for chat cards.
func Color(severity string) int {
	switch severity {
	case "critical":
		return 0xD93025
	case "major":
		return 0xE8710A
	case "minor":
		return 0xF9AB00
	case "resolved":
		return 0x188038
	default:
		return 0x1A73E8
	}
}
