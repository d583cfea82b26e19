// Package notify delivers the notification outbox: the events that
// incidents, maintenance windows, monitor state changes and alerts commit
// together with the change that caused them (sitrep.OutboxStore).
//
// The dispatcher is a pipeline of small stages, in the spirit of
// Alertmanager's notify package:
//
//   - expand: each pending event runs through every Expander (subscribers,
//     staff routes); its deliveries, one per recipient with an idempotency
//     key per (event, recipient), are stored and the event marked expanded
//     in one transaction. Expanding twice stores nothing twice.
//   - claim: due deliveries are claimed from the store, which moves their
//     next attempt forward by a lease and holds back any delivery while an
//     earlier one of the same order key (an incident, a maintenance window)
//     to the same recipient through the same channel is still pending or
//     not yet expanded, so an update never overtakes the opening.
//   - lane: each route key (a declared channel id, or "subscriber:<kind>")
//     has its own queue, workers, token-bucket rate limit and circuit
//     breaker. A full lane hands new deliveries back instead of blocking,
//     so a slow or dead provider delays only its own messages.
//   - compose and send: the Router picks the Composer (subscriber or staff)
//     and the Sender; each send is bounded by AttemptTimeout.
//   - record: delivered; or retried after exponential backoff with full
//     jitter (base 5 s, cap 10 min); or failed — at once for a
//     sitrep.PermanentError, and once a delivery is older than MaxAge (24 h).
//     Failed deliveries stay in the store with their last error and can be
//     retried by hand (the deliveries API).
//
// The dispatcher polls every Poll (1 s) on the injected clock; Kick makes it
// look at once, so the app calls it after committing a change that carries
// events, and workers call it after each send so that the next message of
// an ordered group leaves right away.
//
// # What is guaranteed across crashes
//
// Nothing is sent that was not committed: events only exist in committed
// transactions. Nothing committed is lost: an event stays pending until its
// deliveries are stored, and a delivery stays pending until an attempt is
// recorded. If sitrep is killed (kill -9) while a send is in flight, the
// outcome is never recorded; the claim lease runs out and the delivery is
// claimed again after a restart (or by another node) and sent again with
// the same idempotency key. So at most that one in-flight message per
// recipient may repeat, and receivers that deduplicate see it once: our own
// webhook sends the key as the event id, PagerDuty and Opsgenie get it as
// dedup key and alias. On an ordinary shutdown, queued and interrupted
// deliveries are handed back due at once.
//
// The lease (sqlstore.OutboxLease, 2 min) must be longer than
// AttemptTimeout (30 s), or a slow send could be claimed twice.
package notify
