package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"sitrep"
	"sitrep/internal/alert"
	"sitrep/internal/config"
	"sitrep/internal/metrics"
	"sitrep/internal/notify"
	"sitrep/internal/notify/discord"
	"sitrep/internal/notify/slack"
	"sitrep/internal/notify/teams"
	"sitrep/internal/notify/webhook"
	"sitrep/internal/subscribe"
)

// notifications is the delivery side: subscribers, staff alerts, and the
// dispatcher that sends what both put in the outbox.
type notifications struct {
	subs     *subscribe.Service
	alerts   *alert.Manager
	dispatch *notify.Dispatcher
	log      *slog.Logger

	mu      sync.Mutex
	closers []io.Closer // senders holding connections (SMTP pools)
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// notificationDeps are the parts of the running server notifications use.
type notificationDeps struct {
	store interface {
		sitrep.OutboxStore
		sitrep.SubscriberStore
		sitrep.AlertStore
		subscribe.Records
	}
	clock     sitrep.Clock
	logger    *slog.Logger
	masterKey []byte
	muted     func() map[string]bool
	publicURL string
	metrics   notify.Metrics
}

// maxFailedCounted bounds the failed-deliveries gauge's query; beyond it
// the exact number matters less than that someone looks.
const maxFailedCounted = 10000

// deliveryMetrics reports the dispatcher's measurements to Prometheus.
type deliveryMetrics struct{ m *metrics.Metrics }

func (d deliveryMetrics) Attempt(channel string, outcome notify.Outcome, latency time.Duration) {
	d.m.DeliveryAttempt(channel, string(outcome), latency)
}

func (d deliveryMetrics) QueueAge(channel string, age time.Duration) { d.m.DeliveryAge(channel, age) }

func newNotifications(ctx context.Context, cfg *config.Config, deps notificationDeps, states []sitrep.MonitorState) (*notifications, error) {
	n := &notifications{log: deps.logger}
	subs, err := subscribe.New(subscribe.Options{
		Store:   deps.store,
		Records: deps.store,
		Key:     deriveKey(deps.masterKey, "subscribe"),
		Clock:   deps.clock,
		Logger:  deps.logger,
	}, subscribeCatalog(cfg, deps.publicURL))
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	n.subs = subs
	n.alerts = alert.New(deps.store, alertCatalog(cfg), alert.Options{
		Clock:     deps.clock,
		Logger:    deps.logger,
		Muted:     deps.muted,
		AckKey:    deriveKey(deps.masterKey, "ack"),
		PublicURL: deps.publicURL,
	})
	// After a restart, alerts already open are not paged again, and a
	// monitor that went down while sitrep was away is.
	if err := n.alerts.Restore(ctx, states); err != nil {
		return nil, fmt.Errorf("restore alerts: %w", err)
	}
	router, closers, err := n.router(cfg)
	if err != nil {
		return nil, err
	}
	n.closers = closers
	n.dispatch, err = notify.New(notify.Options{
		Store:     deps.store,
		Clock:     deps.clock,
		Logger:    deps.logger,
		Expanders: []notify.Expander{subs, n.alerts},
		Router:    router,
		Metrics:   deps.metrics,
		// Every commit that writes outbox events kicks the dispatcher
		// (Store.OnEvents), so the poll only picks up retries coming due
		// and, on PostgreSQL, work another node left; an idle poll costs a
		// few queries, which at 4/s was 6% of a 10k-monitor server's CPU.
		Poll: time.Second,
	})
	if err != nil {
		n.closeSenders()
		return nil, fmt.Errorf("notifications: %w", err)
	}
	return n, nil
}

// start runs the dispatcher and the alert timers until stop.
func (n *notifications) start(ctx context.Context) {
	ctx, n.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for _, run := range []func(context.Context) error{n.dispatch.Run, n.alerts.Run} {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			if err := run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				n.log.Error("notifications stopped", "err", err)
			}
		}()
	}
}

func (n *notifications) stop(context.Context) error {
	if n.cancel != nil {
		n.cancel()
	}
	n.wg.Wait()
	n.closeSenders()
	return nil
}

// onStateChange pages staff about a monitor's change and wakes the
// dispatcher so the page goes out now, not at the next poll.
func (n *notifications) onStateChange(ctx context.Context, c sitrep.StateChange) {
	if err := n.alerts.OnStateChange(ctx, c); err != nil {
		n.log.Error("alert on state change", "monitor", c.MonitorID, "err", err)
	}
	n.dispatch.Kick()
}

// reload applies a new configuration's catalog and channels.
func (n *notifications) reload(cfg *config.Config, publicURL string) error {
	router, closers, err := n.router(cfg)
	if err != nil {
		return err
	}
	n.subs.SetCatalog(subscribeCatalog(cfg, publicURL))
	n.alerts.SetCatalog(alertCatalog(cfg))
	n.dispatch.SetRouter(router)
	n.mu.Lock()
	old := n.closers
	n.closers = closers
	n.mu.Unlock()
	for _, c := range old {
		_ = c.Close()
	}
	return nil
}

// router maps every route key to its sender: the declared channels by id,
// and one sender per subscriber kind, whose recipient comes with each
// delivery.
func (n *notifications) router(cfg *config.Config) (notify.Router, []io.Closer, error) {
	senders, closers, err := channelSenders(cfg.SMTP, cfg.Channels)
	if err != nil {
		closeAll(closers)
		return notify.Router{}, nil, err
	}
	if cfg.SMTP != nil {
		mail, err := emailSender(cfg.SMTP, nil)
		if err != nil {
			closeAll(closers)
			return notify.Router{}, nil, fmt.Errorf("subscriber email: %w", err)
		}
		senders["subscriber:email"] = mail
		closers = append(closers, mail)
	}
	hook, err := webhook.New(webhook.Options{})
	if err == nil {
		senders["subscriber:webhook"] = hook
	}
	if s, err := slack.New(slack.Options{}); err == nil {
		senders["subscriber:slack"] = s
	}
	if s, err := teams.New(teams.Options{}); err == nil {
		senders["subscriber:teams"] = s
	}
	if s, err := discord.New(discord.Options{}); err == nil {
		senders["subscriber:discord"] = s
	}
	return notify.Router{Senders: senders, Subscribers: n.subs, Channels: n.alerts}, closers, nil
}

func (n *notifications) closeSenders() {
	n.mu.Lock()
	cs := n.closers
	n.closers = nil
	n.mu.Unlock()
	closeAll(cs)
}

func closeAll(cs []io.Closer) {
	for _, c := range cs {
		_ = c.Close()
	}
}

func subscribeCatalog(cfg *config.Config, publicURL string) subscribe.Catalog {
	cat := subscribe.Catalog{Components: cfg.Components, PublicURL: publicURL}
	for _, p := range cfg.EffectivePages() {
		cat.Pages = append(cat.Pages, p.Page)
	}
	return cat
}

func alertCatalog(cfg *config.Config) alert.Catalog {
	return alert.Catalog{
		Monitors:   cfg.Monitors,
		Components: cfg.Components,
		Routes:     cfg.Routes,
		Policies:   cfg.EscalationPolicies,
		Schedules:  cfg.Schedules,
	}
}
