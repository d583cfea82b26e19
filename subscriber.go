package sitrep

import (
	"context"
	"time"
)

// SubscriberKind is how a subscriber is reached.
type SubscriberKind string

const (
	SubscriberEmail   SubscriberKind = "email"
	SubscriberWebhook SubscriberKind = "webhook"
	SubscriberSlack   SubscriberKind = "slack"
	SubscriberTeams   SubscriberKind = "teams"
	SubscriberDiscord SubscriberKind = "discord"
)

// SubscriberKinds lists every kind.
var SubscriberKinds = []SubscriberKind{SubscriberEmail, SubscriberWebhook, SubscriberSlack, SubscriberTeams, SubscriberDiscord}

// Valid reports whether k is one of SubscriberKinds.
func (k SubscriberKind) Valid() bool {
	for _, v := range SubscriberKinds {
		if k == v {
			return true
		}
	}
	return false
}

// EventSubscriberConfirm asks a new email subscriber to confirm the
// address (double opt-in). Its delivery goes through the outbox like any
// other message, so a crash cannot lose it; the event's OrderKey names the
// subscriber (see SubscriberOrderKey).
const EventSubscriberConfirm EventKind = "subscriber.confirm"

// SubscriberOrderKey is the Event.OrderKey of a subscriber's own events
// (the confirmation). Event has no subscriber field, so the key also carries
// the subscriber's id; SubscriberFromOrderKey reads it back.
func SubscriberOrderKey(subscriberID string) string { return "subscriber:" + subscriberID }

// SubscriberFromOrderKey returns the subscriber id in a key made by
// SubscriberOrderKey, or "".
func SubscriberFromOrderKey(key string) string {
	const prefix = "subscriber:"
	if len(key) > len(prefix) && key[:len(prefix)] == prefix {
		return key[len(prefix):]
	}
	return ""
}

// ConfirmTTL is how long a confirmation link works.
const ConfirmTTL = 48 * time.Hour

// Subscriber is a person or system that wants a page's updates.
type Subscriber struct {
	ID   string
	Page string // page slug
	Kind SubscriberKind
	// Address is the email address, or the webhook / incoming-webhook URL.
	Address string
	// Components the subscriber chose; empty means the whole page.
	Components []string
	// Confirmed subscribers receive messages. Email subscribers start
	// unconfirmed (double opt-in); webhooks and chat are confirmed at once.
	Confirmed   bool
	CreatedAt   time.Time
	ConfirmedAt time.Time
	// Secret signs webhook deliveries (HMAC-SHA256); generated, shown to
	// the subscriber once, "" for other kinds.
	Secret string

	// ConfirmHash is the SHA-256 of the pending confirmation token, valid
	// until ConfirmExpires; both are cleared on confirmation.
	// ConfirmRequestedAt is when that token was made (tokens are derived
	// from it, so a new request replaces the old link).
	ConfirmHash        []byte
	ConfirmRequestedAt time.Time
	ConfirmExpires     time.Time
	// ManageHash is the SHA-256 of the token in manage and unsubscribe
	// links. Tokens are never stored in the clear.
	ManageHash []byte

	// Events are written by the store in the same transaction as this
	// change (the confirmation email) and then cleared.
	Events []Event
}

// Wants reports whether the subscriber wants news about any of components
// (an empty choice means everything).
func (s *Subscriber) Wants(components []string) bool {
	if len(s.Components) == 0 {
		return true
	}
	for _, c := range s.Components {
		for _, e := range components {
			if c == e {
				return true
			}
		}
	}
	return false
}

// SubscriberQuery selects confirmed subscribers to expand an event to.
type SubscriberQuery struct {
	Page string
	// Components selects subscribers who chose the whole page or any of
	// these; empty selects only whole-page subscribers.
	Components []string
	// After is the id of the last subscriber of the previous batch ("" to
	// start); batches come in id order.
	After string
	Limit int
}

// SubscriberFilter selects subscribers for the admin; zero fields do not filter.
type SubscriberFilter struct {
	Page string
	Kind SubscriberKind
	// Search matches part of the address.
	Search    string
	Confirmed *bool
	Limit     int
	Offset    int
}

