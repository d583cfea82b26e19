// Package app is the composition root: the only package that imports the
// adapters and wires them together. It does not touch signals, so the whole
// server can be started and stopped inside a test (alertmanager's habit).
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"sitrep"
	"sitrep/internal/accounts"
	"sitrep/internal/admin"
	"sitrep/internal/config"
	"sitrep/internal/engine"
	"sitrep/internal/incident"
	"sitrep/internal/metrics"
	"sitrep/internal/notify"
	"sitrep/internal/probe"
	"sitrep/internal/sqlstore"
	"sitrep/internal/statusengine"
	"sitrep/internal/web"
)

// DefaultConfigFile is used when no --config is given; a starter is written
// there if it does not exist.
const DefaultConfigFile = "sitrep.yaml"

// DefaultDataDir holds the embedded database unless --data says otherwise.
const DefaultDataDir = "sitrep-data"

// DefaultListen is loopback only: exposing sitrep is a decision, not a default.
const DefaultListen = "127.0.0.1:8080"

// Options are what main collects from flags and the environment.
type Options struct {
	// ConfigPath is the config file; "" means DefaultConfigFile, which is
	// created with a starter config when missing. An explicitly named file
	// must exist.
	ConfigPath string
	DataDir    string
	Listen     string
	Logger     *slog.Logger
	// Stdout receives the start-up banner (where sitrep listens, what it wrote).
	Stdout  io.Writer
	Version string
	Clock   sitrep.Clock
	// WatchInterval is how often the config file is checked for changes;
	// 0 means 2s, negative disables watching.
	WatchInterval time.Duration
	// AdminToken, when set (SITREP_ADMIN_TOKEN), is the token that
	// authorises writes; otherwise one is generated at first start, printed
	// once and kept hashed.
	AdminToken string
	// SecretKey (SITREP_SECRET_KEY, base64) replaces the key file in the
	// data directory; every node of a cluster needs the same one.
	SecretKey string
	// DebugListen, when set, serves Go's profiler (/debug/pprof/) on this
	// loopback address.
	DebugListen string
}

// App is a running sitrep server.
type App struct {
	opts     Options
	logger   *slog.Logger
	cleanups []func(context.Context) error

	mu        sync.Mutex // serialises reloads
	cfg       *config.Config
	store     *sqlstore.Store
	engine    *engine.Engine
	status    *statusengine.Engine
	notif     *notifications
	accounts  *accounts.Service
	pages     *pageService
	exporters *exporters
	server    *http.Server
	ln        net.Listener
}

