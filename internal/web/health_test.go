package web

import (
	"testing"

	"sitrep"
)

func TestHealth(t *testing.T) {
	usage := sitrep.Usage{Bytes: 1 << 20, Budget: 1 << 30, DiskFree: 50 << 30}
	low := usage
	low.LowDisk, low.DiskFree = true, 100<<20
	tests := []struct {
		name   string
		health sitrep.Health
		status int
		body   string
	}{
		{"ok", sitrep.Health{OK: true, Usage: usage, Monitors: 4}, 200,
			`{"status":"ok","storage":"writable","disk":{"bytes":1048576,"budget":1073741824,"free":53687091200,"low":false},"monitors":4,"version":"1.2.3-test"}` + "\n"},
		{"low disk is degraded but up", sitrep.Health{OK: true, Usage: low, Monitors: 4}, 200,
			`{"status":"degraded","storage":"writable","disk":{"bytes":1048576,"budget":1073741824,"free":104857600,"low":true},"monitors":4,"version":"1.2.3-test"}` + "\n"},
		{"storage failing", sitrep.Health{Storage: errDiskGone, Usage: low, Monitors: 4}, 503,
			`{"status":"unavailable","storage":"unwritable","error":"write probe: open /var/lib/sitrep/sitrep.db: read-only file system","disk":{"bytes":1048576,"budget":1073741824,"free":104857600,"low":true},"monitors":4,"version":"1.2.3-test"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.health.h = tt.health
			// Health is never served from a cache, even to a client that has an old copy.
			res := e.do(t, "GET", "/healthz", nil, "If-None-Match", "*", "Accept-Encoding", "gzip")
			body := readBody(t, res)
			if res.StatusCode != tt.status || body != tt.body {
				t.Errorf("got %d %s\nwant %d %s", res.StatusCode, body, tt.status, tt.body)
			}
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", cc)
			}
			if res.Header.Get("ETag") != "" {
				t.Errorf("health has an ETag")
			}
		})
	}
}
