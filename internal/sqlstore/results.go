package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"sitrep"
)

// AppendResults writes a batch as one row of the recent log. While free disk
// is below the floor, raw results are dropped (nil is returned: the engine
// must keep running) and Usage reports LowDisk.
func (s *Store) AppendResults(ctx context.Context, results []sitrep.Result) error {
	if len(results) == 0 {
		return nil
	}
	if s.checkLowDisk() {
		if s.dropped.Add(int64(len(results))) == int64(len(results)) {
			s.log.Warn("free disk below the floor, dropping raw results", "min_free_bytes", s.minFree)
		}
		return nil
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		rs := make([]raw, len(results))
		minMs, maxMs := int64(1<<62), int64(-1<<62)
		for i, r := range results {
			mon, err := s.ensureMonitor(ctx, tx, r.MonitorID)
			if err != nil {
				return err
			}
			loc, err := s.ensureLocation(ctx, tx, r.Location)
			if err != nil {
				return err
			}
			x := raw{mon: mon, loc: loc, ms: r.Time.UnixMilli(), status: uint8(r.Status), lat: latencyUnits(r.Latency)}
			if r.Error != "" {
				if x.err, err = s.ensureError(ctx, tx, mon, r.Error); err != nil {
					return err
				}
			}
			minMs, maxMs = min(minMs, x.ms), max(maxMs, x.ms)
			rs[i] = x
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO result_log (min_ms, max_ms, n, data) VALUES (?, ?, ?, ?)`),
			minMs, maxMs, len(rs), encodeLog(rs))
		return err
	})
	if err != nil {
		return fmt.Errorf("store %d results: %w", len(results), err)
	}
	return nil
}

// Results returns raw results from blocks and the recent log, read in one
// snapshot so that a concurrent Maintain moving them cannot hide or repeat any.
func (s *Store) Results(ctx context.Context, monitorID string, from, to time.Time) ([]sitrep.Result, error) {
	mon, ok, err := s.monitorID(ctx, monitorID)
	if err != nil || !ok {
		return nil, err
	}
	fromMs, toMs := from.UnixMilli(), to.UnixMilli()
	var rs []raw
	err = s.readTx(ctx, func(tx *sql.Tx) error {
		hourStart := time.UnixMilli(fromMs).UTC().Truncate(time.Hour).UnixMilli()
		rows, err := tx.QueryContext(ctx, s.q(`SELECT start_ms, data FROM result_blocks
			WHERE monitor = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms`), mon, hourStart, toMs)
		if err != nil {
			return fmt.Errorf("read blocks: %w", err)
		}
		for rows.Next() {
			var start int64
			var data []byte
			if err := rows.Scan(&start, &data); err != nil {
				rows.Close()
				return err
			}
			if rs, err = decodeBlock(rs, mon, start, data); err != nil {
				rows.Close()
				return fmt.Errorf("decode block %d: %w", start, err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rs, err = s.readLog(ctx, tx, rs, mon, fromMs, toMs)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read results of %s: %w", monitorID, err)
	}
	keep := rs[:0]
	for _, x := range rs {
		if x.ms >= fromMs && x.ms < toMs {
			keep = append(keep, x)
		}
	}
	sort.SliceStable(keep, func(i, j int) bool { return keep[i].ms < keep[j].ms })
	out := make([]sitrep.Result, len(keep))
	for i, x := range keep {
		r := sitrep.Result{
			MonitorID: monitorID,
			Time:      time.UnixMilli(x.ms).UTC(),
			Status:    sitrep.ResultStatus(x.status),
			Latency:   time.Duration(x.lat) * latencyUnit,
		}
		if r.Location, err = s.locationName(ctx, x.loc); err != nil {
			return nil, err
		}
		if x.err != 0 {
			if r.Error, err = s.errorText(ctx, x.err); err != nil {
				return nil, err
			}
		}
		out[i] = r
	}
	return out, nil
}

func (s *Store) readLog(ctx context.Context, tx *sql.Tx, rs []raw, mon, fromMs, toMs int64) ([]raw, error) {
	rows, err := tx.QueryContext(ctx, s.q(`SELECT data FROM result_log WHERE max_ms >= ? AND min_ms < ? ORDER BY seq`), fromMs, toMs)
	if err != nil {
		return rs, fmt.Errorf("read recent results: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return rs, err
		}
		if rs, err = decodeLog(rs, data, mon); err != nil {
			return rs, fmt.Errorf("decode recent results: %w", err)
		}
	}
	return rs, rows.Err()
}

func (s *Store) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, s.d.readTx)
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// OldestRaw returns the time of the oldest raw result kept for a monitor.
func (s *Store) OldestRaw(ctx context.Context, monitorID string) (time.Time, error) {
	mon, ok, err := s.monitorID(ctx, monitorID)
	if err != nil || !ok {
		return time.Time{}, err
	}
	var oldest int64 = -1
	err = s.readTx(ctx, func(tx *sql.Tx) error {
		var first sql.NullInt64
		if err := tx.QueryRowContext(ctx, s.q(`SELECT MIN(first_ms) FROM result_blocks WHERE monitor = ?`), mon).Scan(&first); err != nil {
			return err
		}
		if first.Valid {
			oldest = first.Int64
		}
		// The log only matters when it holds something older than the
		// blocks, which happens only before the first Maintain or for late
		// results.
		var bound int64 = 1 << 62
		if first.Valid {
			bound = first.Int64
		}
		rs, err := s.readLog(ctx, tx, nil, mon, -1<<62, bound)
		if err != nil {
			return err
		}
		for _, x := range rs {
			if oldest == -1 || x.ms < oldest {
				oldest = x.ms
			}
		}
		return nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("read oldest result of %s: %w", monitorID, err)
	}
	if oldest == -1 {
		return time.Time{}, nil
	}
	return time.UnixMilli(oldest).UTC(), nil
}
