// Package admin is the staff side of sitrep in the browser: sign-in, the
// dashboard, monitors, incidents, postmortems and maintenance. It is
// server-rendered HTML that works without JavaScript, and it adapts the
// sitrep service interfaces without knowing how they are implemented.
package admin

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"sitrep"
)

// Options configures the admin UI.
type Options struct {
	Logger       *slog.Logger
	Accounts     sitrep.AccountService
	Monitors     sitrep.MonitorService
	Incidents    sitrep.IncidentService
	Maintenances sitrep.MaintenanceService
	// Pages supplies the components (from the first page) when Components
	// is nil; it may be nil when Components is set.
	Pages sitrep.StatusPageService
	// Components returns the declared components, for the incident and
	// maintenance forms. nil falls back to the components Pages shows.
	Components func() []sitrep.Component
	// Declared returns a monitor's declared configuration (nil when not
	// declared); ConfigFile is the file it comes from. Both are shown
	// read-only: configuration is changed in the file, not in the UI.
	Declared   func(id string) *sitrep.Monitor
	ConfigFile string
	Clock      sitrep.Clock
	// Location is the time zone forms and pages use (nil means UTC).
	Location *time.Location
	// Secure marks cookies Secure; set it whenever sitrep is served over TLS.
	Secure bool

	// Optional services; the pages of a nil one are hidden.
	//
	// SubscriberStore backs the subscriber search, export and removal
	// (SubscriberService has no admin queries).
	SubscriberStore sitrep.SubscriberStore
	// Deliveries backs the failed-deliveries page and the dashboard's
	// count of undelivered notifications.
	Deliveries sitrep.OutboxStore
	// Alerts backs the alerts page, acknowledging from the UI and the
	// dashboard's paging and on-call blocks.
	Alerts sitrep.AlertService
	// SendPasswordReset delivers a reset token to its owner, e.g. by email
	// with a link to BASE/reset/TOKEN. nil: the /reset form says to ask an
	// administrator (who can make a link with the CLI); /reset/TOKEN works
	// either way.
	SendPasswordReset func(ctx context.Context, email, token string) error
	// Identity is sign-in through an identity provider (OIDC); nil offers
	// passwords only.
	Identity sitrep.IdentityProvider
}

// UI is the admin UI. It is an http.Handler for /login, /logout, /setup and
// everything under /admin/.
type UI struct {
	logger     *slog.Logger
	accounts   sitrep.AccountService
	monitors   sitrep.MonitorService
	incidents  sitrep.IncidentService
	maints     sitrep.MaintenanceService
	pages      sitrep.StatusPageService
	components func() []sitrep.Component
	declared   func(id string) *sitrep.Monitor
	configFile string
	clock      sitrep.Clock
	loc        *time.Location
	secure     bool
	subs       sitrep.SubscriberStore
	outbox     sitrep.OutboxStore
	alerts     sitrep.AlertService
	sendReset  func(ctx context.Context, email, token string) error
	idp        sitrep.IdentityProvider

	tmpl    map[string]*template.Template
	static  map[string]staticFile
	cssPath string
	jsPath  string
	cop     *http.CrossOriginProtection
	// newToken makes the pre-session form values; tests fix it.
	newToken func() string
	// refreshSeconds is the dashboard's refresh period; tests shorten it.
	refreshSeconds int
	handler        http.Handler
}

// Patterns returns the paths the app mounts the UI at.
func Patterns() []string {
	return []string{"/login", "/login/oidc", "/login/oidc/callback", "/logout", "/setup", "/reset", "/reset/", "/admin/"}
}

