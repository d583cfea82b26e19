package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"sitrep"
)

// ExportPage writes the status page slug ("" for the default page) into
// dir as static files: the page, every incident and maintenance page of
// its snapshot, the feeds, the badges, the stylesheets and scripts and
// every /api/v2 document. dir then serves as the web root of a copy that
// stays up when this server is down (pages[].export_dir, `sitrep export`).
//
// Everything is rendered from one snapshot by the server's own handlers,
// without a network, and the copy replaces dir in one rename: a reader
// sees the old copy or the new one, never a mixture.
func (s *Server) ExportPage(ctx context.Context, slug, dir string) error {
	if s.pub == nil {
		return sitrep.Errorf(sitrep.EINVALID, "export page %q: this server has no status pages", slug)
	}
	snap, err := s.pub.svc.PageFor(ctx, "", slug)
	if err != nil {
		return fmt.Errorf("export page %q: %w", slug, err)
	}
	if snap.Page.PasswordProtected {
		return sitrep.Errorf(sitrep.EINVALID, "export page %q: it is password protected, and a static copy would publish it", snap.Page.Slug)
	}
	files, err := s.renderExport(ctx, snap)
	if err != nil {
		return fmt.Errorf("export page %q: %w", snap.Page.Slug, err)
	}
	if err := writeExport(dir, files); err != nil {
		return fmt.Errorf("export page %q: %w", snap.Page.Slug, err)
	}
	return nil
}

// renderExport renders every file of snap's static copy, keyed by its path
// under the export root.
func (s *Server) renderExport(ctx context.Context, snap *sitrep.StatusPage) (map[string][]byte, error) {
	h := s.exportHandler(snap)
	files := make(map[string][]byte)
	for _, p := range exportPaths(snap, s.static) {
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return nil, fmt.Errorf("render %s: status %d: %s", p.url, rec.Code, strings.TrimSpace(rec.Body.String()))
		}
		files[p.file] = rec.Body.Bytes()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// exportHandler serves snap as the only page, at the root: its links then
// read /incidents/ID whatever its slug, which is what the copy's own web
// root needs. It shares the templates and assets of s but not its cache.
func (s *Server) exportHandler(snap *sitrep.StatusPage) http.Handler {
	es := &Server{
		logger: s.logger, now: s.now, pages: s.pages, static: s.static, cssPath: s.cssPath,
		gzCache: s.gzCache, gzip: s.gzip, bufs: s.bufs,
		pub: &publicPages{svc: onePage{snap}, cssURL: s.pub.cssURL, jsURL: s.pub.jsURL,
			heartbeat: s.pub.heartbeat, maxStreams: 0, closing: make(chan struct{})},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/{name}", es.handleStatic)
	mux.HandleFunc("/", es.handlePage)
	return mux
}

// onePage is a StatusPageService of one fixed snapshot.
type onePage struct{ snap *sitrep.StatusPage }

func (o onePage) PageFor(context.Context, string, string) (*sitrep.StatusPage, error) {
	return o.snap, nil
}

func (o onePage) Subscribe(string) (<-chan uint64, func()) { return make(chan uint64), func() {} }

// exportPath is a URL of the page and the file that holds its answer.
type exportPath struct{ url, file string }

// exportPaths lists what a static copy of snap holds. Pages become
// directory indexes (incidents/ID/index.html), so that the links of the
// HTML, absolute paths without a file name, work on any static server.
func exportPaths(snap *sitrep.StatusPage, static map[string]staticFile) []exportPath {
	ps := []exportPath{
		{"/", "index.html"},
		{"/history.atom", "history.atom"},
		{"/history.rss", "history.rss"},
		{"/maintenance.ics", "maintenance.ics"},
		{"/theme.css", "theme.css"},
		{"/badge/status.svg", "badge/status.svg"},
	}
	for _, g := range snap.Groups {
		for _, c := range g.Components {
			// The copy cannot read a query string; each component's badge
			// gets a file of its own.
			ps = append(ps, exportPath{"/badge/uptime.svg?component=" + url.QueryEscape(c.ID), "badge/uptime/" + c.ID + ".svg"})
		}
	}
	for _, id := range sortedKeys(snap.Incidents) {
		ps = append(ps, exportPath{"/incidents/" + url.PathEscape(id), "incidents/" + id + "/index.html"})
	}
	for _, id := range sortedKeys(snap.Maintenances) {
		ps = append(ps, exportPath{"/maintenance/" + url.PathEscape(id), "maintenance/" + id + "/index.html"})
	}
	for _, name := range sortedKeys(snap.APIv2) {
		ps = append(ps, exportPath{"/api/v2/" + name, "api/v2/" + name})
	}
	for _, name := range sortedKeys(static) {
		ps = append(ps, exportPath{"/static/" + url.PathEscape(name), "static/" + name})
	}
	// Drop what cannot be a file under the root: an ID with a slash or dots
	// would otherwise write outside its directory.
	out := ps[:0]
	for _, p := range ps {
		if path.Clean(p.file) == p.file && filepath.IsLocal(p.file) {
			out = append(out, p)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
