package acceptance

import (
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

const heartbeatToken = "acceptance-heartbeat-token-0123456789"

// TestHeartbeat pings a heartbeat monitor with a pinned token: a success
// brings it up, a fail ping takes it down, and an unknown token is a 404.
// One fail ping is enough: heartbeats go down on their first failed verdict.
func TestHeartbeat(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sitrep.yaml")
	writeFile(t, cfg, fmt.Sprintf(`location: test
monitors:
  - id: nightly-backup
    type: heartbeat
    every: 1h
    grace: 10m
    token: %s
`, heartbeatToken))
	s := startServer(t, dir, "--config", cfg, "--data", filepath.Join(dir, "data"))
	s.waitHealthy()

	ping := func(path string, want int) {
		t.Helper()
		code, body, err := s.get(path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		if code != want {
			t.Fatalf("GET %s: status %d, want %d: %s", path, code, want, body)
		}
	}
	stateIs := func(want string) {
		t.Helper()
		eventually(t, s, 10*time.Second, "nightly-backup "+want, func() (bool, string) {
			ms, err := s.monitors()
			if err != nil {
				return false, err.Error()
			}
			for _, m := range ms {
				if m.ID == "nightly-backup" {
					return m.State == want, "state " + m.State
				}
			}
			return false, "nightly-backup not listed"
		})
	}

	ping("/ping/"+heartbeatToken, http.StatusOK)
	stateIs("up")
	ping("/ping/"+heartbeatToken+"/fail", http.StatusOK)
	stateIs("down")
	ping("/ping/"+heartbeatToken, http.StatusOK)
	stateIs("up")
	ping("/ping/not-"+heartbeatToken, http.StatusNotFound)
	s.stop()
}
