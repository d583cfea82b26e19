package acceptance

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func httpMonitorsConfig(target string, ids ...string) string {
	var b strings.Builder
	b.WriteString("location: test\nmonitors:\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "  - id: %s\n    type: http\n    url: %s/%s\n    interval: 5s\n    timeout: 2s\n", id, target, id)
	}
	return b.String()
}

// TestReload changes the config of a running server: by SIGHUP, by a plain
// save, and with a broken file that must be refused with the old monitors
// kept and the problem logged.
func TestReload(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer target.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sitrep.yaml")
	writeFile(t, cfg, httpMonitorsConfig(target.URL, "alpha"))
	s := startServer(t, dir, "--config", cfg, "--data", filepath.Join(dir, "data"))
	s.waitHealthy()

	wantIDs := func(what string, want ...string) {
		t.Helper()
		eventually(t, s, 10*time.Second, what, func() (bool, string) {
			ms, err := s.monitors()
			if err != nil {
				return false, err.Error()
			}
			got := ids(ms)
			slices.Sort(got)
			return slices.Equal(got, want), fmt.Sprintf("monitors %v, want %v", got, want)
		})
	}
	wantIDs("the initial monitor", "alpha")

	writeFile(t, cfg, httpMonitorsConfig(target.URL, "beta", "gamma"))
	s.signal(syscall.SIGHUP)
	wantIDs("beta and gamma after SIGHUP", "beta", "gamma")

	broken := strings.Replace(httpMonitorsConfig(target.URL, "delta"), "interval: 5s", "interval: soon", 1)
	writeFile(t, cfg, broken)
	s.signal(syscall.SIGHUP)
	eventually(t, s, 10*time.Second, "the refusal in the log", func() (bool, string) {
		out := s.out.String()
		return strings.Contains(out, cfg+":6:"), "log does not name " + cfg + ":6:\n" + out
	})
	ms, err := s.monitors()
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(ms); !slices.Contains(got, "beta") || slices.Contains(got, "delta") {
		t.Errorf("after a broken file the monitors are %v; want the old beta and gamma", got)
	}

	// No signal: the running server must notice the saved file by itself.
	writeFile(t, cfg, httpMonitorsConfig(target.URL, "delta"))
	wantIDs("delta after a plain save", "delta")
	s.stop()
}
