package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	for _, target := range []string{"/", "/healthz", "/api/v1/monitors", "/api/v1/monitors/nope", "/ping/nope", "/no/such/page", "/static/style.css", "/metrics"} {
		t.Run(target, func(t *testing.T) {
			res := e.do(t, "GET", target, nil)
			want := map[string]string{
				"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "strict-origin-when-cross-origin",
				"X-Frame-Options":         "DENY",
			}
			for k, v := range want {
				if got := res.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestMetricsRoute(t *testing.T) {
	e := newEnv(t)
	if res := e.do(t, "GET", "/metrics", nil); res.StatusCode != 404 {
		t.Errorf("without a metrics handler /metrics = %d, want 404", res.StatusCode)
	}
	e.srv = e.newServer(func(o *Options) {
		o.Metrics = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "sitrep_up 1\n") })
	})
	if body := readBody(t, e.do(t, "GET", "/metrics", nil)); body != "sitrep_up 1\n" {
		t.Errorf("/metrics = %q", body)
	}
}

func TestPanicRecovery(t *testing.T) {
	e := newEnv(t)
	e.monitors.panics = true
	res := e.do(t, "GET", "/api/v1/monitors", nil)
	body := readBody(t, res)
	if res.StatusCode != 500 || body != `{"error":{"code":"internal","message":"internal error"}}`+"\n" {
		t.Errorf("got %d %s", res.StatusCode, body)
	}
	if strings.Contains(body, "boom") || strings.Contains(body, "goroutine") {
		t.Errorf("panic detail reached the client: %s", body)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "panic=boom") || !strings.Contains(logs, "stack=") {
		t.Errorf("panic not logged with its stack:\n%s", logs)
	}
}

func TestRequestLog(t *testing.T) {
	e := newEnv(t)
	e.do(t, "GET", "/api/v1/monitors/web", nil)
	logs := e.logs.String()
	for _, s := range []string{"level=DEBUG", "msg=request", "method=GET", "path=/api/v1/monitors/web", "status=200", "remote=192.0.2.7"} {
		if !strings.Contains(logs, s) {
			t.Errorf("request log lacks %q:\n%s", s, logs)
		}
	}
}

func TestConditionalAndCompressed(t *testing.T) {
	e := newEnv(t)
	e.monitors.views = manyMonitors(500) // big enough for the compressed-body cache
	plain := e.do(t, "GET", "/api/v1/monitors", nil)
	plainBody := readBody(t, plain)
	etag := plain.Header.Get("ETag")
	if !strings.HasPrefix(etag, `W/"`) {
		t.Fatalf("ETag = %q", etag)
	}
	if plain.Header.Get("Content-Encoding") != "" {
		t.Errorf("compressed without Accept-Encoding")
	}

	tests := []struct {
		name     string
		hdr      []string
		status   int
		encoding string
	}{
		{"gzip accepted", []string{"Accept-Encoding", "gzip, deflate, br"}, 200, "gzip"},
		{"gzip again from cache", []string{"Accept-Encoding", "gzip"}, 200, "gzip"},
		{"gzip refused with q=0", []string{"Accept-Encoding", "gzip;q=0, identity"}, 200, ""},
		{"gzip with low q", []string{"Accept-Encoding", "gzip;q=0.1"}, 200, "gzip"},
		{"matching etag", []string{"If-None-Match", etag}, 304, ""},
		{"matching among several", []string{"If-None-Match", `"other", ` + strings.TrimPrefix(etag, "W/")}, 304, ""},
		{"stale etag", []string{"If-None-Match", `W/"0-0"`}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(t, "GET", "/api/v1/monitors", nil, tt.hdr...)
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.status)
			}
			if got := res.Header.Get("Content-Encoding"); got != tt.encoding {
				t.Errorf("Content-Encoding = %q, want %q", got, tt.encoding)
			}
			if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("Vary = %q", res.Header.Get("Vary"))
			}
			if res.StatusCode == 304 {
				if body := readBody(t, res); body != "" {
					t.Errorf("304 with a body")
				}
				return
			}
			var r io.Reader = res.Body
			if tt.encoding == "gzip" {
				zr, err := gzip.NewReader(res.Body)
				if err != nil {
					t.Fatal(err)
				}
				r = zr
			}
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != plainBody {
				t.Errorf("body differs from the identity body (%d vs %d bytes)", len(b), len(plainBody))
			}
		})
	}
}
