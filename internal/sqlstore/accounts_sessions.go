package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"sitrep"
)

// CreateSession stores a session by the hash of its token.
func (s *Store) CreateSession(ctx context.Context, r sitrep.SessionRecord) error {
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO sessions (hash, user_id, csrf, pending, created_ms, seen_ms, ip)
			VALUES (?, ?, ?, ?, ?, ?, ?)`), r.Hash, r.UserID, r.CSRFToken, r.Pending, toMS(r.CreatedAt), toMS(r.SeenAt), r.IP)
		return err
	})
	if err != nil {
		return fmt.Errorf("create session for user %s: %w", r.UserID, err)
	}
	return nil
}

// SessionByHash returns a session (ENOTFOUND).
func (s *Store) SessionByHash(ctx context.Context, hash string) (*sitrep.SessionRecord, error) {
	r := sitrep.SessionRecord{Hash: hash}
	var created, seen int64
	err := s.r.QueryRowContext(ctx, s.q(`SELECT user_id, csrf, pending, created_ms, seen_ms, ip FROM sessions WHERE hash = ?`), hash).
		Scan(&r.UserID, &r.CSRFToken, &r.Pending, &created, &seen, &r.IP)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no such session")
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	r.CreatedAt, r.SeenAt = fromMS(created), fromMS(seen)
	return &r, nil
}

// TouchSession records when a session was last used.
func (s *Store) TouchSession(ctx context.Context, hash string, seen time.Time) error {
	return s.accountExec(ctx, "touch session", `UPDATE sessions SET seen_ms = ? WHERE hash = ?`, toMS(seen), hash)
}

// DeleteSession removes one session; a missing one is not an error.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return s.accountExec(ctx, "delete session", `DELETE FROM sessions WHERE hash = ?`, hash)
}

// DeleteUserSessions signs a user out everywhere.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	return s.accountExec(ctx, "delete sessions of user "+userID, `DELETE FROM sessions WHERE user_id = ?`, userID)
}

func (s *Store) accountExec(ctx context.Context, what, query string, args ...any) error {
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(query), args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
