// Package sqlstore implements sitrep.Store on SQLite (modernc.org/sqlite, pure
// Go, the default) and PostgreSQL (pgx through database/sql), with one set of
// portable queries (? placeholders, rewritten to $n for PostgreSQL) and
// per-dialect numbered migrations (migrations/<dialect>/NNNN_name.sql), each
// applied in one transaction and recorded in schema_migrations. A new table
// is a new pair of files with the next number.
//
// # Results are not rows
//
// AppendResults writes each batch as one row of the recent log (result_log),
// with monitors, locations and error texts replaced by ids from small
// dictionary tables. Maintain (call it about once a minute) moves the log into
// one block per monitor per UTC hour (block.go) and adds the same results to
// packed rollups (rollup.go): minute buckets in a row per hour, hour buckets
// in a row per day, day buckets in a row per month. Taking log rows,
// rewriting blocks and adding to rollups is one transaction, so a crash at any
// point neither loses a result nor counts one twice; rollups are updated as
// results arrive, so open buckets are visible too. The work is split into
// short transactions of about a thousand results (first the log is regrouped
// by monitor, in one cheap transaction, so that each monitor's rows are still
// rewritten once per Maintain), and writes queued meanwhile go between them:
// a result batch never waits for a whole Maintain (regroup.go,
// writer_queue.go).
//
// What a block keeps per result: time (ms), status, location and error-text
// id, and latency rounded to 100 µs. Phase timings are not stored: they are
// only seen live.
//
// Measured (BenchmarkHourGrowth, 2,000 monitors at 30 s, second hour): the
// file grows ≈ 6 bytes per result in all, of which raw blocks with their
// indexes and page slack ≈ 3.8 and rollups ≈ 2.1. A year of hour and day
// rollups for 10,000 monitors takes ≈ 0.8 GiB (BenchmarkRollupYearSize).
//
// # Durability
//
// SQLite runs in WAL mode with synchronous=FULL for every transaction, result
// batches included: they come once a second, so the extra fsync is cheap, and
// whatever AppendResults or RecordStateChange acknowledged survives kill -9 and
// power loss. There is one writer connection (plus a small read pool); writes
// are serialised by Transact.
//
// # Records people wrote
//
// Incidents (with components, updates and postmortem), maintenance windows
// (with components and updates) and settings such as the admin token hash
// live in ordinary tables (migration 0002) and are written through the same
// synchronous=FULL writer. Their ids are 16 random lowercase base32
// characters (80 bits), safe in public URLs and not guessable. Lists only
// read with their parent (an update's component changes, a postmortem's
// timeline and action items, reminders sent) are JSON text. A recurrence is
// kept field by field next to its Recurrence.String text, because the
// parser lives in internal/incident, which adapters must not import.
//
// UpdateIncident and UpdateMaintenance read, call fn and write only what
// changed in one write transaction. Within a process Transact serialises
// writers; across processes SQLite's BEGIN IMMEDIATE and PostgreSQL's
// SELECT … FOR UPDATE do, so two nodes cannot overwrite each other's edits
// (TestTwoNodesOneIncident). Timelines are returned by display time, then
// in the order written.
//
// Measured (BenchmarkUpdateIncident, BenchmarkFindIncidents, SQLite): adding
// an update to an incident of 20 ≈ 0.8–1.5 ms including the fsync; reading a
// page of 500 incidents with 5 updates each ≈ 22–32 ms.
//
// # Notification outbox
//
// Events (migration 0003) are written by CreateIncident, UpdateIncident,
// CreateMaintenance, UpdateMaintenance and RecordStateChange from the
// record's Events field in the same transaction as the record, so a change
// and what it must tell commit together or not at all; AddEvents writes
// events no record change caused. ExpandEvent stores an event's deliveries
// (skipping idempotency keys that exist) and marks it expanded in one
// transaction.
//
// DueDeliveries claims pending, due deliveries by moving next_attempt_ms
// OutboxLease (2 min) ahead, in one write transaction: on PostgreSQL the
// rows are taken with FOR UPDATE SKIP LOCKED (pkgsite's queue), so
// dispatchers on several nodes share the work without waiting on each
// other; on SQLite the single writer serialises claims. A claimer that dies
// mid-send simply lets the lease run out. A delivery is held back while an
// earlier one (by event commit order) with the same order key, channel and
// recipient is pending, or while an earlier event with its order key is not
// yet expanded. RecordAttempt only changes pending deliveries, so a late
// answer from a claimer whose lease ran out cannot undo a later outcome.
//
// Measured (BenchmarkClaimAndRecord, SQLite): ≈ 1,700 deliveries/s claimed
// in batches of 100 and recorded one synchronous=FULL transaction each.
//
// # Budget and low disk
//
// Maintain deletes whole time slices, oldest first: raw blocks, then minute,
// hour and day rollups, until the database fits Options.Budget; state
// changes, pings and everything people wrote are never evicted. On SQLite the
// freed pages are returned with PRAGMA incremental_vacuum (the file is created
// with auto_vacuum=INCREMENTAL). When free disk drops below
// Options.MinFreeDisk, AppendResults drops raw results (returning nil, so the
// engine keeps running) and Maintain deletes the oldest raw blocks; a write
// that fails because the disk is full returns an error wrapping ErrDiskFull.
package sqlstore
