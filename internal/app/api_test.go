package app

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestIdempotentCreateAndOpenAPI: a create retried with the same
// Idempotency-Key makes one incident, and the API describes itself.
func TestIdempotentCreateAndOpenAPI(t *testing.T) {
	target := newTarget(t)
	dir := t.TempDir()
	cfg := fmt.Sprintf("monitors:\n%scomponents:\n  - {id: courses, name: Courses, group: Main, monitors: [web]}\n", monitorYAML("web", target.URL))
	cfgPath := filepath.Join(dir, "sitrep.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	a := New(Options{ConfigPath: cfgPath, DataDir: filepath.Join(dir, "data"), Listen: "127.0.0.1:0", WatchInterval: -1, AdminToken: "tok"})
	if err := a.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Stop(t.Context()) })
	base := "http://" + a.Addr().String()

	create := func() (int, string, http.Header) {
		body := `{"title":"Slow","impact":"minor","status":"investigating","message":"Looking.","components":{"courses":"degraded_performance"}}`
		req, _ := http.NewRequest("POST", base+"/api/v1/incidents", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer tok")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "retry-me-1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	code1, body1, _ := create()
	code2, body2, h2 := create()
	if code1 != http.StatusCreated || code2 != http.StatusCreated || body1 != body2 || h2.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("two creates with one key: %d/%d, replayed=%q, same body=%v", code1, code2, h2.Get("Idempotent-Replayed"), body1 == body2)
	}
	req, _ := http.NewRequest("GET", base+"/api/v1/incidents?status=all", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Total int `json:"total"`
	}
	err = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if err != nil || list.Total != 1 {
		t.Errorf("incidents after a retried create: total %d (%v), want 1", list.Total, err)
	}

	// The change is in the audit log: who, what, from where.
	entries, err := a.accounts.AuditLog(t.Context(), time.Time{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		if e.Action == "incident.open" && e.Actor == "admin-token" && e.IP == "127.0.0.1" && strings.HasPrefix(e.Target, "incident/") {
			found = true
		}
	}
	if !found {
		t.Errorf("no audit entry for the incident opened through the API: %+v", entries)
	}

	code, doc := get(t, base+"/api/v1/openapi.json")
	var spec struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(doc), &spec); code != 200 || err != nil || !strings.HasPrefix(spec.OpenAPI, "3.1") || spec.Paths["/api/v1/incidents"] == nil {
		t.Errorf("openapi.json: %d, openapi %q, %d paths, err %v", code, spec.OpenAPI, len(spec.Paths), err)
	}
}
