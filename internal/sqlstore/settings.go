package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"sitrep"
)

var _ sitrep.AdminTokenStore = (*Store)(nil)

const adminTokenKey = "admin_token_hash"

// AdminTokenHash returns the stored hash of the admin token, "" when none
// was set yet.
func (s *Store) AdminTokenHash(ctx context.Context) (string, error) {
	var hash string
	err := s.r.QueryRowContext(ctx, s.q(`SELECT value FROM settings WHERE key = ?`), adminTokenKey).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read admin token hash: %w", err)
	}
	return hash, nil
}

// SetAdminTokenHash stores the hash, replacing any earlier one. An empty
// hash is refused: "no token" is what AdminTokenHash reports before the
// first start, and must not be reachable by mistake later.
func (s *Store) SetAdminTokenHash(ctx context.Context, hash string) error {
	if hash == "" {
		return sitrep.Errorf(sitrep.EINVALID, "an empty admin token hash cannot be stored")
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`), adminTokenKey, hash)
		return err
	})
	if err != nil {
		return fmt.Errorf("store admin token hash: %w", err)
	}
	return nil
}
