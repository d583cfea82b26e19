package incident

import (
	"strings"
	"testing"
	"time"

	"sitrep"
)

func TestNewMaintenance(t *testing.T) {
	start := now.Add(24 * time.Hour)
	good := sitrep.MaintenanceInput{Title: "Storage", Components: []string{"courses-oslo", "courses-oslo"}, Start: start, End: start.Add(3 * time.Hour), Message: "Replacing a controller."}
	tests := []struct {
		name  string
		edit  func(*sitrep.MaintenanceInput)
		field string
		want  []string
	}{
		{"ok", func(*sitrep.MaintenanceInput) {}, "", nil},
		{"no components", func(in *sitrep.MaintenanceInput) { in.Components = nil }, "components", []string{"courses-oslo"}},
		{"unknown component", func(in *sitrep.MaintenanceInput) { in.Components = []string{"db"} }, "components", []string{`"db"`}},
		{"no start", func(in *sitrep.MaintenanceInput) { in.Start = time.Time{} }, "start", []string{"RFC 3339"}},
		{"end before start", func(in *sitrep.MaintenanceInput) { in.End = start.Add(-time.Minute) }, "end", []string{"not after start"}},
		{"no message", func(in *sitrep.MaintenanceInput) { in.Message = "" }, "message", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good
			tt.edit(&in)
			m, err := NewMaintenance(in, catalog(), now)
			if tt.field != "" {
				wantError(t, err, tt.field, tt.want...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Status != sitrep.MaintenanceScheduled || len(m.Components) != 1 || len(m.Updates) != 1 || !m.Updates[0].Public {
				t.Errorf("%+v", m)
			}
		})
	}
}

func TestCheckMaintenanceTransition(t *testing.T) {
	sch, inp, ver, com := sitrep.MaintenanceScheduled, sitrep.MaintenanceInProgress, sitrep.MaintenanceVerifying, sitrep.MaintenanceCompleted
	tests := []struct {
		from, to sitrep.MaintenanceStatus
		ok       bool
	}{
		{sch, inp, true}, {inp, ver, true}, {ver, com, true}, {ver, inp, true}, {sch, com, true}, {inp, com, true},
		{sch, ver, false}, {com, inp, false}, {inp, sch, false}, {sch, "cancelled", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"→"+string(tt.to), func(t *testing.T) {
			err := CheckMaintenanceTransition(tt.from, tt.to)
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				wantError(t, err, "status")
			}
		})
	}
}

func TestApplyMaintenanceUpdate(t *testing.T) {
	start := now.Add(-time.Hour)
	m := &sitrep.Maintenance{ID: "m1", Status: sitrep.MaintenanceScheduled, PlannedStart: start, PlannedEnd: start.Add(3 * time.Hour)}
	if err := ApplyMaintenanceUpdate(m, sitrep.MaintenanceUpdateInput{Status: sitrep.MaintenanceInProgress}, catalog(), now); err != nil {
		t.Fatal(err)
	}
	if !m.ActualStart.Equal(now) || m.Updates[0].Message == "" {
		t.Errorf("%+v", m)
	}
	wantError(t, ApplyMaintenanceUpdate(m, sitrep.MaintenanceUpdateInput{Start: now}, catalog(), now), "start", "already started")
	// Extending the end while it runs is how a person announces an overrun.
	if err := ApplyMaintenanceUpdate(m, sitrep.MaintenanceUpdateInput{End: start.Add(4 * time.Hour), Message: "One more hour."}, catalog(), now); err != nil {
		t.Fatal(err)
	}
	if err := ApplyMaintenanceUpdate(m, sitrep.MaintenanceUpdateInput{Status: sitrep.MaintenanceCompleted}, catalog(), now.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if m.ActualDuration() != 3*time.Hour || m.PlannedDuration() != 4*time.Hour {
		t.Errorf("actual %v planned %v", m.ActualDuration(), m.PlannedDuration())
	}
	err := ApplyMaintenanceUpdate(m, sitrep.MaintenanceUpdateInput{Message: "x", End: now.Add(9 * time.Hour)}, catalog(), now)
	if sitrep.ErrorCode(err) != sitrep.ECONFLICT || !strings.Contains(sitrep.ErrorMessage(err), "is completed") {
		t.Errorf("extending a completed window: %v, want a conflict saying it is completed", err)
	}
}

func TestMutedMonitors(t *testing.T) {
	ms := []*sitrep.Maintenance{
		{Status: sitrep.MaintenanceInProgress, Components: []string{"courses-oslo"}},
		{Status: sitrep.MaintenanceScheduled, Components: []string{"courses-us"}},
	}
	got := MutedMonitors(catalog(), ms)
	if len(got) != 2 || !got["db-oslo"] || !got["courses-web-oslo"] {
		t.Errorf("%v", got)
	}
}
