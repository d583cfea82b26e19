package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sitrep"
)

// maxErrorText caps LastError: a provider's error page should not bloat
// the outbox.
const maxErrorText = 1000

// work is one worker of a lane.
func (d *Dispatcher) work(ctx context.Context, l *lane) {
	for {
		select {
		case <-ctx.Done():
			d.drain(ctx, l)
			return
		case j := <-l.queue:
			if d.stale(j) {
				d.putBack(ctx, j.d)
			} else {
				d.attempt(ctx, l, j.d)
			}
			d.inflight.Add(-1)
			// A successor in the same order group may be due now, or the
			// lane has room again. Under a large backlog, claim in steps
			// of half a queue rather than after every single send.
			if n := len(l.queue); n == 0 || n <= l.limits.Queue/2 && l.full.CompareAndSwap(true, false) {
				d.Kick()
			}
		}
	}
}

// drain hands queued deliveries back on shutdown so that the next start
// sends them at once instead of after the claim lease.
func (d *Dispatcher) drain(ctx context.Context, l *lane) {
	for {
		select {
		case j := <-l.queue:
			d.inflight.Add(-1)
			d.putBack(ctx, j.d)
		default:
			return
		}
	}
}

// stale reports whether a queued delivery waited so long that its claim
// could run out during the send (a rate-limited lane with a long queue):
// it is handed back rather than risk a second claimer sending it too. The
// store returns the claim's expiry as NextAttemptAt.
func (d *Dispatcher) stale(j job) bool {
	leaseEnd := j.d.NextAttemptAt
	return leaseEnd.After(j.claimed) && !d.clock.Now().Add(d.opts.AttemptTimeout).Before(leaseEnd)
}

func (d *Dispatcher) putBack(ctx context.Context, dl sitrep.Delivery) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	dl.NextAttemptAt = d.clock.Now()
	if err := d.store.RecordAttempt(ctx, dl); err != nil {
		d.log.Warn("hand back delivery", "delivery", dl.ID, "err", err)
	}
}

// attempt runs the last stages for one delivery: circuit breaker, rate
// limit, compose, send, and record what happened.
func (d *Dispatcher) attempt(ctx context.Context, l *lane, dl sitrep.Delivery) {
	now := d.clock.Now()
	d.metrics.QueueAge(l.key, now.Sub(dl.CreatedAt))
	br := l.breakerFor(dl)
	if ok, retryAt := br.allow(now); !ok {
		d.deferTo(ctx, l.key, dl, retryAt, "channel "+l.key+" is failing; circuit open")
		return
	}
	if l.bucket != nil {
		if err := l.bucket.wait(ctx); err != nil {
			br.release()
			d.putBack(ctx, dl)
			return
		}
	}
	router := d.router.Load()
	sender := router.Senders[l.key]
	composer := router.composer(dl)
	if sender == nil || composer == nil {
		br.release()
		what := "sender"
		if sender != nil {
			what = "composer"
		}
		d.fail(ctx, l.key, dl, fmt.Errorf("no %s for channel %q (is it still configured?)", what, l.key), 0)
		return
	}
	msg, err := d.compose(ctx, composer, dl)
	if err != nil {
		br.release()
		d.failed(ctx, l.key, dl, fmt.Errorf("compose: %w", err), 0)
		return
	}
	sendCtx, cancel := context.WithTimeout(ctx, d.opts.AttemptTimeout)
	start := d.clock.Now()
	err = sender.Send(sendCtx, dl.Recipient, msg)
	cancel()
	end := d.clock.Now()
	latency := end.Sub(start)
	var perm *sitrep.PermanentError
	switch {
	case err == nil:
		br.success()
		dl.State, dl.DeliveredAt, dl.LastError = sitrep.DeliveryDelivered, end, ""
		dl.Attempts++
		d.record(ctx, l.key, dl, OutcomeDelivered, latency)
	case ctx.Err() != nil:
		// Shut down mid-send: whether it arrived is unknown, so it is
		// sent again after the restart, with the same idempotency key.
		br.release()
		d.putBack(ctx, dl)
	case errors.As(err, &perm):
		// The provider answered, so it is up; the message is what's wrong.
		br.success()
		d.fail(ctx, l.key, dl, err, latency)
	default:
		br.failure(end)
		d.retry(ctx, l.key, dl, err, latency)
	}
}

func (d *Dispatcher) compose(ctx context.Context, c Composer, dl sitrep.Delivery) (sitrep.Message, error) {
	e, err := d.events.get(ctx, d.store, dl.EventID)
	if err != nil {
		return sitrep.Message{}, err
	}
	m, err := c.Compose(ctx, e, dl)
	if err != nil {
		return m, err
	}
	if m.IdempotencyKey == "" {
		m.IdempotencyKey = dl.IdempotencyKey
	}
	if m.Kind == "" {
		m.Kind = dl.Kind
	}
	if m.At.IsZero() {
		m.At = e.At
	}
	return m, nil
}

// failed routes an error that happened before sending: permanent ones
// fail the delivery, others retry it.
func (d *Dispatcher) failed(ctx context.Context, key string, dl sitrep.Delivery, err error, latency time.Duration) {
	var perm *sitrep.PermanentError
	if errors.As(err, &perm) {
		d.fail(ctx, key, dl, err, latency)
		return
	}
	d.retry(ctx, key, dl, err, latency)
}

func (d *Dispatcher) fail(ctx context.Context, key string, dl sitrep.Delivery, err error, latency time.Duration) {
	dl.Attempts++
	dl.State, dl.LastError = sitrep.DeliveryFailed, errorText(err)
	d.log.Warn("delivery failed", "delivery", dl.ID, "channel", key, "kind", dl.Kind, "err", err)
	d.record(ctx, key, dl, OutcomeFailed, latency)
}

// retry schedules the next attempt with backoff, or gives up once the
// delivery is older than MaxAge.
func (d *Dispatcher) retry(ctx context.Context, key string, dl sitrep.Delivery, err error, latency time.Duration) {
	now := d.clock.Now()
	if age := now.Sub(dl.CreatedAt); age >= d.opts.MaxAge {
		d.fail(ctx, key, dl, fmt.Errorf("gave up after %s: %w", age.Round(time.Second), err), latency)
		return
	}
	dl.Attempts++
	dl.LastError = errorText(err)
	dl.NextAttemptAt = now.Add(d.opts.Backoff.Delay(dl.Attempts, d.opts.Rand()))
	d.record(ctx, key, dl, OutcomeRetry, latency)
}

// deferTo puts a delivery off without an attempt (circuit open), or fails
// it if it is too old to wait any longer.
func (d *Dispatcher) deferTo(ctx context.Context, key string, dl sitrep.Delivery, at time.Time, why string) {
	now := d.clock.Now()
	if age := now.Sub(dl.CreatedAt); age >= d.opts.MaxAge {
		dl.Attempts-- // no attempt was made; fail counts one
		d.fail(ctx, key, dl, fmt.Errorf("gave up after %s: %s (last error: %s)", age.Round(time.Second), why, dl.LastError), 0)
		return
	}
	dl.NextAttemptAt = at
	if dl.LastError == "" {
		dl.LastError = why
	}
	d.record(ctx, key, dl, OutcomeDeferred, 0)
}

func errorText(err error) string {
	s := err.Error()
	if len(s) > maxErrorText {
		s = s[:maxErrorText] + "…"
	}
	return s
}
