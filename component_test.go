package sitrep

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestComponentStatusOrder(t *testing.T) {
	for i := 1; i < len(ComponentStatuses); i++ {
		a, b := ComponentStatuses[i-1], ComponentStatuses[i]
		if a.Severity() >= b.Severity() || WorseStatus(a, b) != b || WorseStatus(b, a) != b {
			t.Errorf("%s should rank below %s", a, b)
		}
	}
	if ComponentStatus("down").Valid() || ComponentStatus("down").Severity() != 0 {
		t.Error("unknown status accepted")
	}
	if !StatusPartialOutage.IsOutage() || !StatusMajorOutage.IsOutage() || StatusDegraded.IsOutage() {
		t.Error("IsOutage")
	}
}

func TestParseEnums(t *testing.T) {
	tests := []struct {
		name  string
		parse func() error
		want  string
	}{
		{"component status", func() error { _, err := ParseComponentStatus("status", "down"); return err },
			"operational, under_maintenance, degraded_performance, partial_outage, major_outage"},
		{"impact", func() error { _, err := ParseImpact("impact", "huge"); return err }, "none, minor, major, critical"},
		{"incident status", func() error { _, err := ParseIncidentStatus("status", "open"); return err },
			"investigating, identified, monitoring, resolved"},
		{"maintenance status", func() error { _, err := ParseMaintenanceStatus("status", "done"); return err },
			"scheduled, in_progress, verifying, completed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse()
			var e *Error
			if !errors.As(err, &e) || e.Code != EINVALID || e.Field == "" || !strings.Contains(e.Message, tt.want) {
				t.Errorf("err = %#v", err)
			}
		})
	}
	if s, err := ParseComponentStatus("status", "major_outage"); err != nil || s != StatusMajorOutage {
		t.Errorf("%v %v", s, err)
	}
}

func TestRuleDefaults(t *testing.T) {
	r := ComponentRule{SomeDown: StatusMajorOutage}.WithDefaults()
	if r.AnyDegraded != StatusDegraded || r.SomeDown != StatusMajorOutage || r.AllDown != StatusMajorOutage {
		t.Errorf("%+v", r)
	}
}

func TestAutomationOverride(t *testing.T) {
	off, five := time.Duration(0), 5*time.Minute
	d := DefaultIncidentAutomation()
	if d.AutoOpenAfter != 2*time.Minute || d.AutoResolveAfter != 0 || d.NudgeAfter != 30*time.Minute {
		t.Errorf("defaults %+v", d)
	}
	got := d.With(&AutomationOverride{AutoOpenAfter: &off, NudgeAfter: &five})
	if got.AutoOpenAfter != 0 || got.NudgeAfter != five || got.AutoResolveAfter != 0 {
		t.Errorf("%+v", got)
	}
	if d.With(nil) != d {
		t.Error("nil override changed the settings")
	}
}

func TestIncidentHelpers(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
	inc := &Incident{Status: IncidentMonitoring, Components: []AffectedComponent{{ComponentID: "a"}},
		Updates: []IncidentUpdate{{Public: true, At: t0}, {Public: false, At: t0.Add(time.Hour)}, {Public: true, At: t0.Add(time.Minute), Message: "last"}}}
	if !inc.Open() || !inc.Affects("a") || inc.Affects("b") || inc.LastPublicUpdate().Message != "last" {
		t.Error("helpers")
	}
	m := &Maintenance{PlannedStart: t0, PlannedEnd: t0.Add(3 * time.Hour), ActualStart: t0, RemindersSent: []time.Duration{time.Hour}}
	if m.PlannedDuration() != 3*time.Hour || m.ActualDuration() != 0 || !m.Reminded(time.Hour) || m.Reminded(24*time.Hour) {
		t.Error("maintenance helpers")
	}
	if !MaintenanceVerifying.Active() || MaintenanceScheduled.Active() {
		t.Error("Active")
	}
}
