package main

import (
	"context"
	"html"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/web"
)

// fakePages serves fixed snapshots; the first is the default page.
type fakePages []*sitrep.StatusPage

func (f fakePages) PageFor(_ context.Context, _, slug string) (*sitrep.StatusPage, error) {
	for _, p := range f {
		if slug == "" || p.Page.Slug == slug {
			return p, nil
		}
	}
	return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no status page %q", slug)
}

func (f fakePages) Subscribe(string) (<-chan uint64, func()) { return make(chan uint64), func() {} }

func exportSnapshot(slug, title string) *sitrep.StatusPage {
	names := map[string]string{"courses": "Courses"}
	name := func(id string) string { return names[id] }
	inc := sitrep.NewPublicIncident(&sitrep.Incident{ID: "inc-1", Title: "Courses are slow", Impact: sitrep.ImpactMinor,
		Status: sitrep.IncidentResolved, CreatedAt: cliNow.Add(-2 * time.Hour), ResolvedAt: cliNow.Add(-time.Hour),
		Components: []sitrep.AffectedComponent{{ComponentID: "courses", Status: sitrep.StatusDegraded}},
		Updates: []sitrep.IncidentUpdate{
			{ID: "u1", Status: sitrep.IncidentInvestigating, Message: "Slow pages.", Public: true, At: cliNow.Add(-2 * time.Hour)},
			{ID: "u2", Status: sitrep.IncidentInvestigating, Message: "SECRET note", At: cliNow.Add(-90 * time.Minute)},
		}}, name)
	mnt := sitrep.NewPublicMaintenance(&sitrep.Maintenance{ID: "mnt-1", Title: "Upgrade", Components: []string{"courses"},
		Status: sitrep.MaintenanceScheduled, PlannedStart: cliNow.Add(5 * time.Hour), PlannedEnd: cliNow.Add(6 * time.Hour)}, name)
	return &sitrep.StatusPage{
		Version: 1, GeneratedAt: cliNow,
		Page:   sitrep.Page{Slug: slug, Title: title, Groups: []string{"Main"}, Branding: sitrep.Branding{Name: title, AccentColor: "#0b5fff"}},
		Banner: sitrep.PageBanner{Indicator: "none", Description: "All Systems Operational", Worst: sitrep.StatusOperational},
		Groups: []sitrep.PageGroup{{Name: "Main", Status: sitrep.StatusOperational,
			Components: []sitrep.PageComponent{{ID: "courses", Name: "Courses", Status: sitrep.StatusOperational, Uptime: 1, HasData: true,
				Days: []sitrep.PageDay{{Day: cliNow.Truncate(24 * time.Hour), Uptime: 0.99, HasData: true, Incidents: []string{"inc-1"}}}}}}},
		UpcomingMaintenances: []*sitrep.PublicMaintenance{mnt},
		History:              sitrep.HistoryByMonth([]*sitrep.PublicIncident{inc}, nil, time.UTC),
		Incidents:            map[string]*sitrep.PublicIncident{"inc-1": inc},
		Maintenances:         map[string]*sitrep.PublicMaintenance{"mnt-1": mnt},
		APIv2: map[string][]byte{
			"summary.json":              []byte(`{"page":{"id":"` + slug + `"}}`),
			"incidents/unresolved.json": []byte(`{"incidents":[]}`),
		},
	}
}

var exportLink = regexp.MustCompile(`(?:href|src)="(/[^"]*)"`)

// followLinks serves dir as a web root and checks that every root-relative
// link of its HTML files answers 200.
func followLinks(t *testing.T, dir string) int {
	t.Helper()
	ts := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer ts.Close()
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "SECRET") {
			t.Errorf("%s shows an internal update", p)
		}
		for _, m := range exportLink.FindAllStringSubmatch(string(b), -1) {
			u, err := url.Parse(html.UnescapeString(m[1]))
			if err != nil || seen[u.Path] {
				continue
			}
			seen[u.Path] = true
			res, err := ts.Client().Get(ts.URL + u.EscapedPath())
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s links to %s: %d in the copy", p, u.Path, res.StatusCode)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return len(seen)
}

func TestExportCommand(t *testing.T) {
	srv := web.New(web.Options{Pages: fakePages{exportSnapshot("main", "Example status"), exportSnapshot("us", "US status")},
		Now: func() time.Time { return cliNow }})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	for _, tt := range []struct{ page, title string }{{"", "Example status"}, {"main", "Example status"}, {"us", "US status"}} {
		t.Run("page "+tt.page, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "copy")
			code, stdout, stderr := runCLI(t, "export", "--page", tt.page, "--out", out, "--url", ts.URL)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.HasPrefix(stdout, "Wrote ") {
				t.Errorf("stdout %q", stdout)
			}
			for _, f := range []string{"index.html", "incidents/inc-1/index.html", "maintenance/mnt-1/index.html", "history.atom",
				"history.rss", "maintenance.ics", "theme.css", "badge/status.svg", "api/v2/summary.json",
				"api/v2/incidents/unresolved.json", "static/page.css", exportMarker} {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Errorf("missing %s", f)
				}
			}
			index, _ := os.ReadFile(filepath.Join(out, "index.html"))
			if !strings.Contains(string(index), tt.title) {
				t.Errorf("index.html is not the %q page", tt.title)
			}
			if tt.page != "" && strings.Contains(string(index), `="/`+tt.page+`/`) {
				t.Errorf("the copy still links under /%s/", tt.page)
			}
			if n := followLinks(t, out); n < 5 {
				t.Errorf("only %d links checked", n)
			}
			// A second export replaces the first.
			if code, _, stderr := runCLI(t, "export", "--page", tt.page, "--out", out, "--url", ts.URL); code != 0 {
				t.Fatalf("second export: exit %d: %s", code, stderr)
			}
			if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
				t.Errorf("left beside the copy: %d entries", len(entries))
			}
		})
	}

	foreign := t.TempDir()
	if err := os.WriteFile(filepath.Join(foreign, "keep.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"foreign directory", []string{"export", "--out", foreign, "--url", ts.URL}, 1,
			"sitrep export: export to " + foreign + ": refusing to replace a directory that is not empty and was not written by sitrep export (no .sitrep-export file in it)\n"},
		{"unknown page", []string{"export", "--page", "nope", "--out", filepath.Join(t.TempDir(), "x"), "--url", ts.URL}, 1,
			"sitrep export: fetch " + ts.URL + "/nope/: 404 Not Found: not found\n"},
		{"no out", []string{"export", "--url", ts.URL}, 2, "sitrep export: --out is required: the directory to write the copy to\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != tt.code || stderr != tt.stderr {
				t.Errorf("exit %d, stderr %q\nwant %d, %q", code, stderr, tt.code, tt.stderr)
			}
		})
	}
}
