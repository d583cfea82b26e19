package incident

import (
	"testing"
	"time"

	"sitrep"
)

func oslo(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	return loc
}

func TestOccurrencesDST(t *testing.T) {
	loc := oslo(t)
	r, err := sitrep.ParseRecurrence("every Sunday 02:00-04:00 Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(mo time.Month, d, h, m int) time.Time { return time.Date(2026, mo, d, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name       string
		day        time.Time // any time in the week before the occurrence
		start, end time.Time
	}{
		{"winter: 02:00 CET is 01:00 UTC", utc(11, 16, 0, 0), utc(11, 22, 1, 0), utc(11, 22, 3, 0)},
		{"summer: 02:00 CEST is 00:00 UTC", utc(6, 1, 0, 0), utc(6, 7, 0, 0), utc(6, 7, 2, 0)},
		// 29 March: clocks jump from 02:00 to 03:00, so the window starts at
		// the jump and is one hour long.
		{"spring forward", utc(3, 23, 0, 0), utc(3, 29, 1, 0), utc(3, 29, 2, 0)},
		// 25 October: 02:00-03:00 happens twice; the window starts at the
		// first 02:00 (CEST) and ends at 04:00 CET, three hours later.
		{"fall back", utc(10, 19, 0, 0), utc(10, 25, 0, 0), utc(10, 25, 3, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := Occurrences(r, tt.day, tt.day.Add(7*24*time.Hour))
			if len(ws) != 1 {
				t.Fatalf("%d occurrences: %v", len(ws), ws)
			}
			if !ws[0].Start.Equal(tt.start) || !ws[0].End.Equal(tt.end) {
				t.Errorf("window %v – %v, want %v – %v", ws[0].Start.In(loc), ws[0].End.In(loc), tt.start.In(loc), tt.end.In(loc))
			}
		})
	}
}

func TestOccurrences(t *testing.T) {
	r, err := sitrep.ParseRecurrence("every mon,thu 23:00-01:00 UTC")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC) // a Monday
	ws := Occurrences(r, from, from.Add(14*24*time.Hour))
	if len(ws) != 4 {
		t.Fatalf("%d windows", len(ws))
	}
	for _, w := range ws {
		if d := w.Start.Weekday(); d != time.Monday && d != time.Thursday || w.End.Sub(w.Start) != 2*time.Hour {
			t.Errorf("window %v – %v", w.Start, w.End)
		}
	}
	r.Until = ws[2].Start
	if n := len(Occurrences(r, from, from.Add(14*24*time.Hour))); n != 2 {
		t.Errorf("with Until: %d windows, want 2", n)
	}
}

func TestMaterialize(t *testing.T) {
	r, err := sitrep.ParseRecurrence("every sunday 02:00-04:00 UTC")
	if err != nil {
		t.Fatal(err)
	}
	series := &sitrep.Maintenance{ID: "s1", Title: "OS updates, mirror A", Components: []string{"courses-oslo"}, Recurrence: &r}
	from := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	have := []time.Time{time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)}
	ms := Materialize(series, have, from, from.Add(14*24*time.Hour), now)
	if len(ms) != 1 || !ms[0].PlannedStart.Equal(time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)) || ms[0].SeriesID != "s1" || ms[0].Status != sitrep.MaintenanceScheduled {
		t.Fatalf("%+v", ms)
	}
}
