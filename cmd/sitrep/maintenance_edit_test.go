package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/web"
)

// TestMaintenanceEdit runs `sitrep maintenance edit` against a real server
// on loopback and checks what reached the service.
func TestMaintenanceEdit(t *testing.T) {
	start := time.Date(2026, 11, 29, 22, 0, 0, 0, time.UTC)
	empty := ""
	comps := func(ids ...string) *[]string { return &ids }
	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    []string
		stderr    string
		wantInput *sitrep.MaintenanceUpdateInput
	}{
		{name: "text and components", args: []string{"maintenance", "edit", "mnt-1", "--title", "Replace controller B",
			"--description", "", "--components", "courses-oslo, messaging-oslo"},
			stdout: []string{"Maintenance mnt-1: Replace controller"},
			wantInput: &sitrep.MaintenanceUpdateInput{Title: "Replace controller B", Description: &empty,
				Components: comps("courses-oslo", "messaging-oslo"), Author: web.AdminTokenName}},
		{name: "repeated --component", args: []string{"maintenance", "edit", "mnt-1", "--component", "a", "--component", "b"},
			wantInput: &sitrep.MaintenanceUpdateInput{Components: comps("a", "b"), Author: web.AdminTokenName}},
		{name: "reschedule", args: []string{"maintenance", "edit", "mnt-1", "--start", "2026-11-29T23:00:00+01:00",
			"--end", "2026-11-30T02:00:00Z", "--message", "Moved a week."},
			wantInput: &sitrep.MaintenanceUpdateInput{Start: start, End: start.Add(4 * time.Hour), Message: "Moved a week.", Author: web.AdminTokenName}},
		{name: "no components", args: []string{"maintenance", "edit", "mnt-1", "--components", ""}, code: 1,
			stderr: "sitrep maintenance: components: must list at least one component ID, e.g. [\"courses-oslo\"]; leave it out to keep the current ones\n"},
		{name: "blank title", args: []string{"maintenance", "edit", "mnt-1", "--title", " "}, code: 1,
			stderr: "sitrep maintenance: title: is required, e.g. \"Replace the Oslo storage controller\"\n"},
		{name: "nothing to change", args: []string{"maintenance", "edit", "mnt-1", "--message", "hi"}, code: 2,
			stderr: "sitrep maintenance edit: nothing to change; give at least one of --title, --description, --components, --start, --end\n"},
		{name: "bad start", args: []string{"maintenance", "edit", "mnt-1", "--start", "tomorrow"}, code: 2},
		{name: "missing ID", args: []string{"maintenance", "edit", "--title", "x"}, code: 2},
		{name: "unknown window", args: []string{"maintenance", "edit", "nope", "--title", "x"}, code: 1,
			stderr: "sitrep maintenance: no maintenance \"nope\"; GET /api/v1/maintenances?status=all lists them\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startRecordsServer(t)
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			if tt.stderr != "" && stderr != tt.stderr {
				t.Errorf("stderr %q\nwant   %q", stderr, tt.stderr)
			}
			if tt.wantInput != nil && !reflect.DeepEqual(f.lastInput(), *tt.wantInput) {
				t.Errorf("server got\n%+v\nwant\n%+v", f.lastInput(), *tt.wantInput)
			}
		})
	}
}

func TestMaintenanceEditJSON(t *testing.T) {
	startRecordsServer(t)
	code, stdout, stderr := runCLI(t, "maintenance", "edit", "mnt-1", "--title", "Corrected", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var m sitrep.Maintenance
	if err := json.Unmarshal([]byte(stdout), &m); err != nil || m.ID != "mnt-1" {
		t.Errorf("--json printed %q (%v)", stdout, err)
	}
}
