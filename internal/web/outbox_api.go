package web

import (
	"net/http"
	"time"

	"sitrep"
)

// deliveriesAPI shows the notification outbox to staff and lets them retry
// what failed: GET /api/v1/deliveries and POST /api/v1/deliveries/{id}/retry,
// behind the same bearer-token auth as the incidents API.
type deliveriesAPI struct {
	s     *Server
	store sitrep.OutboxStore
	api   *recordsAPI
}

// Kicker is implemented by what Options.Deliveries may also be wired to
// (the dispatcher): a retried delivery is then sent at once, not at the
// next poll.
type Kicker interface{ Kick() }

// registerDeliveries adds the deliveries routes when Options.Deliveries is set.
func (s *Server) registerDeliveries(mux *routeMux, opts Options) {
	if opts.Deliveries == nil {
		return
	}
	da := &deliveriesAPI{s: s, store: opts.Deliveries,
		api: &recordsAPI{s: s, auth: opts.Auth, cop: http.NewCrossOriginProtection()}}
	da.api.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeErrorJSON(w, http.StatusForbidden, sitrep.EFORBIDDEN,
			"cross-origin request refused: writes are accepted from this site or from API clients only", "")
	}))
	da.api.handle(mux, "GET /api/v1/deliveries", false, da.list)
	da.api.handle(mux, "POST /api/v1/deliveries/{id}/retry", true, da.retry)
	mux.Handle("/api/v1/deliveries", methodNotAllowed([]string{http.MethodGet}))
	mux.Handle("/api/v1/deliveries/{id}/retry", methodNotAllowed([]string{http.MethodPost}))
}

const (
	defaultDeliveriesLimit = 100
	maxDeliveriesLimit     = 1000
	maxDeliveriesOffset    = 10000
)

// deliveryJSON is a delivery as the API shows it. The recipient is shown as
// stored: expanders keep secrets (webhook query strings) out of it.
type deliveryJSON struct {
	ID             string     `json:"id"`
	EventID        string     `json:"event_id"`
	Kind           string     `json:"kind"`
	Channel        string     `json:"channel"`
	SubscriberID   string     `json:"subscriber_id,omitempty"`
	Recipient      string     `json:"recipient"`
	IdempotencyKey string     `json:"idempotency_key"`
	OrderKey       string     `json:"order_key,omitempty"`
	State          string     `json:"state"`
	Attempts       int        `json:"attempts"`
	CreatedAt      time.Time  `json:"created_at"`
	NextAttemptAt  *time.Time `json:"next_attempt_at,omitempty"`
	DeliveredAt    *time.Time `json:"delivered_at,omitempty"`
	LastError      string     `json:"last_error,omitempty"`
}

type deliveryListJSON struct {
	Deliveries []deliveryJSON `json:"deliveries"`
	NextCursor *string        `json:"next_cursor"`
}

func newDeliveryJSON(d sitrep.Delivery) deliveryJSON {
	out := deliveryJSON{ID: d.ID, EventID: d.EventID, Kind: string(d.Kind), Channel: d.Channel, SubscriberID: d.SubscriberID,
		Recipient: d.Recipient, IdempotencyKey: d.IdempotencyKey, OrderKey: d.OrderKey, State: string(d.State),
		Attempts: d.Attempts, CreatedAt: d.CreatedAt, LastError: d.LastError}
	if d.State == sitrep.DeliveryPending && !d.NextAttemptAt.IsZero() {
		t := d.NextAttemptAt
		out.NextAttemptAt = &t
	}
	if !d.DeliveredAt.IsZero() {
		t := d.DeliveredAt
		out.DeliveredAt = &t
	}
	return out
}

func (da *deliveriesAPI) list(w http.ResponseWriter, r *http.Request, _ *sitrep.Principal) {
	q := r.URL.Query()
	state := sitrep.DeliveryState(q.Get("state"))
	switch state {
	case "", sitrep.DeliveryPending, sitrep.DeliveryDelivered, sitrep.DeliveryFailed:
	default:
		da.api.fail(w, r, sitrep.FieldErrorf(sitrep.EINVALID, "state", "unknown value %q, valid: pending, delivered, failed (or leave it out for all)", state))
		return
	}
	limit, offset, err := parseLimitCursor(q.Get, defaultDeliveriesLimit, maxDeliveriesLimit)
	if err != nil {
		da.api.fail(w, r, err)
		return
	}
	// The store has no offset; reading past it is bounded by the page cap
	// and cheap next to the JSON, and one more row says whether a next page exists.
	if offset > maxDeliveriesOffset {
		da.api.fail(w, r, sitrep.FieldErrorf(sitrep.EINVALID, "cursor", "pages end %d deliveries back; filter by state to look further", maxDeliveriesOffset))
		return
	}
	ds, err := da.store.Deliveries(r.Context(), state, offset+limit+1)
	if err != nil {
		da.api.fail(w, r, err)
		return
	}
	ds, next := pageOf(ds, offset, limit)
	out := deliveryListJSON{Deliveries: make([]deliveryJSON, len(ds)), NextCursor: next}
	for i, d := range ds {
		out.Deliveries[i] = newDeliveryJSON(d)
	}
	da.s.writeJSON(w, r, http.StatusOK, out)
}

func (da *deliveriesAPI) retry(w http.ResponseWriter, r *http.Request, p *sitrep.Principal) {
	id := r.PathValue("id")
	if err := da.store.RetryDelivery(r.Context(), id, da.s.now()); err != nil {
		da.api.fail(w, r, err)
		return
	}
	da.s.logger.Info("delivery retried by hand", "delivery", id, "by", p.Name)
	if k, ok := da.store.(Kicker); ok {
		k.Kick()
	}
	w.WriteHeader(http.StatusNoContent)
}
