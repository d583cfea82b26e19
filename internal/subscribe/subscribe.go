// Package subscribe is what customers hear: sign-up with double opt-in,
// confirmation, one-click unsubscribe and preferences (the
// sitrep.SubscriberService), the expansion of incident and maintenance
// events into one delivery per subscriber, and the rendering of those
// deliveries into messages with the page's branding and time zone.
//
// Link tokens are derived from a server key and the subscriber's id (HMAC),
// and only their SHA-256 is stored: every message can carry working manage
// and unsubscribe links without the database ever holding one.
package subscribe

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"sitrep"
)

// Records reads what events are about; sqlstore.Store and the status
// engine both provide it.
type Records interface {
	Incident(ctx context.Context, id string) (*sitrep.Incident, error)
	Maintenance(ctx context.Context, id string) (*sitrep.Maintenance, error)
}

// Options configure a Service.
type Options struct {
	Store   sitrep.SubscriberStore
	Records Records
	// Key derives the link tokens; at least 32 random bytes, kept across
	// restarts (a new key invalidates every link already sent).
	Key    []byte
	Clock  sitrep.Clock // nil = the system clock
	Logger *slog.Logger
	// UnsubscribeMailto, when set (e.g. "unsubscribe@example.com"), is
	// offered in List-Unsubscribe next to the one-click link.
	UnsubscribeMailto string
	// BatchSize is how many subscribers Expand reads at a time (default 500).
	BatchSize int
	// AllowPrivateURLs accepts webhook URLs on loopback and private
	// networks; only for tests and closed installations, since the
	// subscribe API is public and would otherwise let anyone make sitrep
	// call into its own network.
	AllowPrivateURLs bool
}

// Catalog is the declared part subscriptions need: the pages, the
// components they show, and the public address links are built from. It
// has the same fields as statusengine.Catalog and is replaced on reload.
type Catalog struct {
	Components []sitrep.Component
	// Pages are already defaulted by config; the first is served at "/".
	Pages []sitrep.Page
	// PublicURL is the server's address without a trailing slash.
	PublicURL string
}

// Service implements sitrep.SubscriberService and the dispatcher's
// Expand and Compose steps for subscriber events.
type Service struct {
	store   sitrep.SubscriberStore
	records Records
	key     []byte
	clock   sitrep.Clock
	log     *slog.Logger
	mailto  string
	batch   int
	private bool
	cat     atomic.Pointer[catalog]
}

var _ sitrep.SubscriberService = (*Service)(nil)

// New returns a Service.
func New(opts Options, cat Catalog) (*Service, error) {
	switch {
	case opts.Store == nil:
		return nil, errors.New("subscribe: a store is required")
	case opts.Records == nil:
		return nil, errors.New("subscribe: incident and maintenance records are required")
	case len(opts.Key) < 32:
		return nil, errors.New("subscribe: the link key must have at least 32 bytes")
	}
	s := &Service{
		store: opts.Store, records: opts.Records, key: opts.Key, clock: opts.Clock, log: opts.Logger,
		mailto: opts.UnsubscribeMailto, batch: opts.BatchSize, private: opts.AllowPrivateURLs,
	}
	if s.clock == nil {
		s.clock = sitrep.SystemClock()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("component", "subscribe")
	if s.batch <= 0 {
		s.batch = 500
	}
	s.SetCatalog(cat)
	return s, nil
}

// SetCatalog replaces the pages and components (config reload).
func (s *Service) SetCatalog(cat Catalog) { s.cat.Store(compileCatalog(cat)) }

func (s *Service) now() time.Time { return s.clock.Now() }

// catalog is a Catalog indexed.
type catalog struct {
	Catalog
	comps map[string]*sitrep.Component
	pages map[string]*pageInfo
	order []*pageInfo
}

type pageInfo struct {
	sitrep.Page
	// url is the page's own address; root is where the server's routes
	// (/confirm, /manage…) answer for it.
	url, root string
	// comps are the page's components in declaration order.
	comps []*sitrep.Component
}

func compileCatalog(in Catalog) *catalog {
	c := &catalog{Catalog: in, comps: map[string]*sitrep.Component{}, pages: map[string]*pageInfo{}}
	for i := range in.Components {
		c.comps[in.Components[i].ID] = &in.Components[i]
	}
	base := strings.TrimSuffix(in.PublicURL, "/")
	scheme := "https"
	if u, err := url.Parse(base); err == nil && u.Scheme != "" {
		scheme = u.Scheme
	}
	for i, p := range in.Pages {
		pi := &pageInfo{Page: p, root: base, url: base}
		switch {
		case p.CustomDomain != "":
			pi.root = scheme + "://" + p.CustomDomain
			pi.url = pi.root
		case i > 0:
			pi.url = base + "/" + p.Slug
		}
		for k := range in.Components {
			if p.ShowsGroup(in.Components[k].Group) {
				pi.comps = append(pi.comps, &in.Components[k])
			}
		}
		c.pages[p.Slug] = pi
		c.order = append(c.order, pi)
	}
	return c
}

// shows reports whether the page shows component id.
func (p *pageInfo) shows(id string) bool {
	for _, c := range p.comps {
		if c.ID == id {
			return true
		}
	}
	return false
}

func (c *catalog) page(slug string) (*pageInfo, error) {
	if p, ok := c.pages[slug]; ok {
		return p, nil
	}
	return nil, sitrep.FieldErrorf(sitrep.ENOTFOUND, "page", "no status page %q", slug)
}

// componentName is the display name of a component, its id when unknown.
func (c *catalog) componentName(id string) string {
	if comp, ok := c.comps[id]; ok && comp.Name != "" {
		return comp.Name
	}
	return id
}
