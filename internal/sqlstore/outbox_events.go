package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"sitrep"
)

var _ sitrep.OutboxStore = (*Store)(nil)

const eventCols = `id, kind, at_ms, incident_id, update_id, maintenance_id, alert_id, monitor_id, components, order_key, level`

// writeEvents inserts events inside the caller's transaction, so that they
// commit or roll back with the change that caused them. It assigns ids and
// defaults At to now on a copy: the caller's slice is not touched.
func (s *Store) writeEvents(ctx context.Context, tx *sql.Tx, events []sitrep.Event) error {
	now := time.Now()
	for _, e := range events {
		if e.Kind == "" {
			return sitrep.FieldErrorf(sitrep.EINVALID, "events", "an event needs a kind")
		}
		if e.ID == "" {
			e.ID = newID()
		}
		if e.At.IsZero() {
			e.At = now
		}
		comps := "[]"
		if len(e.Components) > 0 {
			b, err := json.Marshal(e.Components)
			if err != nil {
				return fmt.Errorf("encode components of event %s: %w", e.Kind, err)
			}
			comps = string(b)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO events (`+eventCols+`, expanded)
			VALUES (`+placeholders(11)+`, FALSE)`), e.ID, string(e.Kind), e.At.UnixMilli(), e.IncidentID, e.UpdateID,
			e.MaintenanceID, e.AlertID, e.MonitorID, comps, e.OrderKey, e.Level); err != nil {
			return fmt.Errorf("store event %s: %w", e.Kind, err)
		}
		s.wroteEvents = true
	}
	return nil
}

// AddEvents writes events that no record change caused (alert reminders,
// escalations).
func (s *Store) AddEvents(ctx context.Context, events []sitrep.Event) error {
	if len(events) == 0 {
		return nil
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error { return s.writeEvents(ctx, tx, events) })
	if err != nil {
		return fmt.Errorf("add %d events: %w", len(events), err)
	}
	return nil
}

// PendingEvents returns events not yet expanded, in commit order.
func (s *Store) PendingEvents(ctx context.Context, limit int) ([]sitrep.Event, error) {
	if limit <= 0 {
		limit = defaultFindLimit
	}
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+eventCols+` FROM events WHERE NOT expanded ORDER BY seq LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("read pending events: %w", err)
	}
	out, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("read pending events: %w", err)
	}
	return out, nil
}

// Event returns one event.
func (s *Store) Event(ctx context.Context, id string) (sitrep.Event, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+eventCols+` FROM events WHERE id = ?`), id)
	if err != nil {
		return sitrep.Event{}, fmt.Errorf("read event %s: %w", id, err)
	}
	out, err := scanEvents(rows)
	if err != nil {
		return sitrep.Event{}, fmt.Errorf("read event %s: %w", id, err)
	}
	if len(out) == 0 {
		return sitrep.Event{}, sitrep.Errorf(sitrep.ENOTFOUND, "no event with id %q", id)
	}
	return out[0], nil
}

func scanEvents(rows *sql.Rows) ([]sitrep.Event, error) {
	defer rows.Close()
	var out []sitrep.Event
	for rows.Next() {
		var e sitrep.Event
		var kind, comps string
		var at int64
		if err := rows.Scan(&e.ID, &kind, &at, &e.IncidentID, &e.UpdateID, &e.MaintenanceID, &e.AlertID,
			&e.MonitorID, &comps, &e.OrderKey, &e.Level); err != nil {
			return nil, err
		}
		e.Kind, e.At = sitrep.EventKind(kind), fromMS(at)
		if comps != "[]" && comps != "" {
			if err := json.Unmarshal([]byte(comps), &e.Components); err != nil {
				return nil, fmt.Errorf("decode components of event %s: %w", e.ID, err)
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ExpandEvent records an event's deliveries and marks it expanded in one
// transaction. A delivery whose idempotency key exists already is skipped,
// so expanding twice (a crash before the mark, two dispatchers) sends
// nothing twice. Empty fields default from the event; ids are assigned.
func (s *Store) ExpandEvent(ctx context.Context, eventID string, deliveries []sitrep.Delivery) error {
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		var e struct {
			seq            int64
			kind, orderKey string
			expanded       bool
		}
		err := tx.QueryRowContext(ctx, s.q(`SELECT seq, kind, order_key, expanded FROM events WHERE id = ?`+s.d.forUpdate), eventID).
			Scan(&e.seq, &e.kind, &e.orderKey, &e.expanded)
		if errors.Is(err, sql.ErrNoRows) {
			return sitrep.Errorf(sitrep.ENOTFOUND, "no event with id %q", eventID)
		}
		if err != nil {
			return err
		}
		if e.expanded {
			return nil
		}
		now := time.Now()
		for _, d := range deliveries {
			if d.IdempotencyKey == "" {
				return sitrep.FieldErrorf(sitrep.EINVALID, "idempotency_key", "delivery to %q has no idempotency key", d.Recipient)
			}
			if d.ID == "" {
				d.ID = newID()
			}
			if d.Kind == "" {
				d.Kind = sitrep.EventKind(e.kind)
			}
			if d.OrderKey == "" {
				d.OrderKey = e.orderKey
			}
			if d.State == "" {
				d.State = sitrep.DeliveryPending
			}
			if d.CreatedAt.IsZero() {
				d.CreatedAt = now
			}
			if d.NextAttemptAt.IsZero() {
				d.NextAttemptAt = d.CreatedAt
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO deliveries (event_seq, `+deliveryCols+`)
				VALUES (?, `+placeholders(deliveryColCount)+`) ON CONFLICT (idempotency_key) DO NOTHING`),
				e.seq, d.ID, eventID, string(d.Kind), d.Channel, d.SubscriberID, d.Recipient, d.IdempotencyKey, d.OrderKey,
				string(d.State), d.Attempts, toMS(d.CreatedAt), toMS(d.NextAttemptAt), toMS(d.DeliveredAt), d.LastError); err != nil {
				return fmt.Errorf("store delivery to %q: %w", d.Recipient, err)
			}
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE events SET expanded = TRUE WHERE id = ?`), eventID)
		return err
	})
	if err != nil {
		return fmt.Errorf("expand event %s: %w", eventID, err)
	}
	return nil
}
