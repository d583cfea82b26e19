package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"sitrep"
)

// PutOneTimeToken stores a token, replacing the earlier one of its kind and
// user.
func (s *Store) PutOneTimeToken(ctx context.Context, t sitrep.OneTimeToken) error {
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM one_time_tokens WHERE kind = ? AND user_id = ?`), t.Kind, t.UserID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO one_time_tokens (hash, kind, user_id, expires_ms, created_ms) VALUES (?, ?, ?, ?, ?)`),
			t.Hash, t.Kind, t.UserID, toMS(t.ExpiresAt), toMS(t.CreatedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("store %s token: %w", t.Kind, err)
	}
	return nil
}

// TakeOneTimeToken removes and returns a token. The read and the delete
// share the write transaction, so a token is taken at most once.
func (s *Store) TakeOneTimeToken(ctx context.Context, hash string) (*sitrep.OneTimeToken, error) {
	t := sitrep.OneTimeToken{Hash: hash}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		var expires, created int64
		err := tx.QueryRowContext(ctx, s.q(`SELECT kind, user_id, expires_ms, created_ms FROM one_time_tokens WHERE hash = ?`+s.d.forUpdate), hash).
			Scan(&t.Kind, &t.UserID, &expires, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return sitrep.Errorf(sitrep.ENOTFOUND, "no such token")
		}
		if err != nil {
			return err
		}
		t.ExpiresAt, t.CreatedAt = fromMS(expires), fromMS(created)
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM one_time_tokens WHERE hash = ?`), hash)
		if err != nil {
			return err
		}
		return accountOneRow(res, "token", "")
	})
	if err != nil {
		return nil, fmt.Errorf("take one-time token: %w", err)
	}
	return &t, nil
}

// AppendAudit stores an audit entry.
func (s *Store) AppendAudit(ctx context.Context, e *sitrep.AuditEntry) error {
	if e.ID == "" {
		e.ID = newID()
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO audit_log (id, at_ms, actor, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			e.ID, toMS(e.At), e.Actor, e.Action, e.Target, e.Detail, e.IP)
		return err
	})
	if err != nil {
		return fmt.Errorf("append audit entry %s: %w", e.Action, err)
	}
	return nil
}

// AuditLog lists entries newest first.
func (s *Store) AuditLog(ctx context.Context, before time.Time, limit int) ([]sitrep.AuditEntry, error) {
	if limit <= 0 {
		limit = defaultFindLimit
	}
	beforeMS := int64(1<<63 - 1)
	if !before.IsZero() {
		beforeMS = toMS(before)
	}
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT id, at_ms, actor, action, target, detail, ip FROM audit_log
		WHERE at_ms < ? ORDER BY at_ms DESC, seq DESC LIMIT ?`), beforeMS, limit)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []sitrep.AuditEntry
	for rows.Next() {
		var e sitrep.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Detail, &e.IP); err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return out, nil
}
