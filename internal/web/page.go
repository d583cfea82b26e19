package web

import (
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sitrep"
)

// publicPages serves the public status pages from snapshots of a
// StatusPageService. Every answer is rendered once per page version and
// kept, compressed, in memory: a traffic spike during an outage then costs
// a map lookup and a write per request.
type publicPages struct {
	svc   sitrep.StatusPageService
	cache renderedPages

	cssURL, jsURL string

	// Server-Sent Events: heartbeat keeps proxies from closing idle
	// streams; maxStreams bounds the goroutines and sockets they hold.
	heartbeat  time.Duration
	maxStreams int64
	streams    atomic.Int64
	closing    chan struct{}
	closeOnce  sync.Once
}

const (
	defaultHeartbeat  = 25 * time.Second
	defaultMaxStreams = 10000
)

// registerPages adds the public pages. The page routes are matched by
// routePage below rather than by mux patterns: "GET /{slug}/…" patterns
// would conflict with the method-less "/api/" catch-all.
func (s *Server) registerPages(mux *routeMux, svc sitrep.StatusPageService) {
	s.pub = &publicPages{
		svc:        svc,
		cssURL:     versionedStatic(s.static, "page.css"),
		jsURL:      versionedStatic(s.static, "page.js"),
		heartbeat:  defaultHeartbeat,
		maxStreams: defaultMaxStreams,
		closing:    make(chan struct{}),
	}
	mux.HandleFunc("GET /{$}", s.handlePage)
	mux.HandleFunc("GET /api/v2/{name...}", s.handlePage)
	mux.HandleFunc("/", s.handlePage)
}

// CloseStreams ends every open Server-Sent Events stream; call it when the
// HTTP server shuts down (http.Server.RegisterOnShutdown), which otherwise
// waits for those never-ending responses.
func (s *Server) CloseStreams() {
	if s.pub != nil {
		s.pub.closeOnce.Do(func() { close(s.pub.closing) })
	}
}

func versionedStatic(files map[string]staticFile, name string) string {
	f, ok := files[name]
	if !ok {
		panic("web: embedded static file " + name + " is missing")
	}
	return "/static/" + name + "?v=" + strconv.FormatUint(uint64(crc32.ChecksumIEEE(f.body)), 36)
}

// pageRoute is a request path split into the page it names and what of it.
type pageRoute struct {
	slug string // "" for the default page
	rest string // "" for the page itself, else e.g. "history.atom", "incidents/ID"
}

// pageFiles are the first path elements that belong to a page; a slug
// equal to one of them is shadowed on the default page.
var pageFiles = map[string]bool{
	"history.atom": true, "history.rss": true, "maintenance.ics": true, "events": true, "theme.css": true,
	"incidents": true, "maintenance": true, "badge": true, "api": true,
}

// routePage splits path; ok is false when the path cannot be a page's.
func routePage(path string) (pageRoute, bool) {
	p := strings.TrimPrefix(path, "/")
	if p == "" {
		return pageRoute{}, true
	}
	first, rest, hasSlash := strings.Cut(p, "/")
	if pageFiles[first] {
		return pageRoute{rest: p}, true
	}
	if !hasSlash || first == "" {
		// "/main" is not a page; "/main/" is.
		return pageRoute{}, false
	}
	return pageRoute{slug: first, rest: rest}, true
}

