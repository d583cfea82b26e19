package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"time"

	"sitrep"
)

// rowOverhead approximates what a row costs beyond its blob (key columns,
// record header, index entries); the budget code only needs a rough figure.
const rowOverhead = 40

type rawStats struct {
	count  int64
	oldest int64 // unix ms; 0 when none
}

// tier is one kind of evictable data, in the order it goes.
type tier struct {
	name  string
	table string
	where string // extra condition selecting the tier
}

var tiers = []tier{
	{"raw blocks", "result_blocks", "1 = 1"},
	{"minute rollups", "rollups", "res = 1"},
	{"hour rollups", "rollups", "res = 2"},
	{"day rollups", "rollups", "res = 3"},
}

// checkLowDisk refreshes and returns the low-disk flag.
func (s *Store) checkLowDisk() bool {
	free := s.diskFree()
	low := free >= 0 && free < s.minFree
	if was := s.lowDisk.Swap(low); was && !low {
		s.log.Info("free disk back above the floor, storing raw results again", "dropped", s.dropped.Swap(0))
	}
	return low
}

func (s *Store) diskFree() int64 {
	if s.freeDisk == nil {
		return -1
	}
	free, err := s.freeDisk(s.path)
	if err != nil {
		s.log.Warn("cannot read free disk space", "err", err)
		return -1
	}
	return free
}

// enforceLimits deletes the oldest evictable data while the database is over
// budget, and the oldest raw blocks while the disk is below the floor.
func (s *Store) enforceLimits(ctx context.Context) error {
	evicted := false
	if s.d == sqliteDialect {
		// The WAL counts towards the budget but deleting rows only grows
		// it; fold it back first so that only data drives eviction. A busy
		// reader may keep part of it; that is fine.
		s.wmu.Lock()
		_, err := s.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		s.wmu.Unlock()
		if err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
	}
	if s.checkLowDisk() {
		need := s.minFree - s.diskFree()
		n, err := s.evict(ctx, tiers[:1], max(need, 1))
		if err != nil {
			return fmt.Errorf("free disk space: %w", err)
		}
		evicted = evicted || n > 0
	}
	for range 16 {
		live, err := s.liveBytes(ctx)
		if err != nil {
			return err
		}
		need := live - s.budget.Load()
		if need <= 0 {
			break
		}
		n, err := s.evict(ctx, tiers, need)
		if err != nil {
			return fmt.Errorf("enforce storage budget: %w", err)
		}
		if n == 0 {
			break
		}
		evicted = true
	}
	if evicted && s.d == sqliteDialect {
		// Give the freed pages back to the file system: deleting alone
		// only puts them on SQLite's free list.
		s.wmu.Lock()
		_, err := s.w.ExecContext(ctx, "PRAGMA incremental_vacuum")
		s.wmu.Unlock()
		if err != nil {
			return s.diskFull(fmt.Errorf("incremental vacuum: %w", err))
		}
	}
	return nil
}

