package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"fmt"
	"time"

	"sitrep"
)

// tokenBytes of randomness give a 24-character URL-safe token.
const tokenBytes = 18

// maxPingMessage caps what a job can make us store per ping.
const maxPingMessage = 10 << 10

// tokenHash is what lookups compare: finding a row by the hash of the
// presented token leaks nothing about how much of a real token it matched.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func newToken() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// HeartbeatToken returns the monitor's ping token, creating a random one the
// first time; a pinned token replaces whatever is stored.
func (s *Store) HeartbeatToken(ctx context.Context, monitorID, pinned string) (string, error) {
	if monitorID == "" {
		return "", sitrep.FieldErrorf(sitrep.EINVALID, "monitor", "a heartbeat token needs a monitor id")
	}
	var token string
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`SELECT token FROM heartbeat_tokens WHERE monitor = ?`), monitorID).Scan(&token)
		switch {
		case err == sql.ErrNoRows:
		case err != nil:
			return err
		case pinned == "" || pinned == token:
			return nil
		}
		token = pinned
		if token == "" {
			token = newToken()
		}
		// A pinned token may still belong to another monitor (copied config):
		// the newest declaration wins rather than failing the start.
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM heartbeat_tokens WHERE token_hash = ? AND monitor <> ?`),
			tokenHash(token), monitorID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO heartbeat_tokens (monitor, token, token_hash) VALUES (?, ?, ?)
			ON CONFLICT (monitor) DO UPDATE SET token = excluded.token, token_hash = excluded.token_hash`),
			monitorID, token, tokenHash(token))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("heartbeat token of %s: %w", monitorID, err)
	}
	return token, nil
}

// HeartbeatByToken resolves a ping token to its monitor id.
func (s *Store) HeartbeatByToken(ctx context.Context, token string) (string, error) {
	var id string
	err := s.r.QueryRowContext(ctx, s.q(`SELECT monitor FROM heartbeat_tokens WHERE token_hash = ?`), tokenHash(token)).Scan(&id)
	if err == sql.ErrNoRows {
		return "", sitrep.Errorf(sitrep.ENOTFOUND, "no heartbeat monitor has this token")
	}
	if err != nil {
		return "", fmt.Errorf("look up heartbeat token: %w", err)
	}
	return id, nil
}

// RecordPing durably stores a heartbeat ping.
func (s *Store) RecordPing(ctx context.Context, p sitrep.Ping) error {
	if p.MonitorID == "" {
		return sitrep.FieldErrorf(sitrep.EINVALID, "monitor", "a ping needs a monitor id")
	}
	msg := p.Message
	if len(msg) > maxPingMessage {
		msg = msg[:maxPingMessage]
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO pings (monitor, kind, at_ms, duration_ms, size, message, source)
			VALUES (?, ?, ?, ?, ?, ?, ?)`), p.MonitorID, string(p.Kind), p.Time.UnixMilli(),
			p.Duration.Milliseconds(), p.Size, msg, p.Source)
		return err
	})
	if err != nil {
		return fmt.Errorf("record ping of %s: %w", p.MonitorID, err)
	}
	return nil
}

// LastPings returns the most recent pings of a monitor, newest first.
func (s *Store) LastPings(ctx context.Context, monitorID string, limit int) ([]sitrep.Ping, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT kind, at_ms, duration_ms, size, message, source FROM pings
		WHERE monitor = ? ORDER BY at_ms DESC, id DESC LIMIT ?`), monitorID, limit)
	if err != nil {
		return nil, fmt.Errorf("read pings of %s: %w", monitorID, err)
	}
	defer rows.Close()
	var out []sitrep.Ping
	for rows.Next() {
		p := sitrep.Ping{MonitorID: monitorID}
		var kind string
		var at, dur int64
		if err := rows.Scan(&kind, &at, &dur, &p.Size, &p.Message, &p.Source); err != nil {
			return nil, fmt.Errorf("read pings of %s: %w", monitorID, err)
		}
		p.Kind, p.Time, p.Duration = sitrep.PingKind(kind), time.UnixMilli(at).UTC(), time.Duration(dur)*time.Millisecond
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read pings of %s: %w", monitorID, err)
	}
	return out, nil
}
