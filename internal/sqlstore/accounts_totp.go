package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"sitrep"
)

// UserTOTP returns a user's second-factor record.
func (s *Store) UserTOTP(ctx context.Context, userID string) (sitrep.TOTPRecord, error) {
	var r sitrep.TOTPRecord
	err := s.r.QueryRowContext(ctx, s.q(`SELECT totp_secret, totp_pending, totp_last_step FROM users WHERE id = ?`), userID).
		Scan(&r.Secret, &r.Pending, &r.LastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return r, sitrep.Errorf(sitrep.ENOTFOUND, "no user with id %q", userID)
	}
	if err != nil {
		return r, fmt.Errorf("read second factor of user %s: %w", userID, err)
	}
	return r, nil
}

// SetUserTOTP replaces the second-factor record and, when recoveryHashes is
// not nil, the recovery codes, in one transaction.
func (s *Store) SetUserTOTP(ctx context.Context, userID string, r sitrep.TOTPRecord, recoveryHashes []string) error {
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET totp_secret = ?, totp_pending = ?, totp_last_step = ? WHERE id = ?`),
			r.Secret, r.Pending, r.LastStep, userID)
		if err != nil {
			return err
		}
		if err := accountOneRow(res, "user", userID); err != nil {
			return err
		}
		if recoveryHashes == nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM recovery_codes WHERE user_id = ?`), userID); err != nil {
			return err
		}
		for _, h := range recoveryHashes {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO recovery_codes (user_id, hash) VALUES (?, ?)`), userID, h); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store second factor of user %s: %w", userID, err)
	}
	return nil
}

// UseTOTPStep advances the last used step only forwards, in one statement,
// so two requests with the same code cannot both succeed.
func (s *Store) UseTOTPStep(ctx context.Context, userID string, step int64) (bool, error) {
	var ok bool
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`), step, userID, step)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		ok = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record TOTP use of user %s: %w", userID, err)
	}
	return ok, nil
}

// UseRecoveryCode deletes one code hash, reporting whether it existed.
func (s *Store) UseRecoveryCode(ctx context.Context, userID, hash string) (bool, error) {
	var ok bool
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM recovery_codes WHERE user_id = ? AND hash = ?`), userID, hash)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		ok = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("use recovery code of user %s: %w", userID, err)
	}
	return ok, nil
}
