package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

func TestTableSizes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"CREATE TABLE blocks (id INTEGER PRIMARY KEY, data BLOB)",
		"INSERT INTO blocks (data) VALUES (randomblob(3000)), (randomblob(3000))",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	tables, err := tableSizes(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, tb := range tables {
		if tb.Name == "blocks" {
			found = true
			if tb.Payload < 6000 || tb.Bytes < tb.Payload {
				t.Errorf("blocks: %+v, want ≥ 6000 B payload within its pages", tb)
			}
		}
	}
	if !found {
		t.Errorf("no blocks table in %+v", tables)
	}
}