// New returns an App; nothing happens until Start.
func New(opts Options) *App {
	if opts.DataDir == "" {
		opts.DataDir = DefaultDataDir
	}
	if opts.Listen == "" {
		opts.Listen = DefaultListen
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.Clock == nil {
		opts.Clock = sitrep.SystemClock()
	}
	if opts.WatchInterval == 0 {
		opts.WatchInterval = 2 * time.Second
	}
	return &App{opts: opts, logger: opts.Logger}
}

// Start creates what is missing (data directory, starter config), opens
// storage, starts the engine and the web server. On error, whatever was
// started is stopped again.
func (a *App) Start(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			_ = a.Stop(context.WithoutCancel(ctx))
		}
	}()

	listener, err := net.Listen("tcp", a.opts.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (choose another address with --listen or SITREP_LISTEN)", a.opts.Listen, err)
	}
	a.ln = listener
	a.onStop(func(context.Context) error {
		err := listener.Close()
		if errors.Is(err, net.ErrClosed) {
			return nil
		}
		return err
	})
	if a.opts.DebugListen != "" {
		if err := a.startDebug(a.opts.DebugListen); err != nil {
			return err
		}
	}

	var wrote []string
	cfgPath, created, err := ensureConfig(a.opts.ConfigPath, selfURL(listener.Addr()))
	if err != nil {
		return err
	}
	if created {
		wrote = append(wrote, cfgPath+" (starter config)")
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return fmt.Errorf("load config: %w", err)
	}
	a.cfg = cfg

	dbPath := cfg.Storage.Path
	if dbPath == "" {
		dbPath = filepath.Join(a.opts.DataDir, "sitrep.db")
	}
	_, statErr := os.Stat(dbPath)
	store, err := openStore(ctx, cfg, a.opts.DataDir, a.logger)
	if err != nil {
		return err
	}
	a.store = store
	a.onStop(func(context.Context) error { return store.Close() })
	if cfg.Storage.Driver != "postgres" && errors.Is(statErr, os.ErrNotExist) {
		wrote = append(wrote, dbPath+" (database)")
	}

	tokenHash, newToken, err := adminToken(ctx, store, a.opts.AdminToken)
	if err != nil {
		return err
	}
	// The data directory holds the secret key whichever database is used.
	if err := os.MkdirAll(a.opts.DataDir, 0o750); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	masterKey, _, err := accounts.LoadKey(filepath.Join(a.opts.DataDir, secretKeyFile), a.opts.SecretKey)
	if err != nil {
		return err
	}
	acct, err := accounts.New(accounts.Options{
		Store:          store,
		Clock:          a.opts.Clock,
		Logger:         a.logger,
		SecretKey:      deriveKey(masterKey, "accounts"),
		AdminTokenHash: tokenHash,
		Issuer:         "sitrep",
		External:       externalPolicy(cfg),
	})
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	a.accounts = acct
	setupToken, err := acct.PrepareSetup(ctx)
	if err != nil {
		return fmt.Errorf("prepare first-run setup: %w", err)
	}

	// The status engine reacts to monitor state changes; it is built after
	// the monitoring engine it reads from, so the hooks find it through a
	// pointer that is set once it exists.
	var status atomic.Pointer[statusengine.Engine]
	var eng *engine.Engine
	met := metrics.New(store.Usage, func() map[sitrep.State]int { return countStates(eng) })
	publicURL := cfg.BaseURL(listener.Addr().String())
	states, err := store.MonitorStates(ctx)
	if err != nil {
		return fmt.Errorf("read monitor states: %w", err)
	}
	notif, err := newNotifications(ctx, cfg, notificationDeps{
		store: store, clock: a.opts.Clock, logger: a.logger, masterKey: masterKey, publicURL: publicURL,
		metrics: deliveryMetrics{met},
		muted: func() map[string]bool {
			if se := status.Load(); se != nil {
				return se.MutedMonitors()
			}
			return nil
		},
	}, states)
	if err != nil {
		return err
	}
	a.notif = notif
	store.OnEvents(notif.dispatch.Kick)
	if cfg.Storage.Driver != "postgres" {
		// Only this process uses the embedded database: a delivery still
		// claimed belongs to a sitrep that died mid-send, and goes out
		// again now, with the same idempotency key.
		if n, err := store.ReleaseClaims(ctx, a.opts.Clock.Now()); err != nil {
			return err
		} else if n > 0 {
			a.logger.Warn("resending notifications that were in flight when sitrep last stopped", "deliveries", n)
		}
	}
	met.WatchFailedDeliveries(func() (int, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		failed, err := store.Deliveries(ctx, sitrep.DeliveryFailed, maxFailedCounted)
		return len(failed), err
	})
	notif.start(ctx)
	a.onStop(notif.stop)
	eng = engine.New(engine.Options{
		Store:         store,
		Prober:        probe.New(probe.Options{Logger: a.logger.With("component", "probe"), Location: cfg.Location}),
		Heartbeat:     probe.HeartbeatResult,
		Clock:         a.opts.Clock,
		Logger:        a.logger,
		Observer:      met,
		Location:      cfg.Location,
		FlushInterval: cfg.Storage.FlushInterval,
		OnStateChange: func(c sitrep.StateChange) {
			notif.onStateChange(context.WithoutCancel(ctx), c)
			if se := status.Load(); se != nil {
				se.Poke()
			}
		},
	})
	if err := eng.Start(ctx, cfg.Monitors); err != nil {
		return fmt.Errorf("start monitoring: %w", err)
	}
	a.engine = eng
	a.onStop(eng.Stop)

	se, err := statusengine.New(statusengine.Options{
		Incidents:    store,
		Maintenances: store,
		Monitors:     eng,
		Rollups:      store,
		Clock:        a.opts.Clock,
		Logger:       a.logger,
		// Time to first public update is a promise made to customers;
		// it is measured, not assumed.
		OnIncidentMetrics: met.IncidentResolved,
		// Automation's changes carry their events; send them now rather
		// than at the dispatcher's next poll.
		OnAction: func(incident.Action) { notif.dispatch.Kick() },
	}, catalog(cfg, listener.Addr().String()))
	if err != nil {
		return fmt.Errorf("status pages: %w", err)
	}
	if err := se.Start(ctx); err != nil {
		return fmt.Errorf("start status pages: %w", err)
	}
	status.Store(se)
	a.status = se
	a.onStop(se.Stop)
	a.pages = &pageService{Engine: se}
	records := auditedRecords{Engine: se, audit: acct.Audit, log: a.logger}
	alerts := auditedAlerts{Manager: notif.alerts, rec: records}
	a.pages.setPasswords(cfg.EffectivePages())

	handler := web.New(web.Options{
		Logger:       a.logger,
		Monitors:     eng,
		Health:       eng,
		Metrics:      met.Handler(),
		Version:      a.opts.Version,
		Now:          a.opts.Clock.Now,
		Pages:        a.pages,
		Incidents:    records,
		Maintenances: records,
		Auth:         acct,
		Deliveries:   deliveries{store, notif.dispatch},
		Subscribers:  notif.subs,
		Alerts:       alerts,
		// Creates with an Idempotency-Key are answered once, even across
		// a restart.
		Idempotency: store,
		// Users, tokens, the audit log and subscriber administration over
		// the API, like the admin UI.
		Accounts:        acct,
		SubscriberAdmin: store,
		// A one-second-old list is fine for humans and scripts, and it keeps
		// a hammered API from competing with the checks for CPU.
		ListCacheTTL: time.Second,
	})
	idp, err := a.identityProvider(cfg, listener.Addr().String(), masterKey)
	if err != nil {
		return fmt.Errorf("single sign-on: %w", err)
	}
	ui, err := admin.New(admin.Options{
		Logger:       a.logger,
		Accounts:     acct,
		Monitors:     eng,
		Incidents:    records,
		Maintenances: records,
		Pages:        a.pages,
		Components:   func() []sitrep.Component { return a.Config().Components },
		Declared:     a.declaredMonitor,
		ConfigFile:   cfgPath,
		Clock:        a.opts.Clock,
		// Subscribers, deliveries and on-call appear in the admin UI.
		SubscriberStore:   store,
		Deliveries:        deliveries{store, notif.dispatch},
		Alerts:            alerts,
		SendPasswordReset: a.sendPasswordReset,
		Identity:          idp,
		Secure:            publicHTTPS(cfg.PublicURL),
	})
	if err != nil {
		return fmt.Errorf("admin UI: %w", err)
	}
	root := http.NewServeMux()
	root.Handle("/", handler)
	for _, p := range admin.Patterns() {
		root.Handle(p, ui)
	}
	a.server = &http.Server{
		Handler:           withClientIP(a.trustedProxies, root),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.logger.With("component", "http").Handler(), slog.LevelDebug),
	}
	// Live-update streams never end by themselves; close them so that
	// Shutdown does not wait for every open browser tab.
	a.server.RegisterOnShutdown(handler.CloseStreams)
	go func() {
		if err := a.server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.logger.Error("http server stopped", "err", err)
		}
	}()
	a.onStop(a.server.Shutdown)

	a.exporters = &exporters{export: handler.ExportPage, pages: a.pages, log: a.logger.With("component", "export")}
	a.exporters.set(ctx, cfg.EffectivePages())
	a.onStop(func(context.Context) error { a.exporters.stop(); return nil })

	if a.opts.WatchInterval > 0 {
		watchCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan struct{})
		go func() {
			defer close(done)
			a.watchConfig(watchCtx, cfgPath)
		}()
		a.onStop(func(context.Context) error { cancel(); <-done; return nil })
	}

	fmt.Fprintf(a.opts.Stdout, "sitrep %s listening on http://%s\n", a.opts.Version, listener.Addr())
	fmt.Fprintf(a.opts.Stdout, "  config:   %s (%d monitors)\n", cfgPath, len(cfg.Monitors))
	if cfg.Storage.Driver == "postgres" {
		fmt.Fprintf(a.opts.Stdout, "  storage:  postgres\n")
	} else {
		fmt.Fprintf(a.opts.Stdout, "  storage:  %s\n", dbPath)
	}
	if pages := cfg.EffectivePages(); len(pages) > 0 {
		fmt.Fprintf(a.opts.Stdout, "  pages:    %s/ (%d status pages)\n", cfg.BaseURL(listener.Addr().String()), len(pages))
	}
	for _, w := range wrote {
		fmt.Fprintf(a.opts.Stdout, "  wrote:    %s\n", w)
	}
	if setupToken != "" {
		fmt.Fprintf(a.opts.Stdout, "\n  create the first administrator (one-time link):\n    http://%s/setup?token=%s\n", listener.Addr(), setupToken)
	}
	if newToken != "" {
		fmt.Fprintf(a.opts.Stdout, "\n  admin token (shown once; it authorises incident and maintenance changes):\n    %s\n", newToken)
		fmt.Fprintf(a.opts.Stdout, "  use it with the CLI:  export SITREP_URL=http://%s SITREP_TOKEN=%s\n", listener.Addr(), newToken)
	}
	return nil
}

