package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"sitrep"
)

// OutboxLease is how long DueDeliveries hands a delivery to its claimer:
// the claim moves next_attempt_ms forward by the lease, so if the claimer
// dies (kill -9) mid-send the delivery becomes due again once it passes.
// A dispatcher's attempt timeout must stay well below it, or a slow send
// could be claimed a second time while still in flight.
const OutboxLease = 2 * time.Minute

const (
	deliveryCols = `id, event_id, kind, channel, subscriber_id, recipient, idempotency_key, order_key, state,
		attempts, created_ms, next_attempt_ms, delivered_ms, last_error`
	deliveryColCount = 14
)

// dueQuery selects pending deliveries whose attempt is due, that have no
// earlier pending delivery in the same (order_key, channel, recipient), and
// whose order key has no earlier event still waiting to be expanded: an
// update is never sent before the opening it follows, even when the
// opening's expansion failed for a while or another node expands it. The
// channel is part of the group so that a dead channel never holds up
// another one. "Earlier" is the events' commit order (event_seq).
const dueQuery = `SELECT ` + deliveryCols + ` FROM deliveries d
	WHERE d.state = 'pending' AND d.next_attempt_ms <= ?
	AND (d.order_key = '' OR (NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.state = 'pending'
		AND e.order_key = d.order_key AND e.channel = d.channel AND e.recipient = d.recipient
		AND (e.event_seq < d.event_seq OR (e.event_seq = d.event_seq AND e.seq < d.seq)))
	AND NOT EXISTS (SELECT 1 FROM events v WHERE NOT v.expanded AND v.order_key = d.order_key AND v.seq < d.event_seq)))
	%s ORDER BY d.next_attempt_ms, d.seq LIMIT ?`

// DueDeliveries claims up to limit due deliveries by moving their next
// attempt OutboxLease ahead. On PostgreSQL the rows are taken with FOR
// UPDATE SKIP LOCKED, so several dispatchers share the queue without
// waiting on each other; SQLite has one writer and needs no row locks.
func (s *Store) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]sitrep.Delivery, error) {
	return s.DueDeliveriesExcept(ctx, now, limit, nil)
}

// DueDeliveriesExcept is DueDeliveries leaving out deliveries through the
// given channels: the dispatcher names the lanes that are full, so it never
// claims what it would only have to hand back.
func (s *Store) DueDeliveriesExcept(ctx context.Context, now time.Time, limit int, channels []string) ([]sitrep.Delivery, error) {
	if limit <= 0 {
		limit = defaultFindLimit
	}
	// Most polls find nothing due. Asking that on a reader costs a small
	// indexed query, where the claim costs a write transaction and planning
	// the ordering query, which made idle polling a visible share of a busy
	// server's CPU. A delivery that comes due in between waits for the
	// next round.
	var due int
	err := s.r.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM (SELECT 1 FROM deliveries
		WHERE state = 'pending' AND next_attempt_ms <= ? LIMIT 1) x`), now.UnixMilli()).Scan(&due)
	if err != nil {
		return nil, fmt.Errorf("look for due deliveries: %w", err)
	}
	if due == 0 {
		return nil, nil
	}
	var out []sitrep.Delivery
	lease := now.Add(OutboxLease)
	err = s.Transact(ctx, func(tx *sql.Tx) error {
		args := []any{now.UnixMilli()}
		except := ""
		if len(channels) > 0 {
			except = `AND d.channel NOT IN (` + placeholders(len(channels)) + `)`
			args = append(args, anys(channels)...)
		}
		query := fmt.Sprintf(dueQuery, except)
		if s.d.forUpdate != "" {
			query += s.d.forUpdate + " SKIP LOCKED"
		}
		rows, err := tx.QueryContext(ctx, s.q(query), append(args, limit)...)
		if err != nil {
			return err
		}
		if out, err = scanDeliveries(rows); err != nil {
			return err
		}
		for i := range out {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE deliveries SET next_attempt_ms = ?, claimed_ms = ? WHERE id = ?`),
				lease.UnixMilli(), now.UnixMilli(), out[i].ID); err != nil {
				return err
			}
			out[i].NextAttemptAt = fromMS(lease.UnixMilli())
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim due deliveries: %w", err)
	}
	return out, nil
}

