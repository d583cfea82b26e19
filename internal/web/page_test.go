package web

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sitrep"
)

func TestPageGolden(t *testing.T) {
	e := newPageEnv(t, storyPage(t, storyOpts{}), usPage(t))
	for _, tc := range []struct {
		path, golden, contentType string
	}{
		{"/", "page/main.html", contentTypeHTML},
		{"/incidents/inc-1", "page/incident_open.html", contentTypeHTML},
		{"/incidents/inc-0", "page/incident_postmortem.html", contentTypeHTML},
		{"/maintenance/mnt-0", "page/maintenance_overrun.html", contentTypeHTML},
		{"/maintenance/mnt-old", "page/maintenance_completed.html", contentTypeHTML},
		{"/history.atom", "page/history.atom", "application/atom+xml; charset=utf-8"},
		{"/history.rss", "page/history.rss", "application/rss+xml; charset=utf-8"},
		{"/maintenance.ics", "page/maintenance.ics", "text/calendar; charset=utf-8"},
		{"/badge/status.svg", "page/badge_status.svg", "image/svg+xml"},
		{"/badge/uptime.svg?component=courses-oslo", "page/badge_uptime.svg", "image/svg+xml"},
		{"/theme.css", "page/theme.css", "text/css; charset=utf-8"},
		{"/us/", "page/us.html", contentTypeHTML},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res := e.do(t, http.MethodGet, tc.path, nil)
			body := readBody(t, res)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			if got := res.Header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tc.contentType)
			}
			golden(t, tc.golden, body)
		})
	}
}

func TestPageRoutes(t *testing.T) {
	e := newPageEnv(t, storyPage(t, storyOpts{}), usPage(t))
	for _, tc := range []struct {
		name, method, path string
		hdr                []string
		status             int
		contains           string
	}{
		{"default page", "GET", "/", nil, 200, "Partial System Outage"},
		{"default page by slug", "GET", "/main/", nil, 200, `href="/main/incidents/inc-1"`},
		{"default page links", "GET", "/", nil, 200, `href="/incidents/inc-1"`},
		{"second page", "GET", "/us/", nil, 200, "Example Learning US"},
		{"second page hides other groups", "GET", "/us/", nil, 200, "US data centre"},
		{"custom domain", "GET", "/", []string{"Host", "status.us.example"}, 200, "Example Learning US"},
		{"unknown page", "GET", "/nope/", nil, 404, ""},
		{"slug without slash", "GET", "/main", nil, 404, ""},
		{"unknown incident", "GET", "/incidents/nope", nil, 404, ""},
		{"incident under slug", "GET", "/main/incidents/inc-1", nil, 200, "Problems with Courses"},
		{"maintenance under slug", "GET", "/main/maintenance/mnt-1", nil, 200, "Replace Oslo storage controller"},
		{"feed under slug", "GET", "/us/history.atom", nil, 200, "<feed"},
		{"api v2 summary", "GET", "/api/v2/summary.json", nil, 200, `"indicator":"major"`},
		{"api v2 nested", "GET", "/api/v2/incidents/unresolved.json", nil, 200, `"incidents":[]`},
		{"api v2 under slug", "GET", "/main/api/v2/status.json", nil, 200, `"indicator"`},
		{"api v2 unknown", "GET", "/api/v2/nope.json", nil, 404, "not_found"},
		{"api v1 still json 404", "GET", "/api/v1/nope", nil, 404, "not_found"},
		{"uptime badge unknown component", "GET", "/badge/uptime.svg?component=nope", nil, 404, ""},
		{"uptime badge without component", "GET", "/badge/uptime.svg", nil, 404, ""},
		{"unknown file", "GET", "/main/wp-login.php", nil, 404, ""},
		{"post refused", "POST", "/", nil, 405, ""},
		{"post on slug refused", "POST", "/main/", nil, 405, ""},
		{"overview moved", "GET", "/overview", nil, 200, "monitors"},
		{"healthz untouched", "GET", "/healthz", nil, 200, ""},
		{"static css", "GET", "/static/page.css", nil, 200, ".seg"},
		{"static js", "GET", "/static/page.js", nil, 200, "EventSource"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			for i := 0; i+1 < len(tc.hdr); i += 2 {
				if tc.hdr[i] == "Host" {
					req.Host = tc.hdr[i+1]
				}
			}
			rec := httptest.NewRecorder()
			e.srv.ServeHTTP(rec, req)
			res := rec.Result()
			body := readBody(t, res)
			if res.StatusCode != tc.status {
				t.Fatalf("%s %s: status %d, want %d: %s", tc.method, tc.path, res.StatusCode, tc.status, body)
			}
			if !strings.Contains(body, tc.contains) {
				t.Errorf("body does not contain %q:\n%s", tc.contains, body)
			}
		})
	}
}

