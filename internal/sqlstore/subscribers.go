package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"sitrep"
)

var _ sitrep.SubscriberStore = (*Store)(nil)

// CreateSubscriber stores a new subscriber and its events in one
// transaction. The unique (page, kind, address) index decides conflicts, so
// two simultaneous sign-ups of one address cannot both succeed.
func (s *Store) CreateSubscriber(ctx context.Context, sub *sitrep.Subscriber) error {
	if err := checkSubscriber(sub); err != nil {
		return err
	}
	if sub.ID == "" {
		sub.ID = newID()
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM subscribers WHERE id = ? OR (page = ? AND kind = ? AND address = ?)`),
			sub.ID, sub.Page, string(sub.Kind), sub.Address).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return sitrep.Errorf(sitrep.ECONFLICT, "this %s subscriber of page %q exists already", sub.Kind, sub.Page)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO subscribers (`+subscriberCols+`)
			VALUES (`+placeholders(subscriberColCount)+`)`), subscriberArgs(sub)...); err != nil {
			return err
		}
		if err := s.writeSubscriberComponents(ctx, tx, sub); err != nil {
			return err
		}
		return s.writeEvents(ctx, tx, sub.Events)
	})
	if err != nil {
		return fmt.Errorf("create subscriber for page %q: %w", sub.Page, err)
	}
	sub.Events = nil
	return nil
}

// UpdateSubscriber reads, changes and writes one subscriber in one write
// transaction; fn must not call the store.
func (s *Store) UpdateSubscriber(ctx context.Context, id string, fn func(*sitrep.Subscriber) error) (*sitrep.Subscriber, error) {
	var out *sitrep.Subscriber
	var fnErr error
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		sub, err := s.readSubscriber(ctx, tx, `WHERE id = ?`+s.d.forUpdate, id)
		if err != nil {
			return err
		}
		old := *sub
		if err := fn(sub); err != nil {
			fnErr = err
			return err
		}
		sub.ID = id
		if err := checkSubscriber(sub); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE subscribers SET page = ?, kind = ?, address = ?, components_json = ?,
			whole_page = ?, confirmed = ?, created_ms = ?, confirmed_ms = ?, secret = ?, confirm_hash = ?,
			confirm_requested_ms = ?, confirm_expires_ms = ?, manage_hash = ? WHERE id = ?`),
			append(subscriberArgs(sub)[1:], id)...); err != nil {
			return err
		}
		if !slices.Equal(old.Components, sub.Components) {
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM subscriber_components WHERE subscriber_id = ?`), id); err != nil {
				return err
			}
			if err := s.writeSubscriberComponents(ctx, tx, sub); err != nil {
				return err
			}
		}
		if err := s.writeEvents(ctx, tx, sub.Events); err != nil {
			return err
		}
		sub.Events = nil
		out = sub
		return nil
	})
	if fnErr != nil {
		return nil, fnErr
	}
	if err != nil {
		return nil, fmt.Errorf("update subscriber %q: %w", id, err)
	}
	return out, nil
}

// ConfirmSubscriber confirms by token hash; an expired token is as unknown
// as a wrong one, so the answer tells an attacker nothing.
func (s *Store) ConfirmSubscriber(ctx context.Context, tokenHash []byte, now time.Time) (*sitrep.Subscriber, error) {
	if len(tokenHash) == 0 {
		return nil, subscriberNotFound()
	}
	var out *sitrep.Subscriber
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		sub, err := s.readSubscriber(ctx, tx, `WHERE confirm_hash = ?`+s.d.forUpdate, tokenHash)
		if err != nil {
			return err
		}
		if sub.Confirmed || !now.Before(sub.ConfirmExpires) {
			return subscriberNotFound()
		}
		sub.Confirmed, sub.ConfirmedAt = true, now
		sub.ConfirmHash, sub.ConfirmExpires = nil, time.Time{}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE subscribers SET confirmed = ?, confirmed_ms = ?, confirm_hash = NULL,
			confirm_expires_ms = 0 WHERE id = ?`), true, toMS(now), sub.ID); err != nil {
			return err
		}
		out = sub
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("confirm subscriber: %w", err)
	}
	return out, nil
}

// DeleteSubscriber removes a subscriber and its component choices.
func (s *Store) DeleteSubscriber(ctx context.Context, id string) error {
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM subscriber_components WHERE subscriber_id = ?`), id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM subscribers WHERE id = ?`), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return subscriberNotFound()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete subscriber %q: %w", id, err)
	}
	return nil
}

// DeleteExpiredPending removes sign-ups nobody confirmed in time, so an
// address someone else typed in is forgotten.
func (s *Store) DeleteExpiredPending(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		cond := `confirmed = ? AND confirm_expires_ms <= ?`
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM subscriber_components WHERE subscriber_id IN
			(SELECT id FROM subscribers WHERE `+cond+`)`), false, toMS(now)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM subscribers WHERE `+cond), false, toMS(now))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete expired subscriptions: %w", err)
	}
	return int(n), nil
}

func (s *Store) writeSubscriberComponents(ctx context.Context, tx *sql.Tx, sub *sitrep.Subscriber) error {
	for _, c := range sub.Components {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO subscriber_components (subscriber_id, component_id) VALUES (?, ?)`),
			sub.ID, c); err != nil {
			return fmt.Errorf("write component %q: %w", c, err)
		}
	}
	return nil
}

func subscriberNotFound() error {
	return sitrep.Errorf(sitrep.ENOTFOUND, "no such subscription")
}

// checkSubscriber refuses what the tables cannot hold or what would make a
// subscriber unreachable by its links.
func checkSubscriber(sub *sitrep.Subscriber) error {
	switch {
	case sub == nil:
		return sitrep.Errorf(sitrep.EINVALID, "no subscriber")
	case sub.Page == "":
		return sitrep.FieldErrorf(sitrep.EINVALID, "page", "is required")
	case !sub.Kind.Valid():
		return sitrep.FieldErrorf(sitrep.EINVALID, "kind", "unknown subscriber kind %q", sub.Kind)
	case sub.Address == "":
		return sitrep.FieldErrorf(sitrep.EINVALID, "address", "is required")
	case len(sub.ManageHash) == 0:
		return sitrep.FieldErrorf(sitrep.EINVALID, "manage_hash", "is required")
	}
	seen := map[string]bool{}
	for _, c := range sub.Components {
		if seen[c] {
			return sitrep.FieldErrorf(sitrep.EINVALID, "components", "%q is listed twice", c)
		}
		seen[c] = true
	}
	return nil
}
