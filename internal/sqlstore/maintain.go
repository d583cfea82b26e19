package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// compactResultsPerTx bounds how many results one compaction transaction
// moves (but it always takes at least one log row, which cannot be split).
// Result batches wait for the single writer, so a transaction must stay
// short: at 50,000 monitors one transaction for the whole minute held the
// writer for seconds, longer than the flush interval a hard kill may lose.
const compactResultsPerTx = 1000

// logRowsPerScan bounds how many log rows one transaction looks at to find
// its share.
const logRowsPerScan = 600

// Maintain compacts the recent log into blocks and rollups, then enforces the
// budget and the free-disk floor. Call it about once a minute: each call
// rewrites the open hour's block of every monitor that has new results.
// Everything in the log is compacted whatever its time, so now is not needed:
// buckets are updated as results arrive rather than when they close.
//
// Compaction runs in many short transactions, each taking the writer only
// briefly and letting the writes queued meanwhile go first, so that a result
// batch waits for at most one of them (see regroup for why that does not
// cost more block and rollup writes).
func (s *Store) Maintain(ctx context.Context, _ time.Time) error {
	var last sql.NullInt64
	if err := s.w.QueryRowContext(ctx, `SELECT MAX(seq) FROM result_log`).Scan(&last); err != nil {
		return fmt.Errorf("compact recent results: find the end of the log: %w", err)
	}
	if !last.Valid {
		return s.afterCompaction(ctx)
	}
	// One regrouping pass: a backlog beyond it (after downtime) is compacted
	// as it is. Seqs of deleted rows may be reused, so the rows it wrote are
	// not necessarily after last.
	s.yieldWriter()
	_, wrote, err := s.regroup(ctx, last.Int64)
	if err != nil {
		return fmt.Errorf("compact recent results: %w", err)
	}
	end := max(last.Int64, wrote)
	for {
		s.yieldWriter()
		n, err := s.compact(ctx, end)
		if err != nil {
			return fmt.Errorf("compact recent results: %w", err)
		}
		if n == 0 {
			break
		}
	}
	return s.afterCompaction(ctx)
}

func (s *Store) afterCompaction(ctx context.Context) error {
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

// compact moves the oldest log rows up to seq last, about
// compactResultsPerTx results of them, into blocks and rollups in one
// transaction: deleting the log rows and adding their results happen together
// or not at all, which is what keeps rollups from double-counting. It returns
// how many log rows it took.
func (s *Store) compact(ctx context.Context, last int64) (int, error) {
	var taken int
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		if s.d.lockMaintain != "" {
			if _, err := tx.ExecContext(ctx, s.d.lockMaintain); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		upTo, n, err := s.logShare(ctx, tx, last, s.compactPerTx)
		if err != nil || n == 0 {
			return err
		}
		var rs []raw
		if rs, taken, err = s.takeLog(ctx, tx, upTo); err != nil {
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

// takeLog deletes the log rows up to seq upTo and returns their results
// and how many rows they were.
func (s *Store) takeLog(ctx context.Context, tx *sql.Tx, upTo int64) ([]raw, int, error) {
	rows, err := tx.QueryContext(ctx, s.q(`DELETE FROM result_log WHERE seq <= ? RETURNING data`), upTo)
	if err != nil {
		return nil, 0, fmt.Errorf("take log rows: %w", err)
	}
	defer rows.Close()
	var rs []raw
	n := 0
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, 0, fmt.Errorf("take log rows: %w", err)
		}
		n++
		if rs, err = decodeLog(rs, data, 0); err != nil {
			return nil, 0, fmt.Errorf("decode log row: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("take log rows: %w", err)
	}
	return rs, n, nil
}

// logShare picks the last seq of one transaction's share of the log: whole
// rows from the oldest on, up to limit results but at least one row, none
// past last. It returns how many rows that is.
func (s *Store) logShare(ctx context.Context, tx *sql.Tx, last, limit int64) (upTo int64, rowsIn int, err error) {
	rows, err := tx.QueryContext(ctx, s.q(`SELECT seq, n FROM result_log WHERE seq <= ? ORDER BY seq LIMIT ?`), last, logRowsPerScan)
	if err != nil {
		return 0, 0, fmt.Errorf("find log rows: %w", err)
	}
	defer rows.Close()
	var total int64
	for rows.Next() {
		var seq, n int64
		if err := rows.Scan(&seq, &n); err != nil {
			return 0, 0, fmt.Errorf("find log rows: %w", err)
		}
		if rowsIn > 0 && total+n > limit {
			break
		}
		upTo, rowsIn, total = seq, rowsIn+1, total+n
	}
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("find log rows: %w", err)
	}
	return upTo, rowsIn, nil
}

const hourMs = int64(time.Hour / time.Millisecond)

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// upsertChunk rows go into one multi-row INSERT, and up to as many rows are
// read with one IN list: per-statement overhead, not B-tree work, dominates a
// Maintain of thousands of monitors.
const upsertChunk = 200

func (s *Store) mergeBlocks(ctx context.Context, tx *sql.Tx, hours map[hourKey][]raw) error {
	perSlice := map[int64][]int64{}
	for k := range hours {
		perSlice[k.start] = append(perSlice[k.start], k.mon)
	}
	old := map[hourKey][]byte{}
	for start, mons := range perSlice {
		if err := s.readMonitors(ctx, tx, `SELECT monitor, start_ms, data FROM result_blocks WHERE start_ms = ?`, []any{start}, mons,
			func(mon, start int64, data []byte) { old[hourKey{mon, start}] = data }); err != nil {
			return fmt.Errorf("read blocks: %w", err)
		}
	}
	var buf []raw
	rows := make([][]any, 0, len(hours))
	for k, add := range hours {
		data := old[k]
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
	perSlice := map[slice][]int64{}
	for k := range rollups {
		sl := slice{k.res, k.start}
		perSlice[sl] = append(perSlice[sl], k.mon)
	}
	old := map[rollupKey][]byte{}
	for sl, mons := range perSlice {
		if err := s.readMonitors(ctx, tx, `SELECT monitor, start_ms, data FROM rollups WHERE res = ? AND start_ms = ?`, []any{sl.res, sl.start}, mons,
			func(mon, start int64, data []byte) { old[rollupKey{mon, sl.res, start}] = data }); err != nil {
			return fmt.Errorf("read rollups: %w", err)
		}
	}
	rows := make([][]any, 0, len(rollups))
	for k, add := range rollups {
		data := old[k]
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

// readMonitors runs query (which selects monitor, start_ms, data of one time
// slice) for the given monitors only, upsertChunk of them per statement: a
// short compaction touches a few of the slice's rows, so reading the whole
// slice would cost more than the rest of the transaction.
func (s *Store) readMonitors(ctx context.Context, tx *sql.Tx, query string, args []any, mons []int64, fn func(mon, start int64, data []byte)) error {
	slices.Sort(mons)
	for len(mons) > 0 {
		chunk := mons[:min(len(mons), upsertChunk)]
		mons = mons[len(chunk):]
		var q strings.Builder
		q.WriteString(query)
		q.WriteString(` AND monitor IN (`)
		all := append(make([]any, 0, len(args)+len(chunk)), args...)
		for i, m := range chunk {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteByte('?')
			all = append(all, m)
		}
		q.WriteByte(')')
		if err := s.readSlice(ctx, tx, q.String(), all, fn); err != nil {
			return err
		}
	}
	return nil
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
