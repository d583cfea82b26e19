package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func post(t *testing.T, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestOutageBecomesPublicIncident walks issue 3's core story through the
// real server: a component's monitor fails, sitrep opens an incident by
// itself, the public page and the Statuspage API say so, and only the
// admin token may write.
func TestOutageBecomesPublicIncident(t *testing.T) {
	courses := newTarget(t)
	dir := t.TempDir()
	exportDir := filepath.Join(dir, "export")
	cfg := fmt.Sprintf(`monitors:
  - {id: courses-web, type: http, url: %q, interval: 1s, timeout: 500ms, failures_to_down: 1, successes_to_up: 1}
components:
  - {id: courses-oslo, name: Courses, group: Oslo data centre, monitors: [courses-web]}
pages:
  - {slug: main, title: Example Learning status, groups: [Oslo data centre], export_dir: %q}
incidents: {auto_open_after: 1s}
`, courses.URL, exportDir)
	cfgPath := filepath.Join(dir, "sitrep.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	a := New(Options{
		ConfigPath: cfgPath, DataDir: filepath.Join(dir, "data"), Listen: "127.0.0.1:0",
		Stdout: &out, WatchInterval: -1, AdminToken: "test-admin-token",
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err := a.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = a.Stop(context.Background()) })
	base := "http://" + a.Addr().String()

	waitFor(t, "courses up", func() bool { return monitors(t, a)["courses-web"] == "up" })
	waitFor(t, "page shows the component", func() bool {
		code, body := get(t, base+"/")
		return code == 200 && strings.Contains(body, "Courses") && strings.Contains(body, "Example Learning status")
	})

	courses.status.Store(http.StatusServiceUnavailable)
	waitFor(t, "automatic incident", func() bool {
		_, body := get(t, base+"/api/v2/incidents/unresolved.json")
		return strings.Contains(body, "Courses")
	})
	_, summary := get(t, base+"/api/v2/summary.json")
	var doc struct {
		Status struct {
			Indicator string `json:"indicator"`
		} `json:"status"`
		Components []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(summary), &doc); err != nil {
		t.Fatalf("summary.json: %v\n%s", err, summary)
	}
	if doc.Status.Indicator == "none" {
		t.Errorf("summary.json indicator is none during an outage:\n%s", summary)
	}
	if _, page := get(t, base+"/"); !strings.Contains(page, "We are investigating") {
		t.Errorf("public page does not show the automatic update")
	}
	waitFor(t, "export_dir copy", func() bool {
		b, err := os.ReadFile(filepath.Join(exportDir, "index.html"))
		return err == nil && strings.Contains(string(b), "We are investigating")
	})

	body := `{"title":"Video is slow","impact":"minor","status":"investigating","message":"Looking into it.","components":{"courses-oslo":"degraded_performance"}}`
	if code, resp := post(t, base+"/api/v1/incidents", "", body); code != http.StatusUnauthorized {
		t.Errorf("create without a token: %d %s, want 401", code, resp)
	}
	if code, resp := post(t, base+"/api/v1/incidents", "wrong", body); code != http.StatusUnauthorized {
		t.Errorf("create with a wrong token: %d %s, want 401", code, resp)
	}
	if code, resp := post(t, base+"/api/v1/incidents", "test-admin-token", body); code != http.StatusCreated {
		t.Fatalf("create with the admin token: %d %s, want 201", code, resp)
	}
	waitFor(t, "created incident on the page", func() bool {
		_, page := get(t, base+"/")
		return strings.Contains(page, "Video is slow")
	})
}

func TestFirstStartPrintsAdminTokenOnce(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "sitrep.yaml")
	if err := os.WriteFile(cfgPath, []byte("monitors: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	start := func() string {
		var out bytes.Buffer
		a := New(Options{ConfigPath: cfgPath, DataDir: filepath.Join(dir, "data"), Listen: "127.0.0.1:0", Stdout: &out, WatchInterval: -1})
		if err := a.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := a.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	first, second := start(), start()
	if !strings.Contains(first, "admin token") || !strings.Contains(first, "sitrep_") {
		t.Errorf("first start does not print the admin token:\n%s", first)
	}
	if strings.Contains(second, "sitrep_") {
		t.Errorf("second start prints a token again:\n%s", second)
	}
}
