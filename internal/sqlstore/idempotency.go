package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"sitrep"
)

var _ sitrep.IdempotencyStore = (*Store)(nil)

// ReserveIdempotencyKey claims a key in one transaction: expired or stale
// holders are removed, then the insert either wins or the holder is read.
// ON CONFLICT DO NOTHING keeps two concurrent claims on PostgreSQL from
// failing the transaction; exactly one of them inserts.
func (s *Store) ReserveIdempotencyKey(ctx context.Context, rec sitrep.IdempotencyRecord, expireBefore, staleBefore time.Time) (*sitrep.IdempotencyRecord, error) {
	var held *sitrep.IdempotencyRecord
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		held = nil
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM idempotency_keys WHERE scope = ? AND key = ?
			AND (created_ms < ? OR (done = ? AND created_ms < ?))`),
			rec.Scope, rec.Key, expireBefore.UnixMilli(), false, staleBefore.UnixMilli()); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO idempotency_keys
			(scope, key, request_hash, created_ms, done, status, content_type, location, body)
			VALUES (?, ?, ?, ?, ?, 0, '', '', ?) ON CONFLICT (scope, key) DO NOTHING`),
			rec.Scope, rec.Key, rec.RequestHash, rec.CreatedAt.UnixMilli(), false, []byte{})
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			return nil
		}
		h := sitrep.IdempotencyRecord{Scope: rec.Scope, Key: rec.Key}
		var created int64
		err = tx.QueryRowContext(ctx, s.q(`SELECT request_hash, created_ms, done, status, content_type, location, body
			FROM idempotency_keys WHERE scope = ? AND key = ?`), rec.Scope, rec.Key).
			Scan(&h.RequestHash, &created, &h.Done, &h.Answer.Status, &h.Answer.ContentType, &h.Answer.Location, &h.Answer.Body)
		if errors.Is(err, sql.ErrNoRows) {
			// Only a concurrent release between our insert and read gets
			// here; the caller may simply retry.
			return sitrep.Errorf(sitrep.ECONFLICT, "idempotency key %q changed hands; retry the request", rec.Key)
		}
		if err != nil {
			return err
		}
		h.CreatedAt = time.UnixMilli(created).UTC()
		held = &h
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reserve idempotency key %q: %w", rec.Key, err)
	}
	return held, nil
}

// CompleteIdempotencyKey stores the answer of a reserved request.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, scope, key string, a sitrep.IdempotencyAnswer) error {
	body := a.Body
	if body == nil {
		body = []byte{}
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE idempotency_keys SET done = ?, status = ?, content_type = ?, location = ?, body = ?
			WHERE scope = ? AND key = ?`), true, a.Status, a.ContentType, a.Location, body, scope, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("store answer for idempotency key %q: %w", key, err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a reservation that is not done yet; a
// finished answer is never released.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, scope, key string) error {
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND done = ?`),
			scope, key, false)
		return err
	})
	if err != nil {
		return fmt.Errorf("release idempotency key %q: %w", key, err)
	}
	return nil
}

// PurgeIdempotencyKeys deletes records created before t.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM idempotency_keys WHERE created_ms < ?`), before.UnixMilli())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	return int(n), nil
}
