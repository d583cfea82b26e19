package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ReleaseClaims hands back every delivery a dispatcher claimed and never
// answered, due now. Call it at start on a store only one sitrep uses (the
// embedded SQLite file): claims found then belong to a process that died
// mid-send, and the notification goes out again at once — with the same
// idempotency key — instead of after the lease. Where several nodes share
// a database, the lease alone decides, since a claim may be a live node's.
func (s *Store) ReleaseClaims(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE deliveries SET next_attempt_ms = ?, claimed_ms = 0
			WHERE state = 'pending' AND claimed_ms > 0`), now.UnixMilli())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("release delivery claims: %w", err)
	}
	return int(n), nil
}
