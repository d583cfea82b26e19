package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// maxErrorCache bounds the error-text cache: error texts can be as varied as
// the targets make them.
const maxErrorCache = 100_000

type errKey struct {
	monitor int64
	text    string
}

// dicts caches the small dictionaries (monitor, location and error-text ids).
// Ids learnt inside a write transaction are kept pending until it commits, so
// a rolled-back id is never reused.
type dicts struct {
	mu        sync.RWMutex
	monitors  map[string]int64
	locations map[string]int64
	locNames  map[int64]string
	errs      map[errKey]int64
	errTexts  map[int64]string

	// pending is only touched with Store.wmu held.
	pendMon map[string]int64
	pendLoc map[string]int64
	pendErr map[errKey]int64
}

func newDicts() *dicts {
	return &dicts{
		monitors:  map[string]int64{},
		locations: map[string]int64{},
		locNames:  map[int64]string{},
		errs:      map[errKey]int64{},
		errTexts:  map[int64]string{},
		pendMon:   map[string]int64{},
		pendLoc:   map[string]int64{},
		pendErr:   map[errKey]int64{},
	}
}

func (d *dicts) commit() {
	if len(d.pendMon)+len(d.pendLoc)+len(d.pendErr) == 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for k, v := range d.pendMon {
		d.monitors[k] = v
	}
	for k, v := range d.pendLoc {
		d.locations[k] = v
		d.locNames[v] = k
	}
	if len(d.errs)+len(d.pendErr) > maxErrorCache {
		d.errs = map[errKey]int64{}
		d.errTexts = map[int64]string{}
	}
	for k, v := range d.pendErr {
		d.errs[k] = v
		d.errTexts[v] = k.text
	}
	d.discard()
}

func (d *dicts) discard() {
	clear(d.pendMon)
	clear(d.pendLoc)
	clear(d.pendErr)
}

// monitorID returns the id of a monitor name without creating it; ok is
// false for a monitor that never stored a result.
func (s *Store) monitorID(ctx context.Context, name string) (id int64, ok bool, err error) {
	s.dict.mu.RLock()
	id, ok = s.dict.monitors[name]
	s.dict.mu.RUnlock()
	if ok {
		return id, true, nil
	}
	err = s.r.QueryRowContext(ctx, s.q(`SELECT id FROM monitors WHERE name = ?`), name).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("look up monitor %s: %w", name, err)
	}
	s.dict.mu.Lock()
	s.dict.monitors[name] = id
	s.dict.mu.Unlock()
	return id, true, nil
}

// ensure returns the id of name in table (monitors or locations), creating it
// inside tx. Called with wmu held.
func (s *Store) ensure(ctx context.Context, tx *sql.Tx, table string, cache, pend map[string]int64, name string) (int64, error) {
	s.dict.mu.RLock()
	id, ok := cache[name]
	s.dict.mu.RUnlock()
	if ok {
		return id, nil
	}
	if id, ok := pend[name]; ok {
		return id, nil
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO `+table+` (name) VALUES (?) ON CONFLICT (name) DO NOTHING`), name); err != nil {
		return 0, fmt.Errorf("add %s %q: %w", table, name, err)
	}
	if err := tx.QueryRowContext(ctx, s.q(`SELECT id FROM `+table+` WHERE name = ?`), name).Scan(&id); err != nil {
		return 0, fmt.Errorf("read %s %q: %w", table, name, err)
	}
	pend[name] = id
	return id, nil
}

func (s *Store) ensureMonitor(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	return s.ensure(ctx, tx, "monitors", s.dict.monitors, s.dict.pendMon, name)
}

func (s *Store) ensureLocation(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	return s.ensure(ctx, tx, "locations", s.dict.locations, s.dict.pendLoc, name)
}

func (s *Store) ensureError(ctx context.Context, tx *sql.Tx, monitor int64, text string) (int64, error) {
	k := errKey{monitor, text}
	s.dict.mu.RLock()
	id, ok := s.dict.errs[k]
	s.dict.mu.RUnlock()
	if ok {
		return id, nil
	}
	if id, ok := s.dict.pendErr[k]; ok {
		return id, nil
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO result_errors (monitor, text) VALUES (?, ?) ON CONFLICT (monitor, text) DO NOTHING`), monitor, text); err != nil {
		return 0, fmt.Errorf("add error text: %w", err)
	}
	if err := tx.QueryRowContext(ctx, s.q(`SELECT id FROM result_errors WHERE monitor = ? AND text = ?`), monitor, text).Scan(&id); err != nil {
		return 0, fmt.Errorf("read error text id: %w", err)
	}
	s.dict.pendErr[k] = id
	return id, nil
}

// locationName and errorText resolve ids for readers.
func (s *Store) locationName(ctx context.Context, id int64) (string, error) {
	s.dict.mu.RLock()
	name, ok := s.dict.locNames[id]
	s.dict.mu.RUnlock()
	if ok {
		return name, nil
	}
	if err := s.r.QueryRowContext(ctx, s.q(`SELECT name FROM locations WHERE id = ?`), id).Scan(&name); err != nil {
		return "", fmt.Errorf("read location %d: %w", id, err)
	}
	s.dict.mu.Lock()
	s.dict.locNames[id] = name
	s.dict.mu.Unlock()
	return name, nil
}

func (s *Store) errorText(ctx context.Context, id int64) (string, error) {
	s.dict.mu.RLock()
	text, ok := s.dict.errTexts[id]
	s.dict.mu.RUnlock()
	if ok {
		return text, nil
	}
	if err := s.r.QueryRowContext(ctx, s.q(`SELECT text FROM result_errors WHERE id = ?`), id).Scan(&text); err != nil {
		return "", fmt.Errorf("read error text %d: %w", id, err)
	}
	s.dict.mu.Lock()
	s.dict.errTexts[id] = text
	s.dict.mu.Unlock()
	return text, nil
}