func TestPageHeaders(t *testing.T) {
	e := newPageEnv(t, storyPage(t, storyOpts{}))
	res := e.do(t, "GET", "/", nil, "Accept-Encoding", "gzip")
	raw := readBody(t, res)
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("not gzipped: %v", res.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Contains(plain, []byte("Partial System Outage")) {
		t.Error("gzip body does not decode to the page")
	}
	etag := res.Header.Get("ETag")
	if etag == "" || res.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("ETag %q, Vary %q", etag, res.Header.Get("Vary"))
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	if res := e.do(t, "GET", "/", nil, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", res.StatusCode)
	}
	if res := e.do(t, "HEAD", "/", nil); res.StatusCode != 200 || readBody(t, res) != "" {
		t.Errorf("HEAD: status %d", res.StatusCode)
	}
	res = e.do(t, "GET", "/api/v2/summary.json", nil)
	if res.Header.Get("Access-Control-Allow-Origin") != "*" || res.Header.Get("Content-Type") != contentTypeJSON {
		t.Errorf("api v2 headers: %v", res.Header)
	}

	// A new version is rendered anew and gets a new ETag.
	next := storyPage(t, storyOpts{version: 8, editIncidents: func(incs []*sitrep.Incident) {
		incs[0].Updates = append(incs[0].Updates, sitrep.IncidentUpdate{ID: "u4", Status: sitrep.IncidentMonitoring, Public: true,
			At: storyAt(18, 55), Message: "A fix is in place and we are monitoring."})
	}})
	e.pages.Publish(next)
	res = e.do(t, "GET", "/", nil)
	if body := readBody(t, res); !strings.Contains(body, "A fix is in place") || res.Header.Get("ETag") == etag {
		t.Errorf("new version not served (ETag %q)", res.Header.Get("ETag"))
	}
}

func TestPageProtected(t *testing.T) {
	snap := storyPage(t, storyOpts{editPage: func(p *sitrep.Page) { p.PasswordProtected = true }})
	e := newPageEnv(t, snap)
	for _, path := range append([]string{"/events", "/api/v2/summary.json"}, publicPaths...) {
		res := e.do(t, "GET", path, nil)
		if body := readBody(t, res); res.StatusCode != http.StatusUnauthorized || strings.Contains(body, "Oslo") {
			t.Errorf("%s: status %d, body %q", path, res.StatusCode, body)
		}
	}
}

// TestPageNoInternalUpdates: internal notes are written next to public
// updates in the same records; none may reach any public output.
func TestPageNoInternalUpdates(t *testing.T) {
	e := newPageEnv(t, storyPage(t, storyOpts{}))
	for _, path := range publicPaths {
		body := readBody(t, e.do(t, "GET", path, nil))
		for _, secret := range []string{"INTERNAL", "kari", "ola"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s shows %q", path, secret)
			}
		}
	}
}

var publicPaths = []string{
	"/", "/incidents/inc-1", "/incidents/inc-0", "/maintenance/mnt-0", "/maintenance/mnt-1",
	"/history.atom", "/history.rss", "/maintenance.ics", "/badge/status.svg", "/badge/uptime.svg?component=courses-oslo",
}

func TestFeedsAreWellFormed(t *testing.T) {
	e := newPageEnv(t, storyPage(t, storyOpts{}))
	for _, path := range []string{"/history.atom", "/history.rss", "/badge/status.svg", "/badge/uptime.svg?component=courses-us"} {
		t.Run(path, func(t *testing.T) {
			checkXML(t, readBody(t, e.do(t, "GET", path, nil)))
		})
	}
}

// checkXML fails unless body is well-formed XML.
func checkXML(t *testing.T, body string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(body))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, body)
		}
	}
}

func TestICSFormat(t *testing.T) {
	e := newPageEnv(t, storyPage(t, storyOpts{editMaintenance: func(ms []*sitrep.Maintenance) {
		ms[2].Description = strings.Repeat("Långt vedlikehold, med komma; semikolon og \\ skråstrek. ", 6) + "\nNy linje."
	}}))
	body := readBody(t, e.do(t, "GET", "/maintenance.ics", nil))
	if !strings.HasSuffix(body, "END:VCALENDAR\r\n") {
		t.Fatalf("calendar does not end with END:VCALENDAR CRLF:\n%q", body)
	}
	lines := strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n")
	var unfolded []string
	for _, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("bare line break in %q", l)
		}
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if strings.HasPrefix(l, " ") {
			unfolded[len(unfolded)-1] += l[1:]
			continue
		}
		unfolded = append(unfolded, l)
	}
	want := []string{
		"DTSTART:20261122T230000Z",
		"DTEND:20261123T020000Z",
		`DESCRIPTION:` + strings.Repeat(`Långt vedlikehold\, med komma\; semikolon og \\ skråstrek. `, 6) + `\nNy linje.\n\nAffected: Courses\, Real-time messaging\n\nLatest update: We will replace the failed storage controller in Oslo.`,
		"UID:mnt-1@status.example.com",
		// The overrunning window is shown until now, not its planned end.
		"DTEND:20261122T190000Z",
	}
	all := strings.Join(unfolded, "\n")
	for _, w := range want {
		if !strings.Contains(all, w+"\n") {
			t.Errorf("calendar lacks line %q:\n%s", w, all)
		}
	}
}
