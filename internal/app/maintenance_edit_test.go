package app

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMaintenanceEditEndToEnd edits a window through the API of the real
// server (status engine, SQLite, audit log): a correction of text is on the
// public page at once, the service's rules answer in the standard error
// shape, and every edit is in the audit log with what it changed. Which
// events an edit writes is checked against the real stores in
// internal/storetest (MaintenanceEdit), where the outbox can be read before
// a dispatcher drains it.
func TestMaintenanceEditEndToEnd(t *testing.T) {
	target := newTarget(t)
	dir := t.TempDir()
	cfg := fmt.Sprintf("monitors:\n%scomponents:\n  - {id: courses, name: Courses, group: Main, monitors: [web]}\n  - {id: video, name: Video, group: Main, monitors: [web]}\n",
		monitorYAML("web", target.URL))
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
	call := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer tok")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Minute)
	code, body := call("POST", "/api/v1/maintenances", fmt.Sprintf(`{"title":"Databse upgarde","components":["courses"],"start":%q,"end":%q,"message":"Planned."}`,
		start.Format(time.RFC3339), start.Add(2*time.Hour).Format(time.RFC3339)))
	if code != http.StatusCreated {
		t.Fatalf("schedule: %d %s", code, body)
	}
	id := between(body, `"id":"`, `"`)
	path := "/api/v1/maintenances/" + id

	if code, body := call("PATCH", path, `{"title":"Database upgrade","components":["courses","video"]}`); code != http.StatusOK {
		t.Fatalf("quiet edit: %d %s", code, body)
	}
	if _, page := get(t, base+"/maintenance/"+id); !strings.Contains(page, "Database upgrade") || strings.Contains(page, "Databse") {
		t.Errorf("the public page does not show the corrected title at once")
	}

	code, body = call("PATCH", path, fmt.Sprintf(`{"start":%q,"end":%q,"message":"Moved a day."}`,
		start.Add(24*time.Hour).Format(time.RFC3339), start.Add(26*time.Hour).Format(time.RFC3339)))
	if code != http.StatusOK {
		t.Fatalf("reschedule: %d %s", code, body)
	}
	if !strings.Contains(body, `"planned_start":"`+start.Add(24*time.Hour).Format(time.RFC3339)) {
		t.Errorf("reschedule not applied: %s", body)
	}

	// Refusals come back in the standard shape.
	if code, body := call("PATCH", path, `{"components":["courses","db"]}`); code != http.StatusBadRequest ||
		!strings.Contains(body, `"field":"components"`) || !strings.Contains(body, `unknown component \"db\"`) {
		t.Errorf("unknown component: %d %s", code, body)
	}
	if code, body := call("POST", path+"/updates", `{"status":"completed","message":"Called off."}`); code != http.StatusOK {
		t.Fatalf("cancel: %d %s", code, body)
	}
	if code, body := call("PATCH", path, `{"title":"Too late"}`); code != http.StatusConflict || !strings.Contains(body, "was cancelled") {
		t.Errorf("edit of a cancelled window: %d %s", code, body)
	}

	entries, err := a.accounts.AuditLog(t.Context(), time.Time{}, 20)
	if err != nil {
		t.Fatal(err)
	}
	var edits []string
	for _, e := range entries {
		if e.Action == "maintenance.edit" && e.Target == "maintenance/"+id {
			edits = append(edits, e.Detail)
		}
	}
	if len(edits) != 2 || !strings.Contains(strings.Join(edits, "|"), `title "Databse upgarde" → "Database upgrade"; components courses → courses,video`) {
		t.Errorf("audit entries for the edits: %q", edits)
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}
