package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sitrep/internal/storetest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// target is a loopback HTTP server whose answer the test flips.
type target struct {
	*httptest.Server
	status atomic.Int32
}

func newTarget(t *testing.T) *target {
	t.Helper()
	tg := &target{}
	tg.status.Store(http.StatusOK)
	tg.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(tg.status.Load()))
		fmt.Fprintln(w, "ok")
	}))
	t.Cleanup(tg.Close)
	return tg
}

func startApp(t *testing.T, cfgText string) (*App, string) {
	t.Helper()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "sitrep.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	a := New(Options{
		ConfigPath:    cfgPath,
		DataDir:       filepath.Join(dir, "data"),
		Listen:        "127.0.0.1:0",
		Logger:        slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Stdout:        &out,
		WatchInterval: -1,
	})
	ctx := context.Background()
	if err := a.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := a.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	if !strings.Contains(out.String(), "listening on http://"+a.Addr().String()) {
		t.Errorf("banner does not say where sitrep listens:\n%s", out.String())
	}
	return a, cfgPath
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

type apiMonitor struct {
	ID    string `json:"id"`
	State string `json:"state"`
}

func monitors(t *testing.T, a *App) map[string]string {
	t.Helper()
	resp, err := http.Get("http://" + a.Addr().String() + "/api/v1/monitors")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Monitors []apiMonitor `json:"monitors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("decode /api/v1/monitors: %v", err)
	}
	states := map[string]string{}
	for _, m := range body.Monitors {
		states[m.ID] = m.State
	}
	return states
}

// waitFor polls until cond holds; the engine runs on the wall clock here,
// so this is the one place the app test waits, bounded by a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func monitorYAML(id, url string) string {
	return fmt.Sprintf("  - {id: %s, type: http, url: %q, interval: 1s, timeout: 500ms, failures_to_down: 1, successes_to_up: 1}\n", id, url)
}

func TestAppDetectsDownAndUpAndReloads(t *testing.T) {
	web := newTarget(t)
	api := newTarget(t)
	a, cfgPath := startApp(t, "monitors:\n"+monitorYAML("web", web.URL))

	waitFor(t, "web up", func() bool { return monitors(t, a)["web"] == "up" })
	web.status.Store(http.StatusServiceUnavailable)
	waitFor(t, "web down", func() bool { return monitors(t, a)["web"] == "down" })
	web.status.Store(http.StatusOK)
	waitFor(t, "web up again", func() bool { return monitors(t, a)["web"] == "up" })

	// Replace web by api: one added, one removed, no restart.
	if err := os.WriteFile(cfgPath, []byte("monitors:\n"+monitorYAML("api", api.URL)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := a.Reload(context.Background()); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	waitFor(t, "api up", func() bool { return monitors(t, a)["api"] == "up" })
	if _, ok := monitors(t, a)["web"]; ok {
		t.Error("removed monitor web is still listed")
	}

	// An invalid file is refused and the running config stays.
	if err := os.WriteFile(cfgPath, []byte("monitors:\n  - {id: api, type: htp}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := a.Reload(context.Background())
	if err == nil || !strings.Contains(err.Error(), "sitrep.yaml:2:") {
		t.Errorf("Reload of an invalid file: err = %v, want a FILE:LINE:COL error", err)
	}
	if got := monitors(t, a)["api"]; got != "up" {
		t.Errorf("after a refused reload api is %q, want up", got)
	}
}

func TestHealthzAndMetrics(t *testing.T) {
	a, _ := startApp(t, "monitors: []\n")
	_, body := get(t, "http://"+a.Addr().String()+"/metrics")
	for _, name := range []string{"sitrep_storage_bytes", "sitrep_deliveries_failed 0", "sitrep_incident_time_to_first_public_update_seconds", "process_resident_memory_bytes"} {
		if !strings.Contains(body, name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	for _, path := range []string{"/healthz", "/metrics"} {
		resp, err := http.Get("http://" + a.Addr().String() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, resp.StatusCode)
		}
	}
}

func TestExplicitConfigMustExist(t *testing.T) {
	a := New(Options{ConfigPath: filepath.Join(t.TempDir(), "missing.yaml"), DataDir: t.TempDir(), Listen: "127.0.0.1:0", WatchInterval: -1})
	err := a.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("Start with a missing --config: err = %v, want 'does not exist'", err)
	}
}

func TestZeroConfigStartWritesStarterAndWatchesItself(t *testing.T) {
	t.Chdir(t.TempDir())
	var out bytes.Buffer
	a := New(Options{Listen: "127.0.0.1:0", Stdout: &out, WatchInterval: -1})
	if err := a.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = a.Stop(context.Background()) })
	for _, f := range []string{DefaultConfigFile, filepath.Join(DefaultDataDir, "sitrep.db")} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("zero-config start did not create %s: %v", f, err)
		}
		if !strings.Contains(out.String(), f) {
			t.Errorf("banner does not mention %s:\n%s", f, out.String())
		}
	}
	if len(a.Config().Monitors) == 0 {
		t.Fatal("starter config declares no monitor")
	}
	self := a.Config().Monitors[0].ID
	waitFor(t, "self monitor up", func() bool { return monitors(t, a)[self] == "up" })
}

// TestAppOnPostgres runs the whole server on PostgreSQL: the same engine,
// API and state as on the embedded SQLite.
func TestAppOnPostgres(t *testing.T) {
	pg := storetest.PostgresURL(t)
	web := newTarget(t)
	a, _ := startApp(t, fmt.Sprintf("storage: {driver: postgres, url: %q}\nmonitors:\n%s", pg, monitorYAML("web", web.URL)))
	waitFor(t, "web up", func() bool { return monitors(t, a)["web"] == "up" })
	web.status.Store(http.StatusInternalServerError)
	waitFor(t, "web down", func() bool { return monitors(t, a)["web"] == "down" })
	resp, err := http.Get("http://" + a.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz on PostgreSQL = %d, want 200", resp.StatusCode)
	}
}