// New returns the admin UI. Accounts, Monitors, Incidents and Maintenances
// are required. Templates are parsed here, so a broken one fails the start.
func New(opts Options) (*UI, error) {
	if opts.Accounts == nil || opts.Monitors == nil || opts.Incidents == nil || opts.Maintenances == nil {
		return nil, errors.New("admin: Accounts, Monitors, Incidents and Maintenances are required")
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	u := &UI{
		logger:         logger.With("component", "admin"),
		accounts:       opts.Accounts,
		monitors:       opts.Monitors,
		incidents:      opts.Incidents,
		maints:         opts.Maintenances,
		pages:          opts.Pages,
		components:     opts.Components,
		declared:       opts.Declared,
		configFile:     opts.ConfigFile,
		clock:          opts.Clock,
		loc:            opts.Location,
		secure:         opts.Secure,
		subs:           opts.SubscriberStore,
		outbox:         opts.Deliveries,
		alerts:         opts.Alerts,
		sendReset:      opts.SendPasswordReset,
		idp:            opts.Identity,
		cop:            http.NewCrossOriginProtection(),
		newToken:       randomToken,
		refreshSeconds: dashboardRefreshSeconds,
	}
	if u.clock == nil {
		u.clock = sitrep.SystemClock()
	}
	if u.loc == nil {
		u.loc = time.UTC
	}
	var err error
	if u.tmpl, err = parseTemplates(u.funcs()); err != nil {
		return nil, fmt.Errorf("admin: parse templates: %w", err)
	}
	if u.static, u.cssPath, u.jsPath, err = loadStatic(); err != nil {
		return nil, fmt.Errorf("admin: load static files: %w", err)
	}
	u.handler = securityHeaders(u.routes())
	return u, nil
}

// ServeHTTP implements http.Handler.
func (u *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) { u.handler.ServeHTTP(w, r) }

func (u *UI) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", u.handleLoginForm)
	mux.HandleFunc("POST /login", u.guardAnon(u.handleLogin))
	mux.HandleFunc("POST /logout", u.handleLogout)
	if u.idp != nil {
		mux.HandleFunc("GET /login/oidc", u.handleOIDCStart)
		mux.HandleFunc("GET /login/oidc/callback", u.handleOIDCCallback)
	}
	mux.HandleFunc("GET /setup", u.handleSetupForm)
	mux.HandleFunc("POST /setup", u.guardAnon(u.handleSetup))
	mux.HandleFunc("GET /admin/static/{name}", u.handleStatic)

	mux.HandleFunc("GET /admin/{$}", u.read(u.handleDashboard))
	mux.HandleFunc("GET /admin/monitors", u.read(u.handleMonitors))
	mux.HandleFunc("GET /admin/monitors/{id}", u.read(u.handleMonitor))

	// The list is there for every role, saying so when alerting is not
	// configured; acknowledging needs an alert service to act on.
	mux.HandleFunc("GET /admin/alerts", u.read(u.handleAlerts))
	if u.alerts != nil {
		mux.HandleFunc("POST /admin/alerts/{id}/ack", u.act(sitrep.ActionAcks, u.handleAckAlert))
	}

	mux.HandleFunc("GET /admin/incidents", u.read(u.handleIncidents))
	mux.HandleFunc("GET /admin/incidents/new", u.read(u.handleIncidentForm))
	mux.HandleFunc("POST /admin/incidents", u.write(u.handleOpenIncident, true))
	mux.HandleFunc("GET /admin/incidents/{id}", u.read(u.handleIncident))
	mux.HandleFunc("POST /admin/incidents/{id}/updates", u.write(u.handleIncidentUpdate, true))
	mux.HandleFunc("POST /admin/incidents/{id}/resolve", u.write(u.handleResolve, true))
	mux.HandleFunc("GET /admin/incidents/{id}/postmortem", u.read(u.handlePostmortemForm))
	mux.HandleFunc("POST /admin/incidents/{id}/postmortem", u.write(u.handlePostmortem, true))

	mux.HandleFunc("GET /admin/maintenances", u.read(u.handleMaintenances))
	mux.HandleFunc("GET /admin/maintenances/new", u.read(u.handleMaintenanceForm))
	mux.HandleFunc("POST /admin/maintenances", u.write(u.handleSchedule, true))
	mux.HandleFunc("GET /admin/maintenances/{id}", u.read(u.handleMaintenance))
	mux.HandleFunc("GET /admin/maintenances/{id}/edit", u.read(u.handleMaintenanceEditForm))
	mux.HandleFunc("POST /admin/maintenances/{id}/edit", u.write(u.handleMaintenanceEdit, true))
	mux.HandleFunc("POST /admin/maintenances/{id}/{action}", u.write(u.handleMaintenanceAction, true))

	u.accountRoutes(mux)
	if u.subs != nil {
		mux.HandleFunc("GET /admin/subscribers", u.readAs(sitrep.ActionSubscribers, u.handleSubscribers))
		mux.HandleFunc("GET /admin/subscribers.csv", u.readAs(sitrep.ActionSubscribers, u.handleSubscribersCSV))
		mux.HandleFunc("POST /admin/subscribers/{id}/remove", u.act(sitrep.ActionSubscribers, u.handleRemoveSubscriber))
	}
	if u.outbox != nil {
		mux.HandleFunc("GET /admin/deliveries", u.readAs(sitrep.ActionSubscribers, u.handleDeliveries))
		mux.HandleFunc("POST /admin/deliveries/{id}/retry", u.act(sitrep.ActionSubscribers, u.handleRetryDelivery))
	}
	mux.HandleFunc("GET /admin/audit", u.readAs(sitrep.ActionAudit, u.handleAudit))
	mux.HandleFunc("GET /admin/audit.csv", u.readAs(sitrep.ActionAudit, u.handleAuditCSV))
	mux.HandleFunc("GET /admin/users", u.readAs(sitrep.ActionUsers, u.handleUsers))
	mux.HandleFunc("POST /admin/users", u.act(sitrep.ActionUsers, u.handleCreateUser))
	mux.HandleFunc("POST /admin/users/{id}/disable", u.act(sitrep.ActionUsers, u.handleDisableUser))
	mux.HandleFunc("POST /admin/tokens", u.act(sitrep.ActionTokens, u.handleCreateToken))
	mux.HandleFunc("POST /admin/tokens/{id}/revoke", u.act(sitrep.ActionTokens, u.handleRevokeToken))

	mux.HandleFunc("/admin/", u.read(func(w http.ResponseWriter, r *http.Request, s *sitrep.Session) {
		u.fail(w, r, s, sitrep.Errorf(sitrep.ENOTFOUND, "there is no page at %s", r.URL.Path))
	}))
	return mux
}

// securityHeaders forbids inline script and style, framing and caching: the
// admin pages show internal records and must not linger in shared caches.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func (u *UI) now() time.Time { return u.clock.Now() }
