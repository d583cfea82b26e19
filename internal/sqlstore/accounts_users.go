package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"sitrep"
)

var _ sitrep.AccountStore = (*Store)(nil)

const userCols = `id, email, name, role, password_hash, disabled, created_ms, last_login_ms, totp_secret`

// CreateUser stores a new user; the email is unique.
func (s *Store) CreateUser(ctx context.Context, u *sitrep.User) error {
	if u.ID == "" {
		u.ID = newID()
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		if err := s.emailFree(ctx, tx, u.Email, u.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO users (id, email, name, role, password_hash, disabled,
			created_ms, last_login_ms, totp_secret, totp_pending, totp_last_step)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '', 0)`),
			u.ID, u.Email, u.Name, string(u.Role), u.PasswordHash, u.Disabled, toMS(u.CreatedAt), toMS(u.LastLoginAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.Email, err)
	}
	return nil
}

func (s *Store) emailFree(ctx context.Context, tx *sql.Tx, email, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM users WHERE email = ? AND id <> ?`), email, id).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return sitrep.FieldErrorf(sitrep.ECONFLICT, "email", "a user with email %s exists already", email)
	}
	return nil
}

// UpdateUser writes the changeable fields of an existing user.
func (s *Store) UpdateUser(ctx context.Context, u *sitrep.User) error {
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		if err := s.emailFree(ctx, tx, u.Email, u.ID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET email = ?, name = ?, role = ?, password_hash = ?,
			disabled = ?, last_login_ms = ? WHERE id = ?`),
			u.Email, u.Name, string(u.Role), u.PasswordHash, u.Disabled, toMS(u.LastLoginAt), u.ID)
		if err != nil {
			return err
		}
		return accountOneRow(res, "user", u.ID)
	})
	if err != nil {
		return fmt.Errorf("update user %s: %w", u.ID, err)
	}
	return nil
}

func accountOneRow(res sql.Result, what, id string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return sitrep.Errorf(sitrep.ENOTFOUND, "no %s with id %q", what, id)
	}
	return nil
}

// UserByID returns one user (ENOTFOUND).
func (s *Store) UserByID(ctx context.Context, id string) (*sitrep.User, error) {
	return s.readUser(ctx, `WHERE id = ?`, id)
}

// UserByEmail returns one user by email (ENOTFOUND).
func (s *Store) UserByEmail(ctx context.Context, email string) (*sitrep.User, error) {
	return s.readUser(ctx, `WHERE email = ?`, email)
}

func (s *Store) readUser(ctx context.Context, where, arg string) (*sitrep.User, error) {
	row := s.r.QueryRowContext(ctx, s.q(`SELECT `+userCols+` FROM users `+where), arg)
	u, err := scanUser(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sitrep.Errorf(sitrep.ENOTFOUND, "no such user")
	}
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	return u, nil
}

// ListUsers returns every user, oldest first.
func (s *Store) ListUsers(ctx context.Context) ([]sitrep.User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []sitrep.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, *u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

type accountScanner interface{ Scan(dest ...any) error }

func scanUser(sc accountScanner) (*sitrep.User, error) {
	var u sitrep.User
	var role, secret string
	var created, login int64
	if err := sc.Scan(&u.ID, &u.Email, &u.Name, &role, &u.PasswordHash, &u.Disabled, &created, &login, &secret); err != nil {
		return nil, err
	}
	u.Role = sitrep.Role(role)
	u.CreatedAt, u.LastLoginAt = fromMS(created), fromMS(login)
	u.TOTPEnabled = secret != ""
	return &u, nil
}
