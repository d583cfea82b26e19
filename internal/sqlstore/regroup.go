package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// regroupMax bounds how many results one regrouping transaction rewrites:
// a minute of 100,000 monitors, a few tens of milliseconds of work.
const regroupMax = 200000

// regroup rewrites the oldest log rows up to seq last (about regroupMax
// results of them) as new log rows that each hold all the results of a run of
// monitors, about compactPerTx results per row. The engine's batches hold a
// second of every monitor, so compacting them as they are would rewrite a
// monitor's block and rollups once per result; after regrouping, each
// compaction transaction stays short and still rewrites each monitor's rows
// only once. The results stay in the log, in one transaction, so a crash
// at any point neither loses nor repeats any. It returns how many rows it
// took and the last seq it wrote (0 when it wrote none).
func (s *Store) regroup(ctx context.Context, last int64) (taken int, wrote int64, err error) {
	err = s.Transact(ctx, func(tx *sql.Tx) error {
		if s.d.lockMaintain != "" {
			if _, err := tx.ExecContext(ctx, s.d.lockMaintain); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		upTo, n, err := s.logShare(ctx, tx, last, regroupMax)
		if err != nil || n < 2 {
			// One row is compacted as it is: rewriting it gains nothing.
			return err
		}
		var rs []raw
		if rs, taken, err = s.takeLog(ctx, tx, upTo); err != nil {
			return err
		}
		slices.SortFunc(rs, func(a, b raw) int {
			return cmp.Or(cmp.Compare(a.mon, b.mon), cmp.Compare(a.ms, b.ms))
		})
		for len(rs) > 0 {
			// Cut after compactPerTx results, at a monitor boundary.
			i := min(len(rs), int(s.compactPerTx))
			for i < len(rs) && rs[i].mon == rs[i-1].mon {
				i++
			}
			group := rs[:i]
			rs = rs[i:]
			minMs, maxMs := group[0].ms, group[0].ms
			for _, x := range group {
				minMs, maxMs = min(minMs, x.ms), max(maxMs, x.ms)
			}
			if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO result_log (min_ms, max_ms, n, data) VALUES (?, ?, ?, ?) RETURNING seq`),
				minMs, maxMs, len(group), encodeLog(group)).Scan(&wrote); err != nil {
				return fmt.Errorf("write regrouped log row: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		taken, wrote = 0, 0
	}
	return taken, wrote, err
}
