package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"sitrep"
)

// expand is the first stage: pending events become deliveries, one event
// at a time, each in one store transaction with the event's "expanded"
// mark. An event whose expanders fail stays pending and is tried again next
// round; the store holds back later deliveries with the same order key
// meanwhile. It reports whether a full batch was read.
func (d *Dispatcher) expand(ctx context.Context) bool {
	evs, err := d.store.PendingEvents(ctx, d.opts.Batch)
	d.expandFailed = err != nil
	if err != nil {
		if ctx.Err() == nil {
			d.log.Error("read pending events", "err", err)
		}
		return false
	}
	for _, e := range evs {
		if err := d.expandOne(ctx, e); err != nil && ctx.Err() == nil {
			d.expandFailed = true
			d.log.Error("expand event", "event", e.ID, "kind", e.Kind, "err", err)
		}
	}
	return len(evs) == d.opts.Batch
}

func (d *Dispatcher) expandOne(ctx context.Context, e sitrep.Event) error {
	var all []sitrep.Delivery
	for _, x := range d.opts.Expanders {
		ds, err := x.Expand(ctx, e)
		if err != nil {
			return err
		}
		all = append(all, ds...)
	}
	now := d.clock.Now()
	for i := range all {
		dl := &all[i]
		dl.EventID, dl.State, dl.Attempts = e.ID, sitrep.DeliveryPending, 0
		if dl.Kind == "" {
			dl.Kind = e.Kind
		}
		if dl.OrderKey == "" {
			dl.OrderKey = e.OrderKey
		}
		if dl.IdempotencyKey == "" {
			dl.IdempotencyKey = IdempotencyKey(e.ID, *dl)
		}
		dl.CreatedAt, dl.NextAttemptAt = now, now
	}
	return d.store.ExpandEvent(ctx, e.ID, all)
}

// IdempotencyKey is the default key of a delivery: the event id and a hash
// of where it goes, so it is the same every time the event is expanded and
// differs for every recipient.
func IdempotencyKey(eventID string, d sitrep.Delivery) string {
	h := sha256.New()
	for _, s := range []string{d.Channel, d.SubscriberID, d.Recipient} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return eventID + "-" + hex.EncodeToString(h.Sum(nil)[:10])
}