// SubscriberStore keeps subscribers. Implemented by internal/sqlstore.
type SubscriberStore interface {
	// CreateSubscriber stores a new subscriber, sets its ID and writes its
	// Events in the same transaction; ECONFLICT when one with the same
	// page, kind and address exists.
	CreateSubscriber(ctx context.Context, s *Subscriber) error
	// UpdateSubscriber reads subscriber id, passes it to fn and stores
	// what fn left (and its Events) in one transaction.
	UpdateSubscriber(ctx context.Context, id string, fn func(*Subscriber) error) (*Subscriber, error)
	// Subscriber returns one subscriber (ENOTFOUND if none).
	Subscriber(ctx context.Context, id string) (*Subscriber, error)
	// SubscriberByAddress finds a subscriber by page, kind and address
	// (ENOTFOUND if none).
	SubscriberByAddress(ctx context.Context, page string, kind SubscriberKind, address string) (*Subscriber, error)
	// ConfirmSubscriber confirms the subscriber whose pending confirmation
	// token hashes to tokenHash, if it has not expired at now; ENOTFOUND
	// otherwise. Confirming twice finds nothing the second time.
	ConfirmSubscriber(ctx context.Context, tokenHash []byte, now time.Time) (*Subscriber, error)
	// SubscriberByManageToken finds the subscriber whose manage token
	// hashes to tokenHash (ENOTFOUND if none).
	SubscriberByManageToken(ctx context.Context, tokenHash []byte) (*Subscriber, error)
	// DeleteSubscriber removes a subscriber (unsubscribe, admin removal);
	// ENOTFOUND if none.
	DeleteSubscriber(ctx context.Context, id string) error
	// SubscribersFor returns one batch of confirmed subscribers for an
	// event, in id order; call again with After set to the last id until
	// a batch is shorter than Limit. Only ID, Page, Kind, Address and
	// Confirmed are filled in: expansion needs no more, and reads many.
	SubscribersFor(ctx context.Context, q SubscriberQuery) ([]*Subscriber, error)
	// FindSubscribers searches subscribers, newest first, and says how
	// many match in all (admin list and export).
	FindSubscribers(ctx context.Context, f SubscriberFilter) ([]*Subscriber, int, error)
	// DeleteExpiredPending removes unconfirmed subscribers whose
	// confirmation expired before now and returns how many.
	DeleteExpiredPending(ctx context.Context, now time.Time) (int, error)
}

// SubscribeInput is a request to subscribe (the form or POST /api/v1/subscribers).
type SubscribeInput struct {
	Page string
	// Exactly one of Email and URL is set; Kind says what URL is
	// (webhook, slack, teams, discord) and defaults to webhook.
	Email      string
	URL        string
	Kind       SubscriberKind
	Components []string
}

// SubscribeResult is what a subscriber may be told. For email it is the
// same whether or not the address was already subscribed, so nobody can
// find out who is.
type SubscribeResult struct {
	// Pending is true for email: "check your inbox".
	Pending bool
	// ID, Secret and ManageToken are set for webhook and chat subscribers,
	// who are active at once; the secret is shown this once only.
	ID          string
	Secret      string
	ManageToken string
}

// SubscriberPreferences is what the manage page shows and changes.
type SubscriberPreferences struct {
	Page    string
	Kind    SubscriberKind
	Address string // shown masked for URLs
	// Components chosen (empty = whole page) and those the page offers.
	Components []string
	Available  []Component
}

// SubscriberService is what the web layer needs for subscriptions.
type SubscriberService interface {
	Subscribe(ctx context.Context, in SubscribeInput) (SubscribeResult, error)
	// Confirm confirms an email subscription by its link token.
	Confirm(ctx context.Context, token string) (SubscriberPreferences, error)
	// Unsubscribe removes the subscriber whose manage token this is.
	Unsubscribe(ctx context.Context, token string) error
	// Preferences returns what the manage page shows.
	Preferences(ctx context.Context, token string) (SubscriberPreferences, error)
	// SetComponents changes the chosen components (empty = whole page).
	SetComponents(ctx context.Context, token string, components []string) (SubscriberPreferences, error)
	// PageOffers reports the page's title and components, for the form;
	// ENOTFOUND for an unknown page.
	PageOffers(ctx context.Context, slug string) (Page, []Component, error)
}