// RecordAttempt stores the outcome of one attempt: state, attempts, next
// attempt, delivered time and last error. Only a pending delivery changes,
// so a late answer from a claimer whose lease ran out cannot undo what a
// later claimer or a person did.
func (s *Store) RecordAttempt(ctx context.Context, d sitrep.Delivery) error {
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE deliveries SET state = ?, attempts = ?, next_attempt_ms = ?,
			delivered_ms = ?, last_error = ?, claimed_ms = 0 WHERE id = ? AND state = 'pending'`), string(d.State), d.Attempts,
			toMS(d.NextAttemptAt), toMS(d.DeliveredAt), d.LastError, d.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		return s.deliveryExists(ctx, tx, d.ID)
	})
	if err != nil {
		return fmt.Errorf("record attempt of delivery %s: %w", d.ID, err)
	}
	return nil
}

func (s *Store) deliveryExists(ctx context.Context, tx *sql.Tx, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM deliveries WHERE id = ?`), id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return sitrep.Errorf(sitrep.ENOTFOUND, "no delivery with id %q", id)
	}
	return nil
}

// Deliveries lists deliveries in one state ("" for all), newest first.
func (s *Store) Deliveries(ctx context.Context, state sitrep.DeliveryState, limit int) ([]sitrep.Delivery, error) {
	if limit <= 0 {
		limit = defaultFindLimit
	}
	query, args := `SELECT `+deliveryCols+` FROM deliveries ORDER BY seq DESC LIMIT ?`, []any{limit}
	if state != "" {
		query, args = `SELECT `+deliveryCols+` FROM deliveries WHERE state = ? ORDER BY seq DESC LIMIT ?`, []any{string(state), limit}
	}
	rows, err := s.r.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	out, err := scanDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	return out, nil
}

// RetryDelivery puts a failed delivery back to pending, due now. A retry by
// hand starts afresh: attempts go back to 0 and CreatedAt to now, so the
// dispatcher's maximum age counts from the retry, not from the first try.
func (s *Store) RetryDelivery(ctx context.Context, id string, now time.Time) error {
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE deliveries SET state = 'pending', attempts = 0, created_ms = ?,
			next_attempt_ms = ? WHERE id = ? AND state = 'failed'`), now.UnixMilli(), now.UnixMilli(), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		if err := s.deliveryExists(ctx, tx, id); err != nil {
			return err
		}
		return sitrep.Errorf(sitrep.ECONFLICT, "delivery %q has not failed; only failed deliveries can be retried", id)
	})
	if err != nil {
		return fmt.Errorf("retry delivery %s: %w", id, err)
	}
	return nil
}

func scanDeliveries(rows *sql.Rows) ([]sitrep.Delivery, error) {
	defer rows.Close()
	var out []sitrep.Delivery
	for rows.Next() {
		var d sitrep.Delivery
		var kind, state string
		var created, next, delivered int64
		if err := rows.Scan(&d.ID, &d.EventID, &kind, &d.Channel, &d.SubscriberID, &d.Recipient, &d.IdempotencyKey,
			&d.OrderKey, &state, &d.Attempts, &created, &next, &delivered, &d.LastError); err != nil {
			return nil, err
		}
		d.Kind, d.State = sitrep.EventKind(kind), sitrep.DeliveryState(state)
		d.CreatedAt, d.NextAttemptAt, d.DeliveredAt = fromMS(created), fromMS(next), fromMS(delivered)
		out = append(out, d)
	}
	return out, rows.Err()
}
