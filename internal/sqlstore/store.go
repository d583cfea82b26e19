package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver

	"sitrep"
)

const (
	defaultBudget      = 1 << 30
	defaultMinFreeDisk = 256 << 20
)

// Options configure Open.
type Options struct {
	Driver      string // "sqlite" or "postgres"
	Path        string // sqlite file path (its directory exists)
	URL         string // postgres URL
	Budget      int64  // bytes; 0 = 1 GiB
	MinFreeDisk int64  // bytes of free disk below which raw results are dropped; 0 = 256 MiB
	Logger      *slog.Logger
	// FreeDisk reports free bytes on the file system of a path; nil = statfs.
	// Tests inject a fake to simulate a nearly full disk.
	FreeDisk func(path string) (int64, error)
}

// Store is a sitrep.Store on SQLite or PostgreSQL.
type Store struct {
	d        *dialect
	w        *sql.DB // the one writer connection on SQLite; the pool on PostgreSQL
	r        *sql.DB // readers; the same pool as w on PostgreSQL
	log      *slog.Logger
	path     string
	budget   atomic.Int64
	minFree  int64
	freeDisk func(string) (int64, error)

	// wmu serialises writes so that the dictionary caches only ever learn ids
	// of committed rows (see dict.go).
	wmu  sync.Mutex
	dict *dicts
	// wroteEvents says the transaction in progress wrote outbox events
	// (guarded by wmu); onEvents is called after such a commit.
	wroteEvents bool
	onEvents    atomic.Pointer[func()]
	// queue counts goroutines waiting for wmu, so that Maintain can let
	// them go first between its transactions (see yieldWriter).
	queue writerQueue
	// compactPerTx is compactResultsPerTx; tests lower it to make every
	// Maintain span many transactions.
	compactPerTx int64

	lowDisk   atomic.Bool
	dropped   atomic.Int64 // raw results dropped for low disk, for the log
	statsMu   sync.Mutex
	stats     rawStats // refreshed by Maintain, reported by Usage
	statsSeen bool

	// zones caches loaded time zones by name (*time.Location): recurring
	// maintenance windows name one each, and loading reads tzdata.
	zones sync.Map
}

var _ sitrep.Store = (*Store)(nil)

// Open connects to the database, creating and migrating it as needed.
func Open(ctx context.Context, opts Options) (*Store, error) {
	s := &Store{
		log:      opts.Logger,
		path:     opts.Path,
		minFree:  opts.MinFreeDisk,
		freeDisk: opts.FreeDisk,
		dict:     newDicts(),

		compactPerTx: compactResultsPerTx,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("component", "store")
	if opts.Budget <= 0 {
		opts.Budget = defaultBudget
	}
	s.budget.Store(opts.Budget)
	if s.minFree <= 0 {
		s.minFree = defaultMinFreeDisk
	}
	var err error
	switch opts.Driver {
	case "sqlite", "":
		if opts.Path == "" {
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, "storage.path", "a SQLite file path is required")
		}
		if s.freeDisk == nil {
			s.freeDisk = statfsFree
		}
		s.d = sqliteDialect
		s.w, s.r, err = openSQLite(opts.Path)
	case "postgres":
		if opts.URL == "" {
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, "storage.url", "a PostgreSQL URL is required")
		}
		s.d = postgresDialect
		s.w, err = openPostgres(ctx, opts.URL)
		s.r = s.w
	default:
		return nil, sitrep.FieldErrorf(sitrep.EINVALID, "storage.driver", "unknown driver %q, want sqlite or postgres", opts.Driver)
	}
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openSQLite(path string) (w, r *sql.DB, err error) {
	// auto_vacuum=INCREMENTAL only takes effect on a new file; it lets the
	// budget code give freed pages back to the file system. synchronous=FULL
	// for every transaction: results are batched, so one fsync a second is
	// cheap, and a state change acknowledged must survive power loss.
	dsn := "file:" + path + "?_busy_timeout=10000&_auto_vacuum=INCREMENTAL&_journal_mode=WAL" +
		"&_synchronous=FULL&_foreign_keys=1&_txlock=immediate&_pragma=journal_size_limit(67108864)"
	w, err = sql.Open("sqlite", dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// Make the writer create the file (and fix auto_vacuum) before readers
	// open it.
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err = sql.Open("sqlite", "file:"+path+"?_busy_timeout=10000&_query_only=1&_foreign_keys=1")
	if err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("open sqlite readers %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	return w, r, nil
}

func openPostgres(ctx context.Context, url string) (*sql.DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return db, nil
}

// Close closes the database.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil && s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}

// SetBudget changes the storage budget (bytes; <= 0 restores the default).
// Maintain enforces it.
func (s *Store) SetBudget(bytes int64) {
	if bytes <= 0 {
		bytes = defaultBudget
	}
	s.budget.Store(bytes)
}

// Transact runs fn in a write transaction, committing when it returns nil and
// rolling back otherwise.
func (s *Store) Transact(ctx context.Context, fn func(*sql.Tx) error) (err error) {
	s.lockWriter()
	defer s.wmu.Unlock()
	return s.transactLocked(ctx, fn)
}

func (s *Store) transactLocked(ctx context.Context, fn func(*sql.Tx) error) (err error) {
	s.wroteEvents = false
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.diskFull(fmt.Errorf("begin transaction: %w", err))
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			s.dict.discard()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		s.dict.discard()
		return s.diskFull(err)
	}
	if err := tx.Commit(); err != nil {
		s.dict.discard()
		return s.diskFull(fmt.Errorf("commit: %w", err))
	}
	s.dict.commit()
	if s.wroteEvents {
		if fn := s.onEvents.Load(); fn != nil {
			(*fn)()
		}
	}
	return nil
}

// OnEvents sets fn to be called after every commit that wrote outbox
// events, whichever path wrote them (an API edit, automation, an alert), so
// the notification dispatcher can start at once instead of at its next poll.
// fn runs with the writer held: it must only signal, never block or write.
func (s *Store) OnEvents(fn func()) {
	s.onEvents.Store(&fn)
}

// q rewrites a portable query for the dialect.
func (s *Store) q(query string) string { return s.d.rebind(query) }
