package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// growthPoint pairs storage sizes with the number of results written so far.
type growthPoint struct {
	results float64
	file    float64 // database file (SQLite, WAL excluded) or sitrep_storage_bytes
	// Pages of the compacted result blocks and of the rollups, read live
	// from SQLite's dbstat; -1 when unavailable.
	blocks, rollups float64
	blockPayload    float64
}

// sampleGrowth measures SQLite by its file, which is what fills a disk, and
// PostgreSQL by what sitrep reports (pg_database_size).
func sampleGrowth(ctx context.Context, c *child, driver, data string) (growthPoint, bool) {
	client := newClient()
	defer client.CloseIdleConnections()
	m, err := scrape(ctx, client, c.base)
	if err != nil || !m.has("sitrep_checks_total") {
		return growthPoint{}, false
	}
	p := growthPoint{results: m.sum("sitrep_checks_total"), blocks: -1, rollups: -1}
	if driver != "sqlite" {
		p.file = m.sum("sitrep_storage_bytes")
		return p, m.has("sitrep_storage_bytes")
	}
	n, err := dbSize(data)
	if err != nil {
		return growthPoint{}, false
	}
	p.file = float64(n)
	// A read-only reader next to sitrep's writer: WAL mode allows it, and
	// it sees the last committed state.
	if tables, err := tableSizes(ctx, filepath.Join(data, "sitrep.db")); err == nil {
		p.blocks, p.rollups = 0, 0
		for _, t := range tables {
			switch {
			case strings.Contains(t.Name, "result_blocks"):
				p.blocks += float64(t.Bytes)
				p.blockPayload += float64(t.Payload)
			case strings.Contains(t.Name, "rollups"):
				p.rollups += float64(t.Bytes)
			}
		}
	}
	return p, true
}

// storageCost turns the samples into bytes per result. The file slope is
// what a disk sees over this run, but a short run also pays once-per-monitor
// costs (the first block row of each hour, rollup rows, states). The block
// slope, taken only after the first maintenance has created the rows, is
// the marginal cost of one more raw result — the figure the ≤ 6 B goal is
// about.
func (r *report) storageCost(driver string, ps []growthPoint) {
	x := make([]float64, len(ps))
	file := make([]float64, len(ps))
	for i, p := range ps {
		x[i], file[i] = p.results, p.file
	}
	if slope, ok := fitSlope(x, file); ok {
		r.BytesPerResult = slope
		src := "database file, WAL excluded"
		if driver != "sqlite" {
			src = "sitrep_storage_bytes"
		}
		r.BytesPerResultHow = fmt.Sprintf("slope of %s over %d samples in the steady window", src, len(ps))
		r.GrowthMBPerHour = slope * r.TargetChecksPerSec * 3600 / 1e6
	} else {
		r.note("too few storage samples for bytes/result")
	}

	// Skip samples up to and including the first one with blocks: the step
	// into that sample is the creation of every monitor's row.
	var bx, by, bp, ry []float64
	started := false
	for _, p := range ps {
		if p.blocks < 0 {
			continue
		}
		if !started {
			// An empty table still has its root page: payload tells.
			started = p.blockPayload > 0
			continue
		}
		bx, by, bp, ry = append(bx, p.results), append(by, p.blocks), append(bp, p.blockPayload), append(ry, p.rollups)
	}
	if slope, ok := fitSlope(bx, by); ok {
		r.BlockBytesPerResult = slope
		r.BlockGrowthMBPerHour = slope * r.TargetChecksPerSec * 3600 / 1e6
	} else if driver == "sqlite" {
		r.note("no result blocks growth measured: the store's maintenance (every minute by default) ran less than twice in the steady window")
	}
	if slope, ok := fitSlope(bx, bp); ok {
		r.BlockPayloadPerResult = slope
	}
	if slope, ok := fitSlope(bx, ry); ok {
		r.RollupBytesPerResult = slope
	}
}

// fitSlope is the least-squares slope of y over x: robust to where a file
// happened to be in its allocation steps at the ends of the window.
func fitSlope(x, y []float64) (float64, bool) {
	if len(x) < 3 || len(x) != len(y) {
		return 0, false
	}
	var sx, sy, sxx, sxy float64
	n := float64(len(x))
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		sxy += x[i] * y[i]
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return 0, false
	}
	return (n*sxy - sx*sy) / den, true
}
