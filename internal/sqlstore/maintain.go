package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
)

// logRowsPerTx bounds how many log batches one compaction transaction takes,
// so a backlog (after downtime) is worked off in steps instead of one huge
// transaction that would hold the writer for long.
const logRowsPerTx = 600

// Maintain compacts the recent log into blocks and rollups, then enforces the
// budget and the free-disk floor. Call it about once a minute: each call
// rewrites the open hour's block of every monitor that has new results.
// Everything in the log is compacted whatever its time, so now is not needed:
// buckets are updated as results arrive rather than when they close.
func (s *Store) Maintain(ctx context.Context, _ time.Time) error {
	for {
		n, err := s.compact(ctx)
		if err != nil {
			return fmt.Errorf("compact recent results: %w", err)
		}
		if n < logRowsPerTx {
			break
		}
	}
	if err := s.enforceLimits(ctx); err != nil {
		return err
	}
	return s.refreshStats(ctx)
}

type hourKey struct {
	mon   int64
	start int64
}

type rollupKey struct {
	mon   int64
	res   int
	start int64
}

// compact moves up to logRowsPerTx log rows into blocks and rollups in one
// transaction: deleting the log rows and adding their results happen together
// or not at all, which is what keeps rollups from double-counting.
func (s *Store) compact(ctx context.Context) (int, error) {
	var taken int
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		if s.d.lockMaintain != "" {
			if _, err := tx.ExecContext(ctx, s.d.lockMaintain); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		rows, err := tx.QueryContext(ctx, s.q(`DELETE FROM result_log WHERE seq IN
			(SELECT seq FROM result_log ORDER BY seq LIMIT ?) RETURNING data`), logRowsPerTx)
		if err != nil {
			return fmt.Errorf("take log rows: %w", err)
		}
		var rs []raw
		for rows.Next() {
			var data []byte
			if err := rows.Scan(&data); err != nil {
				rows.Close()
				return err
			}
			taken++
			if rs, err = decodeLog(rs, data, 0); err != nil {
				rows.Close()
				return fmt.Errorf("decode log row: %w", err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(rs) == 0 {
			return nil
		}
		hours := map[hourKey][]raw{}
		rollups := map[rollupKey]map[int]agg{}
		for _, x := range rs {
			hk := hourKey{x.mon, x.ms - mod(x.ms, hourMs)}
			hours[hk] = append(hours[hk], x)
			a := aggOf(x)
			for res := resMinute; res <= resDay; res++ {
				start, slot := rowOf(res, x.ms)
				rk := rollupKey{x.mon, res, start}
				m := rollups[rk]
				if m == nil {
					m = map[int]agg{}
					rollups[rk] = m
				}
				b := m[slot]
				b.add(a)
				m[slot] = b
			}
		}
		if err := s.mergeBlocks(ctx, tx, hours); err != nil {
			return err
		}
		return s.mergeRollups(ctx, tx, rollups)
	})
	return taken, err
}

const hourMs = int64(time.Hour / time.Millisecond)

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// bulkReadMin is how many rows of one time slice make it cheaper to read the
// whole slice through its start index than to look each row up.
const bulkReadMin = 64

// upsertChunk rows go into one multi-row INSERT: per-statement overhead, not
// B-tree work, dominates a Maintain of thousands of monitors.
const upsertChunk = 200

func (s *Store) mergeBlocks(ctx context.Context, tx *sql.Tx, hours map[hourKey][]raw) error {
	perSlice := map[int64]int{}
	for k := range hours {
		perSlice[k.start]++
	}
	old := map[hourKey][]byte{}
	for start, n := range perSlice {
		if n < bulkReadMin {
			continue
		}
		if err := s.readSlice(ctx, tx, `SELECT monitor, start_ms, data FROM result_blocks WHERE start_ms = ?`, []any{start},
			func(mon, start int64, data []byte) { old[hourKey{mon, start}] = data }); err != nil {
			return fmt.Errorf("read blocks: %w", err)
		}
	}
	var buf []raw
	rows := make([][]any, 0, len(hours))
	for k, add := range hours {
		data, ok := old[k]
		if !ok && perSlice[k.start] < bulkReadMin {
			err := tx.QueryRowContext(ctx, s.q(`SELECT data FROM result_blocks WHERE monitor = ? AND start_ms = ?`), k.mon, k.start).Scan(&data)
			if err != nil && err != sql.ErrNoRows {
				return fmt.Errorf("read block: %w", err)
			}
		}
		buf = buf[:0]
		if data != nil {
			var err error
			if buf, err = decodeBlock(buf, k.mon, k.start, data); err != nil {
				return fmt.Errorf("decode block of monitor %d at %d: %w", k.mon, k.start, err)
			}
		}
		buf = append(buf, add...)
		enc := encodeBlock(k.start, buf) // sorts buf
		rows = append(rows, []any{k.mon, k.start, buf[0].ms, len(buf), enc})
	}
	sortRows(rows, 2)
	return s.upsert(ctx, tx, `INSERT INTO result_blocks (monitor, start_ms, first_ms, n, data) VALUES `,
		` ON CONFLICT (monitor, start_ms) DO UPDATE SET first_ms = excluded.first_ms, n = excluded.n, data = excluded.data`, rows)
}

func (s *Store) mergeRollups(ctx context.Context, tx *sql.Tx, rollups map[rollupKey]map[int]agg) error {
	type slice struct {
		res   int
		start int64
	}
	perSlice := map[slice]int{}
	for k := range rollups {
		perSlice[slice{k.res, k.start}]++
	}
	old := map[rollupKey][]byte{}
	for sl, n := range perSlice {
		if n < bulkReadMin {
			continue
		}
		if err := s.readSlice(ctx, tx, `SELECT monitor, start_ms, data FROM rollups WHERE res = ? AND start_ms = ?`, []any{sl.res, sl.start},
			func(mon, start int64, data []byte) { old[rollupKey{mon, sl.res, start}] = data }); err != nil {
			return fmt.Errorf("read rollups: %w", err)
		}
	}
	rows := make([][]any, 0, len(rollups))
	for k, add := range rollups {
		data, ok := old[k]
		if !ok && perSlice[slice{k.res, k.start}] < bulkReadMin {
			err := tx.QueryRowContext(ctx, s.q(`SELECT data FROM rollups WHERE monitor = ? AND res = ? AND start_ms = ?`), k.mon, k.res, k.start).Scan(&data)
			if err != nil && err != sql.ErrNoRows {
				return fmt.Errorf("read rollup: %w", err)
			}
		}
		var bs []bucket
		if data != nil {
			var err error
			if bs, err = decodeRollup(data); err != nil {
				return fmt.Errorf("decode rollup of monitor %d at %d: %w", k.mon, k.start, err)
			}
		}
		rows = append(rows, []any{k.mon, k.res, k.start, encodeRollup(mergeBuckets(bs, add))})
	}
	sortRows(rows, 3)
	return s.upsert(ctx, tx, `INSERT INTO rollups (monitor, res, start_ms, data) VALUES `,
		` ON CONFLICT (monitor, res, start_ms) DO UPDATE SET data = excluded.data`, rows)
}

func (s *Store) readSlice(ctx context.Context, tx *sql.Tx, query string, args []any, fn func(mon, start int64, data []byte)) error {
	rows, err := tx.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var mon, start int64
		var data []byte
		if err := rows.Scan(&mon, &start, &data); err != nil {
			return err
		}
		fn(mon, start, data)
	}
	return rows.Err()
}

// sortRows orders rows by their first n (integer key) columns: writing in key
// order fills B-tree pages more evenly than map order.
func sortRows(rows [][]any, n int) {
	key := func(r []any, i int) int64 {
		switch v := r[i].(type) {
		case int64:
			return v
		case int:
			return int64(v)
		}
		return 0
	}
	sort.Slice(rows, func(a, b int) bool {
		for i := range n {
			if x, y := key(rows[a], i), key(rows[b], i); x != y {
				return x < y
			}
		}
		return false
	})
}

// upsert writes rows with multi-row INSERTs of upsertChunk rows each.
func (s *Store) upsert(ctx context.Context, tx *sql.Tx, head, tail string, rows [][]any) error {
	for len(rows) > 0 {
		chunk := rows[:min(len(rows), upsertChunk)]
		rows = rows[len(chunk):]
		var q strings.Builder
		q.WriteString(head)
		args := make([]any, 0, len(chunk)*len(chunk[0]))
		for i, r := range chunk {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteByte('(')
			for j := range r {
				if j > 0 {
					q.WriteByte(',')
				}
				q.WriteByte('?')
			}
			q.WriteByte(')')
			args = append(args, r...)
		}
		q.WriteString(tail)
		if _, err := tx.ExecContext(ctx, s.q(q.String()), args...); err != nil {
			return fmt.Errorf("write %d rows: %w", len(chunk), err)
		}
	}
	return nil
}