// evict deletes whole time slices (every monitor's rows with the oldest
// start) from the tiers in order until about need bytes are freed. It returns
// how many slices went.
func (s *Store) evict(ctx context.Context, ts []tier, need int64) (int, error) {
	var freed int64
	slices := 0
	for _, t := range ts {
		for freed < need {
			var start sql.NullInt64
			if err := s.r.QueryRowContext(ctx, `SELECT MIN(start_ms) FROM `+t.table+` WHERE `+t.where).Scan(&start); err != nil {
				return slices, fmt.Errorf("find oldest %s: %w", t.name, err)
			}
			if !start.Valid {
				break
			}
			var size int64
			err := s.Transact(ctx, func(tx *sql.Tx) error {
				var n, bytes int64
				if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*), COALESCE(SUM(length(data)), 0) FROM `+t.table+
					` WHERE `+t.where+` AND start_ms = ?`), start.Int64).Scan(&n, &bytes); err != nil {
					return err
				}
				size = bytes + n*rowOverhead
				_, err := tx.ExecContext(ctx, s.q(`DELETE FROM `+t.table+` WHERE `+t.where+` AND start_ms = ?`), start.Int64)
				return err
			})
			if err != nil {
				return slices, fmt.Errorf("delete oldest %s: %w", t.name, err)
			}
			s.log.Info("storage budget: deleted oldest data", "kind", t.name, "start", time.UnixMilli(start.Int64).UTC(), "bytes", size)
			freed += size
			slices++
		}
	}
	return slices, nil
}

// liveBytes is the size the budget is compared with. SQLite: pages in use
// (free-list pages are reused, so they do not count) plus the WAL.
// PostgreSQL: deleted rows only become reusable after autovacuum and the
// relation never shrinks, so the blob tables are estimated from their
// contents (exactly while small, from planner statistics when large) and the
// rest taken from pg_total_relation_size.
func (s *Store) liveBytes(ctx context.Context) (int64, error) {
	if s.d == sqliteDialect {
		var pages, free, size int64
		if err := s.pragmas(ctx, &pages, &free, &size); err != nil {
			return 0, err
		}
		return (pages-free)*size + s.walSize(), nil
	}
	var other int64
	err := s.r.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(pg_total_relation_size(c.oid)), 0)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind = 'r'
		AND c.relname NOT IN ('result_blocks', 'rollups', 'result_log')`).Scan(&other)
	if err != nil {
		return 0, fmt.Errorf("measure database size: %w", err)
	}
	total := other
	for _, table := range []string{"result_blocks", "rollups", "result_log"} {
		n, err := s.pgBlobBytes(ctx, table)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// pgExactBelow is the row count under which a blob table is measured exactly;
// above it planner statistics are close enough and far cheaper than reading
// every row each minute.
const pgExactBelow = 100_000

func (s *Store) pgBlobBytes(ctx context.Context, table string) (int64, error) {
	var rows float64
	var width sql.NullFloat64
	err := s.r.QueryRowContext(ctx, `SELECT c.reltuples, (SELECT avg_width FROM pg_stats
			WHERE schemaname = current_schema() AND tablename = c.relname AND attname = 'data')
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relname = $1`, table).Scan(&rows, &width)
	if err != nil {
		return 0, fmt.Errorf("estimate size of %s: %w", table, err)
	}
	if rows >= pgExactBelow && width.Valid {
		return int64(rows * (width.Float64 + rowOverhead)), nil
	}
	var n int64
	err = s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(length(data)), 0) + COUNT(*) * `+fmt.Sprint(rowOverhead)+` FROM `+table).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("measure size of %s: %w", table, err)
	}
	return n, nil
}

func (s *Store) pragmas(ctx context.Context, pages, free, size *int64) error {
	for _, p := range []struct {
		name string
		v    *int64
	}{{"page_count", pages}, {"freelist_count", free}, {"page_size", size}} {
		if err := s.r.QueryRowContext(ctx, "PRAGMA "+p.name).Scan(p.v); err != nil {
			return fmt.Errorf("read %s: %w", p.name, err)
		}
	}
	return nil
}

func (s *Store) walSize() int64 {
	fi, err := os.Stat(s.path + "-wal")
	if err != nil {
		return 0
	}
	return fi.Size()
}

// fileBytes is what Usage reports: the space taken on disk.
func (s *Store) fileBytes(ctx context.Context) (int64, error) {
	if s.d == sqliteDialect {
		var pages, free, size int64
		if err := s.pragmas(ctx, &pages, &free, &size); err != nil {
			return 0, err
		}
		return pages*size + s.walSize(), nil
	}
	var n int64
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind = 'r'`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("measure database size: %w", err)
	}
	return n, nil
}

func (s *Store) refreshStats(ctx context.Context) error {
	var st rawStats
	var blocks, logged sql.NullInt64
	var oldestStart, logMin sql.NullInt64
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT SUM(n), MIN(start_ms) FROM result_blocks`).Scan(&blocks, &oldestStart); err != nil {
			return err
		}
		if oldestStart.Valid {
			var first sql.NullInt64
			if err := tx.QueryRowContext(ctx, s.q(`SELECT MIN(first_ms) FROM result_blocks WHERE start_ms = ?`), oldestStart.Int64).Scan(&first); err != nil {
				return err
			}
			st.oldest = first.Int64
		}
		return tx.QueryRowContext(ctx, `SELECT SUM(n), MIN(min_ms) FROM result_log`).Scan(&logged, &logMin)
	})
	if err != nil {
		return fmt.Errorf("count raw results: %w", err)
	}
	st.count = blocks.Int64 + logged.Int64
	if logMin.Valid && (st.oldest == 0 || logMin.Int64 < st.oldest) {
		st.oldest = logMin.Int64
	}
	s.statsMu.Lock()
	s.stats, s.statsSeen = st, true
	s.statsMu.Unlock()
	return nil
}

// Usage reports sizes. Raw result counts are as of the last Maintain.
func (s *Store) Usage(ctx context.Context) (sitrep.Usage, error) {
	s.statsMu.Lock()
	seen := s.statsSeen
	s.statsMu.Unlock()
	if !seen {
		if err := s.refreshStats(ctx); err != nil {
			return sitrep.Usage{}, err
		}
	}
	bytes, err := s.fileBytes(ctx)
	if err != nil {
		return sitrep.Usage{}, err
	}
	s.statsMu.Lock()
	st := s.stats
	s.statsMu.Unlock()
	u := sitrep.Usage{
		Bytes:      bytes,
		Budget:     s.budget.Load(),
		DiskFree:   s.diskFree(),
		LowDisk:    s.checkLowDisk(),
		RawResults: st.count,
	}
	if st.oldest != 0 {
		u.OldestRaw = time.UnixMilli(st.oldest).UTC()
	}
	return u, nil
}

// Writable proves that a real write goes through.
func (s *Store) Writable(ctx context.Context) error {
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE store_health SET at_ms = ? WHERE id = 1`), time.Now().UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("storage write check: %w", err)
	}
	return nil
}
