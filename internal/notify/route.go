package notify

import (
	"context"
	"strings"

	"sitrep"
)

// Expander turns one event into its deliveries: one per recipient, each
// with the Channel it goes through. The subscriber side (subscribers of the
// affected pages and components) and the staff side (routes, escalation)
// each provide one. Expand must be deterministic for an event: after a
// crash it runs again and the idempotency keys must come out the same.
type Expander interface {
	Expand(ctx context.Context, e sitrep.Event) ([]sitrep.Delivery, error)
}

// Composer renders the message of one delivery.
type Composer interface {
	Compose(ctx context.Context, e sitrep.Event, d sitrep.Delivery) (sitrep.Message, error)
}

// ExpanderFunc adapts a function to Expander.
type ExpanderFunc func(ctx context.Context, e sitrep.Event) ([]sitrep.Delivery, error)

// Expand calls f.
func (f ExpanderFunc) Expand(ctx context.Context, e sitrep.Event) ([]sitrep.Delivery, error) {
	return f(ctx, e)
}

// ComposerFunc adapts a function to Composer.
type ComposerFunc func(ctx context.Context, e sitrep.Event, d sitrep.Delivery) (sitrep.Message, error)

// Compose calls f.
func (f ComposerFunc) Compose(ctx context.Context, e sitrep.Event, d sitrep.Delivery) (sitrep.Message, error) {
	return f(ctx, e, d)
}

// SubscriberChannel is the Channel of a delivery to a subscriber's own
// address or webhook. An expander may also set "subscriber:<kind>"
// directly, which routes without Router.SubscriberKind.
const SubscriberChannel = "subscriber"

// Router says where each delivery goes. The app fills it from the config
// (one Sender per declared channel id) and the subscriber package (one per
// subscriber kind), and may replace it on reload with SetRouter.
type Router struct {
	// Senders by route key: a declared channel id ("oncall-email",
	// "pager") or "subscriber:<kind>" ("subscriber:email",
	// "subscriber:webhook", "subscriber:slack"...).
	Senders map[string]sitrep.Sender
	// SubscriberKind names the kind of a delivery whose Channel is plain
	// "subscriber" (for example by looking at its SubscriberID), giving
	// the key "subscriber:"+kind. Nil: such deliveries have no route.
	SubscriberKind func(sitrep.Delivery) string
	// Subscribers composes deliveries to subscribers; Channels composes
	// deliveries through declared (staff) channels.
	Subscribers Composer
	Channels    Composer
}

// Key returns the route key of d: its Senders entry, its lane (workers,
// rate limit, circuit breaker) and its metrics label.
func (r *Router) Key(d sitrep.Delivery) string {
	if d.Channel == SubscriberChannel && r.SubscriberKind != nil {
		return SubscriberChannel + ":" + r.SubscriberKind(d)
	}
	return d.Channel
}

// IsSubscriber reports whether d goes to a subscriber (and is composed by
// Router.Subscribers) rather than through a staff channel.
func IsSubscriber(d sitrep.Delivery) bool {
	return d.SubscriberID != "" || d.Channel == SubscriberChannel || strings.HasPrefix(d.Channel, SubscriberChannel+":")
}

func (r *Router) composer(d sitrep.Delivery) Composer {
	if IsSubscriber(d) {
		return r.Subscribers
	}
	return r.Channels
}
