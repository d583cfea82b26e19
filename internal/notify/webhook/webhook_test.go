package webhook

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/notify/channeltest"
)

const secret = "whsec_test_0123456789"

var sent = time.Date(2026, 11, 21, 7, 30, 5, 0, time.UTC)

func newSender(t *testing.T, url string) *Sender {
	t.Helper()
	s, err := New(Options{URL: url, Secret: secret, Headers: map[string]string{"Authorization": "Bearer rcv"},
		Now: func() time.Time { return sent }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestGolden(t *testing.T) {
	rcv := channeltest.NewReceiver(t, "")
	if err := newSender(t, rcv.URL+"/hooks/sitrep").Send(t.Context(), "", channeltest.Message()); err != nil {
		t.Fatal(err)
	}
	channeltest.Golden(t, rcv.Last(t), "incident.json")
}

func TestVerify(t *testing.T) {
	rcv := channeltest.NewReceiver(t, "")
	if err := newSender(t, rcv.URL).Send(t.Context(), "", channeltest.Nasty()); err != nil {
		t.Fatal(err)
	}
	req := rcv.Last(t)
	tamper := func(f func(h http.Header, body []byte) []byte) (http.Header, []byte) {
		h := req.Header.Clone()
		b := append([]byte(nil), req.Body...)
		return h, f(h, b)
	}
	tests := []struct {
		name   string
		secret string
		now    time.Time
		edit   func(h http.Header, body []byte) []byte
		ok     bool
	}{
		{"as sent", secret, sent, nil, true},
		{"received 4 minutes later", secret, sent.Add(4 * time.Minute), nil, true},
		{"replayed an hour later", secret, sent.Add(time.Hour), nil, false},
		{"from the future", secret, sent.Add(-10 * time.Minute), nil, false},
		{"wrong secret", "other", sent, nil, false},
		{"body changed", secret, sent, func(_ http.Header, b []byte) []byte {
			return []byte(strings.Replace(string(b), "quoted", "QUOTED", 1))
		}, false},
		{"timestamp changed", secret, sent, func(h http.Header, b []byte) []byte {
			h.Set(HeaderTimestamp, "1795246300")
			return b
		}, false},
		{"signature missing", secret, sent, func(h http.Header, b []byte) []byte { h.Del(HeaderSignature); return b }, false},
		{"rotation: second signature matches", secret, sent, func(h http.Header, b []byte) []byte {
			h.Set(HeaderSignature, "v1=00ff,"+h.Get(HeaderSignature))
			return b
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, body := req.Header, req.Body
			if tt.edit != nil {
				h, body = tamper(tt.edit)
			}
			err := Verify(tt.secret, h, body, tt.now, 5*time.Minute)
			if (err == nil) != tt.ok {
				t.Fatalf("Verify = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestPerRecipientSecretAndNoSecret(t *testing.T) {
	rcv := channeltest.NewReceiver(t, "")
	s, _ := New(Options{})
	if err := s.SendWithSecret(t.Context(), rcv.URL, "mine", channeltest.Message()); err != nil {
		t.Fatal(err)
	}
	req := rcv.Last(t)
	if err := Verify("mine", req.Header, req.Body, time.Now(), time.Minute); err != nil {
		t.Errorf("subscriber secret: %v", err)
	}
	if err := s.Send(t.Context(), rcv.URL, channeltest.Message()); err != nil {
		t.Fatal(err)
	}
	if h := rcv.Last(t).Header; h.Get(HeaderSignature) != "" || h.Get(HeaderEventID) != "evt_1-sub_9" {
		t.Errorf("headers without secret: %v", h)
	}
	if err := s.Send(t.Context(), "", channeltest.Message()); !errors.As(err, new(*sitrep.PermanentError)) {
		t.Errorf("no URL: %v", err)
	}
	// A message carrying the subscriber's secret is signed with it, over
	// the channel's own.
	configured, _ := New(Options{Secret: "channel-secret"})
	m := channeltest.Message()
	m.Secret = "subscriber-secret"
	if err := configured.Send(t.Context(), rcv.URL, m); err != nil {
		t.Fatal(err)
	}
	req = rcv.Last(t)
	if err := Verify("subscriber-secret", req.Header, req.Body, time.Now(), time.Minute); err != nil {
		t.Errorf("message secret not used: %v", err)
	}
	if strings.Contains(string(req.Body), "subscriber-secret") {
		t.Error("the secret is in the body")
	}
}

// docBlock returns the fenced block of lang in docs/webhooks.md.
func docBlock(t *testing.T, lang string) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "webhooks.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatalf("docs/webhooks.md has no %s block", lang)
	}
	return string(m[1])
}

// TestDocumentedGoVerify keeps the Go example in the documentation the
// same as Verify, which TestVerify proves accepts and rejects correctly.
func TestDocumentedGoVerify(t *testing.T) {
	src, err := os.ReadFile("verify.go")
	if err != nil {
		t.Fatal(err)
	}
	fn := string(src[strings.Index(string(src), "// Verify checks"):])
	if doc := docBlock(t, "go"); !strings.Contains(doc, fn) {
		t.Errorf("the Go example in docs/webhooks.md differs from verify.go; copy the function into it:\n%s", fn)
	}
}

// TestDocumentedShellVerify runs the documentation's openssl example on a
// request we sent, and on a tampered one.
func TestDocumentedShellVerify(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed")
	}
	rcv := channeltest.NewReceiver(t, "")
	if err := newSender(t, rcv.URL).Send(t.Context(), "", channeltest.Nasty()); err != nil {
		t.Fatal(err)
	}
	req := rcv.Last(t)
	script := docBlock(t, "sh")
	for _, tt := range []struct {
		name string
		body []byte
		want string
	}{
		{"as sent", req.Body, "valid"},
		{"tampered", append([]byte(" "), req.Body...), "INVALID"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "body.json"), tt.body, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("sh", "-c", script)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "SECRET="+secret, "TIMESTAMP="+req.Header.Get(HeaderTimestamp),
				"SIGNATURE="+req.Header.Get(HeaderSignature), "NOW="+strconv.FormatInt(sent.Unix()+10, 10))
			out, err := cmd.CombinedOutput()
			if got := strings.TrimSpace(string(out)); got != tt.want {
				t.Errorf("script said %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}