func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/favicon.ico" {
		// Browsers ask for it on every page; an empty answer keeps their
		// consoles free of 404s until branding brings an icon.
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	route, ok := routePage(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if route.slug != "" && route.rest == "subscribe" && s.pageSubscribe(w, r, route.slug) {
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	snap, err := s.pub.svc.PageFor(r.Context(), r.Host, route.slug)
	if err != nil {
		if route.slug == "" && route.rest == "" && sitrep.ErrorCode(err) == sitrep.ENOTFOUND {
			// No status page is declared (no components yet): / shows the
			// monitor overview, as it does without pages at all.
			s.handleOverview(w, r)
			return
		}
		s.pageError(w, r, err)
		return
	}
	if snap.Page.PasswordProtected && !s.pageUnlocked(w, r, snap) {
		return
	}
	// Links stay under the prefix the visitor came by: the default page
	// answers at both / and /slug/.
	pr := pageReq{snap: snap}
	if route.slug != "" {
		pr.base = "/" + snap.Page.Slug
	}
	switch rest := route.rest; {
	case rest == "":
		s.serveCached(w, r, pr, "page", s.renderMainPage)
	case rest == "events":
		s.serveEvents(w, r, pr)
	case rest == "history.atom":
		s.serveCached(w, r, pr, rest, renderAtom)
	case rest == "history.rss":
		s.serveCached(w, r, pr, rest, renderRSS)
	case rest == "maintenance.ics":
		s.serveCached(w, r, pr, rest, renderICS)
	case rest == "theme.css":
		w.Header().Set("Cache-Control", "public, max-age=300")
		s.serveCached(w, r, pr, rest, renderTheme)
	case rest == "badge/status.svg":
		s.serveCached(w, r, pr, rest, renderStatusBadge)
	case rest == "badge/uptime.svg":
		s.serveUptimeBadge(w, r, pr)
	case strings.HasPrefix(rest, "api/v2/"):
		s.serveAPIv2(w, r, pr, strings.TrimPrefix(rest, "api/v2/"))
	case strings.HasPrefix(rest, "incidents/"):
		id := strings.TrimPrefix(rest, "incidents/")
		inc, ok := snap.Incidents[id]
		if !ok {
			s.pageNotFound(w, r, pr)
			return
		}
		s.serveCached(w, r, pr, rest, func(pr pageReq) (string, []byte, error) {
			return s.renderIncidentPage(pr, inc)
		})
	case strings.HasPrefix(rest, "maintenance/"):
		id := strings.TrimPrefix(rest, "maintenance/")
		m, ok := snap.Maintenances[id]
		if !ok {
			s.pageNotFound(w, r, pr)
			return
		}
		s.serveCached(w, r, pr, rest, func(pr pageReq) (string, []byte, error) {
			return s.renderMaintenancePage(pr, m)
		})
	default:
		s.pageNotFound(w, r, pr)
	}
}

// pageError answers a failed page lookup: not found is the visitor's typo,
// anything else is ours and is logged.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	code := sitrep.ErrorCode(err)
	if code == sitrep.EINTERNAL {
		s.logger.ErrorContext(r.Context(), "load status page", "path", r.URL.Path, "err", err)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, http.StatusText(sitrep.HTTPStatus(code)), sitrep.HTTPStatus(code))
}

func (s *Server) pageNotFound(w http.ResponseWriter, r *http.Request, pr pageReq) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "Not found. The status page is at "+pr.base+"/", http.StatusNotFound)
}

// pageReq is a snapshot and the path prefix of the page's own links: ""
// when the visitor came by /, "/slug" when by /slug/.
type pageReq struct {
	snap *sitrep.StatusPage
	base string
}

// abs returns the absolute URL of a page path (p starts with "/") when the
// snapshot knows its public address, else the path under base.
func (pr pageReq) abs(p string) string {
	if pr.snap.URL != "" {
		return pr.snap.URL + p
	}
	return pr.base + p
}

// renderFunc renders one answer of a page: its content type and body.
type renderFunc func(pr pageReq) (contentType string, body []byte, err error)

// serveCached answers from the rendering of key at the snapshot's version,
// rendering it on first use.
func (s *Server) serveCached(w http.ResponseWriter, r *http.Request, pr pageReq, key string, render renderFunc) {
	out, err := s.pub.cache.get(pr, key, render)
	if err != nil {
		s.logger.ErrorContext(r.Context(), "render status page", "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	servePrecompressed(w, r, out)
}

// servePrecompressed writes a rendering with its ETag, answering a match
// with 304 and choosing the stored gzip form when the client takes it.
func servePrecompressed(w http.ResponseWriter, r *http.Request, out *rendered) {
	h := w.Header()
	h.Set("Content-Type", out.contentType)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("Vary", "Accept-Encoding")
	h.Set("ETag", out.etag)
	if etagMatches(r.Header.Get("If-None-Match"), out.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := out.body
	if out.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = out.gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body) //nolint:errcheck // the client went away
	}
}
