package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// The static copy is fetched over HTTP rather than rendered here, so that
// it works from any machine that can reach the page: the copy is what
// visitors see, byte for byte. internal/web's Server.ExportPage writes the
// same layout from inside the server (pages[].export_dir).

// exportKnown are the page's paths that its HTML does not necessarily
// link to.
var exportKnown = []string{
	"/history.atom", "/history.rss", "/maintenance.ics", "/theme.css", "/badge/status.svg",
	"/api/v2/summary.json", "/api/v2/status.json", "/api/v2/components.json", "/api/v2/incidents.json",
	"/api/v2/incidents/unresolved.json", "/api/v2/scheduled-maintenances.json",
	"/api/v2/scheduled-maintenances/upcoming.json", "/api/v2/scheduled-maintenances/active.json",
}

// exportMaxPages bounds the crawl: a page with years of history has a few
// thousand incident pages, never more.
const exportMaxPages = 20000

// exportMarker is the file that marks a directory as an export's.
const exportMarker = ".sitrep-export"

func runExport(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("export", env)
	page := fs.String("page", "", "slug of the page to export (default: the server's default page)")
	out := fs.String("out", "", "directory to write the copy to; replaced as a whole (required)")
	base := fs.String("url", envOr(env, "SITREP_URL", "http://127.0.0.1:8080"), "base URL of the server that serves the page (env SITREP_URL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(env.stderr, "sitrep export: --out is required: the directory to write the copy to")
		return exitError{2}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	x := &exporter{hc: &http.Client{Timeout: 30 * time.Second}, base: strings.TrimRight(*base, "/")}
	if *page != "" {
		x.prefix = "/" + url.PathEscape(*page)
	}
	files, err := x.crawl(ctx)
	if err != nil {
		return err
	}
	if err := writeExportDir(*out, files); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Wrote %d files to %s\n", len(files), *out)
	return nil
}

// exporter fetches one page's files. prefix is "/slug" for a page other
// than the default, whose links on the server carry it; the copy drops it
// so that it works as a web root of its own.
type exporter struct {
	hc     *http.Client
	base   string
	prefix string
}

var linkAttr = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

func (x *exporter) crawl(ctx context.Context) (map[string][]byte, error) {
	files := map[string][]byte{}
	queue := []string{"/"}
	queued := map[string]bool{"/": true}
	add := func(p string) {
		if !queued[p] {
			queued[p] = true
			queue = append(queue, p)
		}
	}
	for _, p := range exportKnown {
		add(p)
	}
	for len(queue) > 0 {
		if len(files) >= exportMaxPages {
			return nil, fmt.Errorf("the page has more than %d files; stopped", exportMaxPages)
		}
		p := queue[0]
		queue = queue[1:]
		body, ctype, err := x.fetch(ctx, p)
		if errors.Is(err, errOptional) && strings.HasPrefix(p, "/api/v2/") {
			continue // not every server version has every document
		}
		if err != nil {
			return nil, err
		}
		file, ok := exportFile(p)
		if !ok {
			continue
		}
		if strings.HasPrefix(ctype, "text/html") {
			for _, link := range x.links(body) {
				add(link)
			}
			body = x.unprefix(body)
		} else if strings.Contains(ctype, "xml") {
			body = x.unprefix(body)
		}
		files[file] = body
	}
	return files, nil
}

var errOptional = errors.New("not found")

// fetch GETs a path of the page (p is relative to the page's root).
func (x *exporter) fetch(ctx context.Context, p string) ([]byte, string, error) {
	target := x.base + p
	if !strings.HasPrefix(p, "/static/") {
		target = x.base + x.prefix + p
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, "", fmt.Errorf("fetch %s: %w", target, err)
	}
	req.Header.Set("User-Agent", "sitrep-export")
	res, err := x.hc.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("fetch %s: %w", target, err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		return nil, "", fmt.Errorf("fetch %s: %s: %w", target, res.Status, errOptional)
	}
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return nil, "", fmt.Errorf("fetch %s: %s: %s", target, res.Status, strings.TrimSpace(string(msg)))
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return nil, "", fmt.Errorf("fetch %s: %w", target, err)
	}
	return body, res.Header.Get("Content-Type"), nil
}

// links returns the page paths an HTML body links to that belong in the
// copy: the page's own pages, feeds and stylesheet, and static assets.
func (x *exporter) links(body []byte) []string {
	var out []string
	for _, m := range linkAttr.FindAllSubmatch(body, -1) {
		u, err := url.Parse(html.UnescapeString(string(m[1])))
		if err != nil || u.IsAbs() || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
			continue
		}
		p := u.Path
		if strings.HasPrefix(p, "/static/") {
			out = append(out, p)
			continue
		}
		if x.prefix != "" {
			var ok bool
			if p, ok = strings.CutPrefix(p, x.prefix); !ok {
				continue
			}
		}
		switch {
		case p == "/" || p == "/events":
			// the page itself; live updates have no static form
		case strings.HasPrefix(p, "/incidents/"), strings.HasPrefix(p, "/maintenance/"), strings.HasPrefix(p, "/api/v2/"),
			strings.HasPrefix(p, "/badge/"), p == "/theme.css", p == "/history.atom", p == "/history.rss", p == "/maintenance.ics":
			out = append(out, (&url.URL{Path: p}).EscapedPath())
		}
	}
	return out
}

// unprefix rewrites the page's links from /slug/… to /… in HTML and feeds.
func (x *exporter) unprefix(body []byte) []byte {
	if x.prefix == "" {
		return body
	}
	s := string(body)
	for _, q := range []string{`"`, `>`} {
		s = strings.ReplaceAll(s, q+x.prefix+"/", q+"/")
	}
	return []byte(s)
}

// exportFile maps a page path to its file in the copy: pages become
// directory indexes, so that their links (without a file name) work on
// any static server. ok is false for a path that cannot be a file under
// the root.
func exportFile(p string) (string, bool) {
	u, err := url.PathUnescape(p)
	if err != nil {
		return "", false
	}
	name := strings.TrimPrefix(u, "/")
	if name == "" || strings.HasPrefix(name, "incidents/") || strings.HasPrefix(name, "maintenance/") {
		name = path.Join(name, "index.html")
	}
	if path.Clean(name) != name || !filepath.IsLocal(name) {
		return "", false
	}
	return name, true
}

// writeExportDir writes files into a new directory beside dir and swaps it
// in, so that a web server reading dir sees the old copy or the new one.
func writeExportDir(dir string, files map[string][]byte) error {
	dir = filepath.Clean(dir)
	if err := checkExportDir(dir); err != nil {
		return err
	}
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".new-")
	if err != nil {
		return fmt.Errorf("create a temporary directory beside %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("export to %s: %w", tmp, err)
	}
	files[exportMarker] = []byte("written by sitrep export; the whole directory is replaced on the next export\n")
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
	}
	old := ""
	if _, err := os.Stat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("move the previous copy aside: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir)
		}
		return fmt.Errorf("move the new copy into place: %w", err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("remove the previous copy %s: %w", old, err)
		}
	}
	return nil
}

// checkExportDir allows a missing or empty directory, or a previous export.
func checkExportDir(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export to %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("export to %s: it is a file, not a directory", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, exportMarker)); err == nil {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("export to %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("export to %s: refusing to replace a directory that is not empty and was not written by sitrep export (no %s file in it)", dir, exportMarker)
	}
	return nil
}
