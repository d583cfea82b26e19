package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"sitrep"
)

const apiTokenCols = `id, name, role, created_by, created_ms, expires_ms, last_used_ms`

// CreateAPIToken stores a token by the hash of its secret.
func (s *Store) CreateAPIToken(ctx context.Context, t *sitrep.APIToken, hash string) error {
	if t.ID == "" {
		t.ID = newID()
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO api_tokens (hash, `+apiTokenCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
			hash, t.ID, t.Name, string(t.Role), t.CreatedBy, toMS(t.CreatedAt), toMS(t.ExpiresAt), toMS(t.LastUsedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create API token %q: %w", t.Name, err)
	}
	return nil
}

// APITokenByHash returns a token (ENOTFOUND).
func (s *Store) APITokenByHash(ctx context.Context, hash string) (*sitrep.APIToken, error) {
	t, err := scanAPIToken(s.r.QueryRowContext(ctx, s.q(`SELECT `+apiTokenCols+` FROM api_tokens WHERE hash = ?`), hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no such API token")
	}
	if err != nil {
		return nil, fmt.Errorf("read API token: %w", err)
	}
	return t, nil
}

// ListAPITokens returns every token, oldest first.
func (s *Store) ListAPITokens(ctx context.Context) ([]sitrep.APIToken, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+apiTokenCols+` FROM api_tokens ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	defer rows.Close()
	var out []sitrep.APIToken
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list API tokens: %w", err)
		}
		out = append(out, *t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	return out, nil
}

func scanAPIToken(sc accountScanner) (*sitrep.APIToken, error) {
	var t sitrep.APIToken
	var role string
	var created, expires, used int64
	if err := sc.Scan(&t.ID, &t.Name, &role, &t.CreatedBy, &created, &expires, &used); err != nil {
		return nil, err
	}
	t.Role = sitrep.Role(role)
	t.CreatedAt, t.ExpiresAt, t.LastUsedAt = fromMS(created), fromMS(expires), fromMS(used)
	return &t, nil
}

// DeleteAPIToken revokes a token.
func (s *Store) DeleteAPIToken(ctx context.Context, id string) error {
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM api_tokens WHERE id = ?`), id)
		if err != nil {
			return err
		}
		return accountOneRow(res, "API token", id)
	})
	if err != nil {
		return fmt.Errorf("revoke API token %s: %w", id, err)
	}
	return nil
}

// TouchAPIToken records a token's last use.
func (s *Store) TouchAPIToken(ctx context.Context, id string, at time.Time) error {
	return s.accountExec(ctx, "touch API token "+id, `UPDATE api_tokens SET last_used_ms = ? WHERE id = ?`, toMS(at), id)
}
