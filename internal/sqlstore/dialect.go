package sqlstore

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// dialect holds what differs between SQLite and PostgreSQL. Everything else is
// one portable query text with ? placeholders.
type dialect struct {
	name string
	// dollar placeholders ($1, $2…) instead of ?.
	dollar bool
	// lockMaintain, when set, runs first in Maintain's transaction so that
	// several nodes sharing one PostgreSQL never compact the same rows.
	lockMaintain string
	// lockMigrate likewise serialises migrations.
	lockMigrate string
	// forUpdate is appended to a SELECT inside a write transaction to lock
	// the rows read until commit. SQLite needs none: its write transactions
	// start with BEGIN IMMEDIATE on the one writer connection, so nobody
	// else writes in between.
	forUpdate string
	// readTx makes a read of blocks plus log one snapshot, so a concurrent
	// Maintain can neither hide nor duplicate results.
	readTx *sql.TxOptions
}

var (
	sqliteDialect   = &dialect{name: "sqlite", readTx: &sql.TxOptions{ReadOnly: true}}
	postgresDialect = &dialect{
		name:         "postgres",
		dollar:       true,
		lockMaintain: "SELECT pg_advisory_xact_lock(7305917301)",
		lockMigrate:  "SELECT pg_advisory_xact_lock(7305917302)",
		forUpdate:    " FOR UPDATE",
		readTx:       &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead},
	}
)

func (d *dialect) rebind(q string) string {
	if !d.dollar || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// ErrDiskFull is wrapped into errors caused by a full disk (SQLITE_FULL, or
// PostgreSQL's disk_full), so callers can tell it from other failures.
var ErrDiskFull = errors.New("storage disk is full")

const sqliteFull = 13

func isDiskFull(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqliteFull {
		return true
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "53100"
}

func (s *Store) diskFull(err error) error {
	if err == nil || errors.Is(err, ErrDiskFull) || !isDiskFull(err) {
		return err
	}
	return errors.Join(ErrDiskFull, err)
}
