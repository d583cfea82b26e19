package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
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
func pgTestURL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("SITREP_TEST_POSTGRES_URL")
	if admin == "" {
		admin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	ctx := context.Background()
	db, err := sql.Open("pgx", admin)
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		if os.Getenv("SITREP_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL required but unreachable at %s: %v", admin, err)
		}
		t.Skipf("PostgreSQL unreachable at %s (set SITREP_TEST_POSTGRES_URL): %v", admin, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "sitrep_test_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		db.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
		db.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse postgres url: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}
