package channelhttp

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"sitrep"
)

func TestClassify(t *testing.T) {
	now := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		code       int
		retryAfter string
		permanent  bool
		after      time.Duration // >0: a RetryAfterError with this wait
	}{
		{"bad request", 400, "", true, 0},
		{"unauthorized", 401, "", true, 0},
		{"not found", 404, "", true, 0},
		{"moved", 301, "", true, 0},
		{"request timeout", 408, "", false, 0},
		{"too many requests", 429, "", false, 0},
		{"too many requests with seconds", 429, "7", false, 7 * time.Second},
		{"unavailable with date", 503, now.Add(90 * time.Second).Format(http.TimeFormat), false, 90 * time.Second},
		{"server error", 500, "", false, 0},
		{"bad gateway", 502, "3", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.retryAfter != "" {
				h.Set("Retry-After", tt.retryAfter)
			}
			err := Classify(tt.code, h, []byte(" nope "), now)
			var perm *sitrep.PermanentError
			if got := errors.As(err, &perm); got != tt.permanent {
				t.Fatalf("permanent = %v, want %v (%v)", got, tt.permanent, err)
			}
			var ra *sitrep.RetryAfterError
			if got := errors.As(err, &ra); got != (tt.after > 0) || (got && ra.After != tt.after) {
				t.Fatalf("retry after: %v, want %s", err, tt.after)
			}
			var serr *StatusError
			if !errors.As(err, &serr) || serr.Code != tt.code || serr.Body != "nope" {
				t.Fatalf("status error = %#v", serr)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	tests := map[string]string{
		"https://hooks.slack.com/services/T0/B0/secret":   "https://hooks.slack.com/…",
		"https://api.telegram.org/bot123:abc/sendMessage": "https://api.telegram.org/…",
		"https://example.com?token=x":                     "https://example.com/…",
		"https://example.com":                             "https://example.com",
		"::bad":                                           "(url)",
	}
	for in, want := range tests {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"this is too long", 10, "this is…"},
		{"æøåæøå", 8, "æø…"},
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.n); got != tt.want || len(got) > tt.n {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
