package web

import (
	"strings"
	"testing"
)

func TestNewParsesTemplates(t *testing.T) {
	// New panics on a broken embedded template; reaching here means it parsed.
	s := New(Options{Monitors: &fakeMonitors{}, Health: fakeHealth{}})
	if s.pages.Lookup("overview.html") == nil {
		t.Fatal("overview.html not parsed")
	}
	if !strings.HasPrefix(s.cssPath, "/static/style.css?v=") {
		t.Errorf("stylesheet path = %q", s.cssPath)
	}
}

func TestOverview(t *testing.T) {
	tests := []struct {
		name   string
		empty  bool
		golden string
	}{
		{"monitors", false, "overview.html"},
		{"no monitors", true, "overview_empty.html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if tt.empty {
				e.monitors.views = nil
			}
			res := e.do(t, "GET", "/", nil)
			body := readBody(t, res)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("got %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			golden(t, tt.golden, body)
			if strings.Contains(body, "<script") || strings.Contains(body, "<img") || strings.Contains(body, "style=") {
				t.Errorf("page contains an unescaped tag or inline style")
			}
		})
	}
}

func TestOverviewEscapes(t *testing.T) {
	e := newEnv(t)
	body := readBody(t, e.do(t, "GET", "/", nil))
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		"body contains &#34;&lt;img src=x onerror=alert(1)&gt;&#34;",
		"https://example.test/?a=1&amp;b=&#34;2&#34;",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks escaped %q", want)
		}
	}
}

func TestOverviewLinksAreEscaped(t *testing.T) {
	e := newEnv(t)
	views := fixtureMonitors()
	views[0].ID = "a b/../c?d"
	e.monitors.views = views
	body := readBody(t, e.do(t, "GET", "/", nil))
	if !strings.Contains(body, `href="/api/v1/monitors/a%20b%2F..%2Fc%3Fd"`) {
		t.Errorf("monitor link not path-escaped:\n%s", body)
	}
}

func TestStatic(t *testing.T) {
	e := newEnv(t)
	page := readBody(t, e.do(t, "GET", "/", nil))
	if !strings.Contains(page, `<link rel="stylesheet" href="`+e.srv.cssPath+`">`) {
		t.Fatalf("page does not link %s", e.srv.cssPath)
	}
	tests := []struct {
		target string
		status int
	}{
		{e.srv.cssPath, 200},
		{"/static/style.css", 200},
		{"/static/nope.js", 404},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			res := e.do(t, "GET", tt.target, nil)
			body := readBody(t, res)
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d", res.StatusCode)
			}
			if tt.status != 200 {
				return
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/css; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control = %q", cc)
			}
			if !strings.Contains(body, "prefers-color-scheme: dark") {
				t.Errorf("stylesheet lacks dark mode")
			}
		})
	}
}
