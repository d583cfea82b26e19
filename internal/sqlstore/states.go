package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"sitrep"
)

// RecordStateChange stores the change, the monitor's current state and the
// change's Events in one transaction.
func (s *Store) RecordStateChange(ctx context.Context, c sitrep.StateChange) error {
	if c.MonitorID == "" {
		return sitrep.FieldErrorf(sitrep.EINVALID, "monitor", "a state change needs a monitor id")
	}
	at := c.At.UnixMilli()
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO state_changes (monitor, from_state, to_state, at_ms, reason)
			VALUES (?, ?, ?, ?, ?)`), c.MonitorID, string(c.From), string(c.To), at, c.Reason); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO monitor_states (monitor, state, since_ms) VALUES (?, ?, ?)
			ON CONFLICT (monitor) DO UPDATE SET state = excluded.state, since_ms = excluded.since_ms`),
			c.MonitorID, string(c.To), at); err != nil {
			return err
		}
		return s.writeEvents(ctx, tx, c.Events)
	})
	if err != nil {
		return fmt.Errorf("record state change of %s to %s: %w", c.MonitorID, c.To, err)
	}
	return nil
}

// MonitorStates returns every monitor's last recorded state. LastResult is
// left nil: the engine fills it from its first new result.
func (s *Store) MonitorStates(ctx context.Context) ([]sitrep.MonitorState, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT monitor, state, since_ms FROM monitor_states ORDER BY monitor`)
	if err != nil {
		return nil, fmt.Errorf("read monitor states: %w", err)
	}
	defer rows.Close()
	var out []sitrep.MonitorState
	for rows.Next() {
		var m sitrep.MonitorState
		var state string
		var since int64
		if err := rows.Scan(&m.MonitorID, &state, &since); err != nil {
			return nil, fmt.Errorf("read monitor states: %w", err)
		}
		m.State, m.Since = sitrep.State(state), time.UnixMilli(since).UTC()
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read monitor states: %w", err)
	}
	return out, nil
}

// StateChanges returns a monitor's transitions with from <= At < to, oldest
// first (in recording order for equal times).
func (s *Store) StateChanges(ctx context.Context, monitorID string, from, to time.Time) ([]sitrep.StateChange, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT from_state, to_state, at_ms, reason FROM state_changes
		WHERE monitor = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms, id`), monitorID, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("read state changes of %s: %w", monitorID, err)
	}
	defer rows.Close()
	var out []sitrep.StateChange
	for rows.Next() {
		c := sitrep.StateChange{MonitorID: monitorID}
		var fromS, toS string
		var at int64
		if err := rows.Scan(&fromS, &toS, &at, &c.Reason); err != nil {
			return nil, fmt.Errorf("read state changes of %s: %w", monitorID, err)
		}
		c.From, c.To, c.At = sitrep.State(fromS), sitrep.State(toS), time.UnixMilli(at).UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read state changes of %s: %w", monitorID, err)
	}
	return out, nil
}
