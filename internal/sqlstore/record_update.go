package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// recordKind is a kind of record people and automation change by
// read-modify-write (incidents, maintenance windows).
type recordKind[T any] struct {
	table    string // locked row's table
	what     string // for error messages: "incident", "maintenance window"
	notFound func(id string) error
	read     func(ctx context.Context, q querier, id string) (T, error)
	clone    func(T) T
	// write stores rec, changed from old, with its events, inside tx.
	write func(ctx context.Context, tx *sql.Tx, id string, rec, old T) error
}

// updateRecord reads a record, lets fn change it and writes the difference
// back, all in one write transaction: on PostgreSQL the row is locked with
// FOR UPDATE, on SQLite the single writer serialises. fn runs while the
// store's writer is held, so it must not call the store; its error is
// returned as it is, with nothing written.
func updateRecord[T any](ctx context.Context, s *Store, id string, k recordKind[T], fn func(T) error) (out T, err error) {
	var fnErr error
	err = s.Transact(ctx, func(tx *sql.Tx) error {
		if s.d.forUpdate != "" {
			var seq int64
			err := tx.QueryRowContext(ctx, s.q(`SELECT seq FROM `+k.table+` WHERE id = ?`+s.d.forUpdate), id).Scan(&seq)
			if errors.Is(err, sql.ErrNoRows) {
				return k.notFound(id)
			}
			if err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		rec, err := k.read(ctx, tx, id)
		if err != nil {
			return err
		}
		old := k.clone(rec)
		if err := fn(rec); err != nil {
			fnErr = err
			return err
		}
		if err := k.write(ctx, tx, id, rec, old); err != nil {
			return err
		}
		// Answer with what a later read returns (updates in timeline
		// order, times at storage resolution), not with fn's copy.
		out, err = k.read(ctx, tx, id)
		return err
	})
	if fnErr != nil {
		return out, fnErr
	}
	if err != nil {
		return out, fmt.Errorf("update %s %s: %w", k.what, id, err)
	}
	return out, nil
}
