// Package web is sitrep's HTTP surface: the JSON API, heartbeat pings, the
// HTML overview, health and metrics endpoints. It adapts sitrep's service
// interfaces to HTTP and knows nothing about how they are implemented.
package web

import (
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"sitrep"
)

// Options configures a Server.
type Options struct {
	Logger   *slog.Logger
	Monitors sitrep.MonitorService
	Health   sitrep.HealthService
	Metrics  http.Handler // served at /metrics; nil = 404
	Version  string
	// Now stamps heartbeat pings and ages cached renderings; nil means
	// time.Now. Pings use the server's clock, never the job's, so a job on a
	// host with a wrong clock still works.
	Now func() time.Time
	// ListCacheTTL is how long a rendering of the monitor list (JSON and the
	// HTML overview) is reused. Under a flood of polls the list is then
	// rendered once per TTL instead of once per request; 0 renders every time.
	// One second keeps a 10,000-monitor list cheap and still fresh.
	ListCacheTTL time.Duration

	// Pages serves the public status pages; nil leaves them out and keeps
	// the monitor overview at /.
	Pages sitrep.StatusPageService

	// Incidents and Maintenances serve /api/v1/incidents and
	// /api/v1/maintenances; nil leaves those routes out. Every request to
	// them needs a bearer token that Auth accepts (nil accepts none).
	Incidents    sitrep.IncidentService
	Maintenances sitrep.MaintenanceService
	Auth         sitrep.Authenticator

	// Subscribers serves sign-up (POST /api/v1/subscribers, the form on
	// every page) and the confirm, unsubscribe and manage links; nil leaves
	// them out.
	Subscribers sitrep.SubscriberService

	// Alerts serves /ack/{token} (the signed link in staff alerts) and
	// /api/v1/alerts and /api/v1/oncall (bearer token like incidents); nil
	// leaves them out.
	Alerts sitrep.AlertService

	// Deliveries serves GET /api/v1/deliveries and POST
	// /api/v1/deliveries/{id}/retry (bearer token, like incidents); nil
	// leaves them out. If it also has a Kick method (the dispatcher), a
	// retried delivery is sent at once.
	Deliveries sitrep.OutboxStore

	// Idempotency remembers creates sent with an Idempotency-Key (24 h,
	// across restarts); nil serves creates without it.
	Idempotency sitrep.IdempotencyStore

	// Accounts serves /api/v1/users, /api/v1/tokens and /api/v1/audit
	// (admin only); nil leaves them out. It also authenticates those routes
	// when Auth is nil.
	Accounts sitrep.AccountService
	// SubscriberAdmin serves the staff's GET /api/v1/subscribers, its CSV
	// export and DELETE /api/v1/subscribers/{id}; nil leaves them out.
	SubscriberAdmin sitrep.SubscriberStore
}

// Server routes sitrep's HTTP endpoints. It is an http.Handler.
type Server struct {
	logger   *slog.Logger
	monitors sitrep.MonitorService
	health   sitrep.HealthService
	version  string
	now      func() time.Time

	handler http.Handler
	mux     *http.ServeMux
	routes  *routeMux // remembers registered patterns for the OpenAPI tests
	pages   *template.Template
	static  map[string]staticFile
	cssPath string // versioned URL of the stylesheet, so it can be cached for a year
	gzCache *gzipCache
	gzip    *compressor
	bufs    *bufferPool

	listTTL       time.Duration
	listCache     renderCache
	overviewCache renderCache

	pub  *publicPages      // nil without Options.Pages
	subs *subscriberRoutes // nil without Options.Subscribers
}

// apiCatchAll catches every API path no other pattern claims.
const apiCatchAll = "/api/"

// New returns a Server; Monitors and Health are required. Templates and
// static files are embedded and parsed here, so a broken template stops the
// start instead of failing a request.
func New(opts Options) *Server {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		logger:   logger.With("component", "web"),
		monitors: opts.Monitors,
		health:   opts.Health,
		version:  opts.Version,
		listTTL:  opts.ListCacheTTL,
		now:      opts.Now,
		gzCache:  newGzipCache(64),
		gzip:     &compressor{},
		bufs:     newBufferPool(),
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.pages = mustParseTemplates()
	s.static, s.cssPath = mustLoadStatic()

	mux := &routeMux{ServeMux: http.NewServeMux()}
	if opts.Idempotency != nil {
		mux.wrap = s.idempotencyWrap(opts.Idempotency)
	}
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPIHandler())
	mux.HandleFunc("GET /api/v1/monitors", s.handleMonitors)
	mux.HandleFunc("GET /api/v1/monitors/{id}", s.handleMonitor)
	mux.HandleFunc("GET /api/v1/monitors/{id}/results", s.handleResults)
	s.registerRecords(mux, opts)
	s.registerSubscribers(mux, opts)
	s.registerAlerts(mux, opts)
	s.registerDeliveries(mux, opts)
	s.registerAdmin(mux, opts)
	mux.HandleFunc(apiCatchAll, s.handleAPINotFound)
	for _, p := range []struct {
		suffix string
		kind   sitrep.PingKind
	}{{"", sitrep.PingSuccess}, {"/start", sitrep.PingStart}, {"/fail", sitrep.PingFail}} {
		// GET patterns also answer HEAD.
		mux.HandleFunc("GET /ping/{token}"+p.suffix, s.pingHandler(p.kind))
		mux.HandleFunc("POST /ping/{token}"+p.suffix, s.pingHandler(p.kind))
	}
	if opts.Pages != nil {
		// The public page takes / and the monitor overview moves aside.
		s.registerPages(mux, opts.Pages)
		mux.HandleFunc("GET /overview", s.handleOverview)
	} else {
		mux.HandleFunc("GET /{$}", s.handleOverview)
	}
	mux.HandleFunc("GET /static/{name}", s.handleStatic)
	if opts.Metrics != nil {
		mux.Handle("GET /metrics", opts.Metrics)
	}

	s.mux, s.routes = mux.ServeMux, mux
	s.handler = hsts(securityHeaders(s.logRequests(s.recoverPanics(mux.ServeMux))))
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}