// Addr is the address the web server listens on (useful with port 0).
func (a *App) Addr() net.Addr { return a.ln.Addr() }

// Config returns the configuration in force.
func (a *App) Config() *config.Config {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cfg
}

// Stop runs the cleanups registered by Start in reverse order.
func (a *App) Stop(ctx context.Context) error {
	var errs []error
	for i := len(a.cleanups) - 1; i >= 0; i-- {
		if err := a.cleanups[i](ctx); err != nil {
			errs = append(errs, err)
		}
	}
	a.cleanups = nil
	return errors.Join(errs...)
}

func (a *App) onStop(f func(context.Context) error) { a.cleanups = append(a.cleanups, f) }

func countStates(e *engine.Engine) map[sitrep.State]int {
	counts := make(map[sitrep.State]int, len(sitrep.States))
	if e == nil {
		return counts
	}
	views, err := e.Monitors(context.Background())
	if err != nil {
		return counts
	}
	for _, v := range views {
		counts[v.State]++
	}
	return counts
}

// selfURL is the address sitrep's own health check uses: a wildcard listen
// address is reached over loopback.
func selfURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// deliveries is the outbox as the deliveries API sees it: a retry by hand
// wakes the dispatcher, so it goes out at once.
type deliveries struct {
	sitrep.OutboxStore
	*notify.Dispatcher
}
