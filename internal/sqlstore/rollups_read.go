package sqlstore

import (
	"context"
	"fmt"
	"time"

	"sitrep"
)

// Rollups returns the buckets Maintain has built so far; results still in the
// recent log are not in them yet.
func (s *Store) Rollups(ctx context.Context, monitorID string, res sitrep.Resolution, from, to time.Time) ([]sitrep.Rollup, error) {
	code, ok := resCode(res)
	if !ok {
		return nil, sitrep.Errorf(sitrep.EINVALID, "unknown rollup resolution %q, want minute, hour or day", res)
	}
	mon, ok, err := s.monitorID(ctx, monitorID)
	if err != nil || !ok {
		return nil, err
	}
	rowStart, _ := rowOf(code, from.UnixMilli())
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT start_ms, data FROM rollups
		WHERE monitor = ? AND res = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms`),
		mon, code, rowStart, to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("read %s rollups of %s: %w", res, monitorID, err)
	}
	defer rows.Close()
	var out []sitrep.Rollup
	for rows.Next() {
		var start int64
		var data []byte
		if err := rows.Scan(&start, &data); err != nil {
			return nil, fmt.Errorf("read %s rollups of %s: %w", res, monitorID, err)
		}
		bs, err := decodeRollup(data)
		if err != nil {
			return nil, fmt.Errorf("decode %s rollup of %s at %d: %w", res, monitorID, start, err)
		}
		for _, b := range bs {
			t := bucketStart(code, start, b.slot)
			if t.Before(from) || !t.Before(to) {
				continue
			}
			out = append(out, sitrep.Rollup{
				MonitorID:  monitorID,
				Resolution: res,
				Start:      t,
				Up:         int(b.up),
				Degraded:   int(b.deg),
				Down:       int(b.down),
				LatencySum: time.Duration(b.sum) * latencyUnit,
				LatencyMin: time.Duration(b.min) * latencyUnit,
				LatencyMax: time.Duration(b.max) * latencyUnit,
			})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s rollups of %s: %w", res, monitorID, err)
	}
	return out, nil
}
