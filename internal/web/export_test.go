package web

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

	"sitrep"
)

var linkAttr = regexp.MustCompile(`(?:href|src)="(/[^"]*)"`)

// checkLinks serves dir as a web root and follows every root-relative link
// of every HTML file in it.
func checkLinks(t *testing.T, dir string) {
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
		for _, m := range linkAttr.FindAllStringSubmatch(string(b), -1) {
			u, err := url.Parse(html.UnescapeString(m[1]))
			if err != nil {
				t.Errorf("%s: bad link %q", p, m[1])
				continue
			}
			if seen[u.Path] {
				continue
			}
			seen[u.Path] = true
			res, err := ts.Client().Get(ts.URL + u.EscapedPath())
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s links to %s, which the copy answers with %d", strings.TrimPrefix(p, dir), u.Path, res.StatusCode)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 5 {
		t.Errorf("only %d links followed: %v", len(seen), seen)
	}
}

func TestExportPage(t *testing.T) {
	pe := newPageEnv(t, storyPage(t, storyOpts{}), usPage(t))
	out := filepath.Join(t.TempDir(), "site")
	if err := pe.srv.ExportPage(context.Background(), "main", out); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{
		"index.html", "incidents/inc-1/index.html", "incidents/inc-0/index.html", "maintenance/mnt-0/index.html",
		"maintenance/mnt-1/index.html", "maintenance/mnt-old/index.html", "history.atom", "history.rss", "maintenance.ics",
		"theme.css", "badge/status.svg", "badge/uptime/courses-oslo.svg", "api/v2/summary.json", "api/v2/incidents/unresolved.json",
		"static/page.css", "static/page.js", exportMarker,
	} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	// The copy holds what the live page serves, byte for byte.
	for _, p := range []struct{ url, file string }{{"/", "index.html"}, {"/incidents/inc-1", "incidents/inc-1/index.html"}, {"/api/v2/summary.json", "api/v2/summary.json"}} {
		live := readBody(t, pe.do(t, "GET", p.url, nil))
		file, _ := os.ReadFile(filepath.Join(out, p.file))
		if live != string(file) {
			t.Errorf("%s differs from the live %s", p.file, p.url)
		}
	}
	checkLinks(t, out)
	walkFiles(t, out, func(name, body string) {
		if strings.Contains(body, "INTERNAL") {
			t.Errorf("%s shows an internal update", name)
		}
	})
}

func walkFiles(t *testing.T, dir string, fn func(name, body string)) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		fn(strings.TrimPrefix(p, dir), string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A page that is not the default lives at /us/ on the server; its copy
// must still work as a web root of its own.
func TestExportOtherPageAtRoot(t *testing.T) {
	pe := newPageEnv(t, storyPage(t, storyOpts{}), usPage(t))
	out := filepath.Join(t.TempDir(), "us")
	if err := pe.srv.ExportPage(context.Background(), "us", out); err != nil {
		t.Fatal(err)
	}
	index, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(index), `href="/us/`) {
		t.Error("the copy links under /us/, which does not exist in it")
	}
	if !strings.Contains(string(index), "Example Learning US") {
		t.Error("the copy is not the US page")
	}
	checkLinks(t, out)
}

func TestExportReplacesPreviousCopy(t *testing.T) {
	pe := newPageEnv(t, storyPage(t, storyOpts{}))
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	ctx := context.Background()
	if err := pe.srv.ExportPage(ctx, "", out); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(out, "incidents", "gone", "index.html")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := pe.srv.ExportPage(ctx, "", out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a file of the previous copy survived: %v", err)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left behind beside the copy: %v", names)
	}
}

func TestExportRefusals(t *testing.T) {
	foreign := t.TempDir()
	if err := os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, slug, dir string
		protect         bool
		pages           bool
		want            string
	}{
		{name: "foreign directory", slug: "main", dir: foreign, pages: true,
			want: `export page "main": export to ` + foreign + `: refusing to replace a directory that is not empty and was not written by an export (no .sitrep-export file in it)`},
		{name: "a file", slug: "main", dir: file, pages: true,
			want: `export page "main": export to ` + file + `: it is a file, not a directory`},
		{name: "unknown page", slug: "nope", dir: t.TempDir(), pages: true, want: `export page "nope": no status page "nope"`},
		{name: "protected page", slug: "main", dir: t.TempDir(), pages: true, protect: true,
			want: `export page "main": it is password protected, and a static copy would publish it`},
		{name: "no pages", slug: "main", dir: t.TempDir(), want: `export page "main": this server has no status pages`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var srv *Server
			if tt.pages {
				srv = newPageEnv(t, storyPage(t, storyOpts{editPage: func(p *sitrep.Page) { p.PasswordProtected = tt.protect }})).srv
			} else {
				srv = newEnv(t).srv
			}
			err := srv.ExportPage(context.Background(), tt.slug, tt.dir)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got %v\nwant %s", err, tt.want)
			}
			if b, _ := os.ReadFile(filepath.Join(foreign, "notes.txt")); string(b) != "mine" {
				t.Fatal("the foreign directory was touched")
			}
		})
	}
}

// BenchmarkExportPage exports the weight case of issue 3 (200 components,
// two years of history): how long pages[].export_dir takes per change.
func BenchmarkExportPage(b *testing.B) {
	pe := newPageEnv(b, bigPage(b))
	out := filepath.Join(b.TempDir(), "site")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := pe.srv.ExportPage(ctx, "", out); err != nil {
			b.Fatal(err)
		}
	}
	var files int
	_ = filepath.WalkDir(out, func(_ string, d fs.DirEntry, _ error) error {
		if !d.IsDir() {
			files++
		}
		return nil
	})
	b.ReportMetric(float64(files), "files")
}
