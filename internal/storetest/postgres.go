package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// PostgresURL creates a fresh database on the test server, dropped when the
// test ends, and returns its URL, so tests can run in parallel without
// seeing each other's rows. The server is SITREP_TEST_POSTGRES_URL (default
// the local trust-auth server). Without one the test is skipped with the
// reason — unless SITREP_REQUIRE_POSTGRES=1, as in CI, which fails it.
func PostgresURL(t testing.TB) string {
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
