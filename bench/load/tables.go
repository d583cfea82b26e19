package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	_ "modernc.org/sqlite" // the driver sitrep itself uses
)

// tableSize is how much of the SQLite file one table or index takes.
type tableSize struct {
	Name    string `json:"name"`
	Bytes   int64  `json:"bytes"`   // pages, including their unused space
	Payload int64  `json:"payload"` // bytes of row data in those pages
	Rows    int64  `json:"rows"`    // cells, i.e. rows for a table's leaves
}

// tableSizes reads the dbstat virtual table of a stopped sitrep's database,
// read-only, so the report can say which table holds the bytes: the answer
// to "is 6 B/result met" lies in the block table, not in the file total.
func tableSizes(ctx context.Context, path string) ([]tableSize, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT name, SUM(pgsize), SUM(payload), SUM(ncell) FROM dbstat
		WHERE pagetype = 'leaf' OR pagetype = 'internal' OR pagetype = 'overflow'
		GROUP BY name ORDER BY SUM(pgsize) DESC`)
	if err != nil {
		return nil, fmt.Errorf("query dbstat of %s: %w", path, err)
	}
	defer rows.Close()
	var out []tableSize
	for rows.Next() {
		var t tableSize
		if err := rows.Scan(&t.Name, &t.Bytes, &t.Payload, &t.Rows); err != nil {
			return nil, fmt.Errorf("read dbstat of %s: %w", path, err)
		}
		if strings.HasPrefix(t.Name, "sqlite_") && t.Bytes < 8192 {
			continue
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read dbstat of %s: %w", path, err)
	}
	return out, nil
}
