// Package channeltest holds what the channel packages' tests share: one
// example message, a message full of characters each provider must escape,
// a loopback receiver that records requests, and golden files.
package channeltest

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"sitrep"
)

// update rewrites golden files: go test ./internal/notify/... -update. A
// flag is package state by nature; this package is imported by tests only.
var update = flag.Bool("update", false, "rewrite golden files in testdata")

// Message is the example every channel's golden test renders.
func Message() sitrep.Message {
	return sitrep.Message{
		Kind:     sitrep.EventIncidentOpened,
		Title:    "Courses are down in Oslo",
		Text:     "We are investigating reports that courses do not load.\nVideo is not affected.",
		HTML:     "<p>We are investigating reports that courses do not load.</p><p>Video is not affected.</p>",
		URL:      "https://status.example.com/incidents/inc_42",
		Severity: "major",
		DedupKey: "incident:inc_42",
		AckURL:   "https://status.example.com/ack/alr_7?sig=abc",
		Headers: map[string]string{
			"List-Unsubscribe":      "<https://status.example.com/unsubscribe/tok>",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		},
		IdempotencyKey: "evt_1-sub_9",
		At:             time.Date(2026, 11, 21, 7, 30, 0, 0, time.UTC),
		Fields: []sitrep.MessageField{
			{Name: "Component", Value: "Courses (Oslo)"},
			{Name: "Status", Value: "major_outage"},
		},
	}
}

// Nasty is a message whose title and text hold characters that mean
// something to HTML, Markdown, Slack mrkdwn, Telegram HTML and JSON.
func Nasty() sitrep.Message {
	m := Message()
	m.Title = `<script>alert("x")</script> & 'q' *b* _i_ ~s~ ` + "`c`" + ` [l](http://e.vil) <!channel> @everyone`
	m.Text = `a < b && c > d "quoted" <b>bold</b> # heading | pipe \ backslash`
	m.Fields = []sitrep.MessageField{{Name: "<Name>", Value: `*v* & "w"`}}
	return m
}

// Request is one request a Receiver got.
type Request struct {
	Method string
	Path   string // with the query, as sent
	Header http.Header
	Body   []byte
}

// Receiver is an HTTP server on loopback that records what it is sent and
// answers with Status and Body.
type Receiver struct {
	URL string

	mu       sync.Mutex
	status   int
	header   http.Header
	body     string
	requests []Request
}

// NewReceiver starts a receiver answering 200 with body; it stops when the
// test ends.
func NewReceiver(t testing.TB, body string) *Receiver {
	t.Helper()
	r := &Receiver{status: http.StatusOK, body: body, header: http.Header{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.requests = append(r.requests, Request{Method: req.Method, Path: req.URL.RequestURI(), Header: req.Header.Clone(), Body: b})
		status, body := r.status, r.body
		for k, v := range r.header {
			w.Header()[k] = v
		}
		r.mu.Unlock()
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

// Answer sets the status, a header (key, value pairs) and body of
// the following answers.
func (r *Receiver) Answer(status int, body string, header ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status, r.body, r.header = status, body, http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		r.header.Set(header[i], header[i+1])
	}
}

// Requests returns what was received so far.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.requests)
}

// Last returns the last request, failing the test when there is none.
func (r *Receiver) Last(t testing.TB) Request {
	t.Helper()
	reqs := r.Requests()
	if len(reqs) == 0 {
		t.Fatal("the receiver got no request")
	}
	return reqs[len(reqs)-1]
}

// volatile headers are set by the transport, not by the channel.
var volatile = []string{"Accept-Encoding", "Content-Length"}

// Golden compares the request with testdata/name (rewritten with -update).
// The body is shown as JSON when it is JSON, else as a string.
func Golden(t testing.TB, req Request, name string) {
	t.Helper()
	headers := map[string]string{}
	for k, v := range req.Header {
		if !slices.Contains(volatile, k) {
			headers[k] = v[0]
		}
	}
	var body any = string(req.Body)
	if json.Valid(req.Body) {
		body = json.RawMessage(req.Body)
	} else if req.Header.Get("Content-Type") == "application/x-www-form-urlencoded" {
		if form, err := url.ParseQuery(string(req.Body)); err == nil {
			body = form
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"method": req.Method, "path": req.Path, "headers": headers, "body": body}); err != nil {
		t.Fatalf("encode golden: %v", err)
	}
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("request differs from %s (run with -update if intended)\ngot:\n%s\nwant:\n%s", path, buf.Bytes(), want)
	}
}

// JSON decodes a request body, failing the test when it is not JSON.
func JSON(t testing.TB, body []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, body)
	}
	return v
}
