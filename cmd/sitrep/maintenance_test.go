package main

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/web"
)

func TestMaintenanceCommands(t *testing.T) {
	start := time.Date(2026, 11, 22, 22, 0, 0, 0, time.UTC)
	end := start.Add(3 * time.Hour)
	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    []string
		stderr    string
		wantInput any
	}{
		{name: "schedule", args: []string{"maintenance", "schedule", "--title", "Replace controller", "--component", "courses-oslo",
			"--component", "messaging-oslo", "--start", "2026-11-22T23:00:00+01:00", "--end", "2026-11-23T01:00:00Z", "--message", "Planned work"},
			stdout: []string{"Maintenance mnt-new: Replace controller", "planned:    2026-11-22 22:00Z – 2026-11-23 01:00Z (3h0m0s)",
				"components: courses-oslo, messaging-oslo"},
			wantInput: sitrep.MaintenanceInput{Title: "Replace controller", Components: []string{"courses-oslo", "messaging-oslo"},
				Start: start, End: end, Message: "Planned work", Author: web.AdminTokenName}},
		{name: "schedule recurring", args: []string{"maintenance", "schedule", "--title", "Weekly", "--component", "courses-oslo",
			"--start", "2026-11-22T23:00:00+01:00", "--end", "2026-11-23T01:00:00Z", "--recurrence", "every sun 02:00-04:00 Europe/Oslo"},
			stdout: []string{"repeats:    every sun 02:00-04:00 Europe/Oslo"}},
		{name: "schedule bad recurrence", args: []string{"maintenance", "schedule", "--title", "Weekly", "--component", "c",
			"--recurrence", "sundays"}, code: 1,
			stderr: "sitrep maintenance: recurrence: cannot read the rule in \"sundays\"; the form is \"every DAYS HH:MM-HH:MM [ZONE]\", e.g. \"every sunday 02:00-04:00 Europe/Oslo\" or \"every mon,thu 22:00-01:00 UTC\" or \"every day 03:00-03:30\"\n"},
		{name: "schedule bad start", args: []string{"maintenance", "schedule", "--title", "t", "--start", "tomorrow"}, code: 2},
		{name: "schedule without end", args: []string{"maintenance", "schedule", "--title", "t", "--component", "c",
			"--start", "2026-11-22T23:00:00Z"}, code: 1,
			stderr: "sitrep maintenance: end: is required: when the work is planned to end, as an RFC 3339 time\n"},
		{name: "start", args: []string{"maintenance", "start", "mnt-1", "--message", "Starting now"}, stdout: []string{"status:     in_progress"},
			wantInput: sitrep.MaintenanceUpdateInput{Status: sitrep.MaintenanceInProgress, Message: "Starting now", Author: web.AdminTokenName}},
		{name: "complete", args: []string{"maintenance", "complete", "mnt-1"}, stdout: []string{"status:     completed"},
			wantInput: sitrep.MaintenanceUpdateInput{Status: sitrep.MaintenanceCompleted, Author: web.AdminTokenName}},
		{name: "extend", args: []string{"maintenance", "extend", "mnt-1", "--end", "2026-11-23T01:00:00Z", "--message", "One more hour"},
			wantInput: sitrep.MaintenanceUpdateInput{End: end, Message: "One more hour", Author: web.AdminTokenName}},
		{name: "extend without end", args: []string{"maintenance", "extend", "mnt-1"}, code: 2,
			stderr: "sitrep maintenance extend: --end is required: the new planned end, e.g. --end 2026-11-23T04:00:00+01:00\n"},
		{name: "start unknown", args: []string{"maintenance", "start", "nope"}, code: 1,
			stderr: "sitrep maintenance: no maintenance \"nope\"; GET /api/v1/maintenances?status=all lists them\n"},
		{name: "list", args: []string{"maintenance", "list"}, stdout: []string{"ID     STATUS     START              END                COMPONENTS    TITLE",
			"mnt-1  scheduled  2026-11-22 23:00Z  2026-11-23 02:00Z  courses-oslo  Replace controller"},
			wantInput: nil},
		{name: "show", args: []string{"maintenance", "show", "mnt-1"}, stdout: []string{"Maintenance mnt-1: Replace controller"}},
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
			if tt.wantInput != nil && !reflect.DeepEqual(f.lastInput(), tt.wantInput) {
				t.Errorf("server got\n%+v\nwant\n%+v", f.lastInput(), tt.wantInput)
			}
		})
	}
}

func TestMaintenanceListFilter(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want []sitrep.MaintenanceStatus
	}{
		{[]string{"maintenance", "list"}, []sitrep.MaintenanceStatus{sitrep.MaintenanceScheduled, sitrep.MaintenanceInProgress, sitrep.MaintenanceVerifying}},
		{[]string{"maintenance", "list", "--all"}, nil},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := startRecordsServer(t)
			if code, _, stderr := runCLI(t, tt.args...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			want := sitrep.MaintenanceFilter{Statuses: tt.want, Limit: 200}
			if got := f.lastFilter(); !reflect.DeepEqual(got, want) {
				t.Errorf("filter %+v, want %+v", got, want)
			}
		})
	}
}
