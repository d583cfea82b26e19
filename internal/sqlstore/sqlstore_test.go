package sqlstore

import (
	"context"
	"path/filepath"
	"testing"

	"sitrep"
	"sitrep/internal/storetest"
)

func openSQLiteT(t testing.TB, opts Options) *Store {
	t.Helper()
	opts.Driver = "sqlite"
	if opts.Path == "" {
		opts.Path = filepath.Join(t.TempDir(), "sitrep.db")
	}
	s, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSQLiteConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) sitrep.Store { return openSQLiteT(t, Options{}) })
}

func TestPostgresConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) sitrep.Store {
		return openPostgresT(t, Options{})
	})
}

// openPostgresT opens a store on a fresh database of its own, dropped when
// the test ends, so tests can run in parallel.
func openPostgresT(t testing.TB, opts Options) *Store {
	t.Helper()
	opts.Driver, opts.URL = "postgres", pgTestURL(t)
	s, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// pgTestURL creates a fresh database, dropped when the test ends, and
// returns its URL.
func pgTestURL(t testing.TB) string { return storetest.PostgresURL(t) }
