package sitrep

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseRecurrence(t *testing.T) {
	tests := []struct {
		in       string
		weekdays []time.Weekday
		start    time.Duration
		end      time.Duration
		zone     string
		bad      string
	}{
		{in: "every Sunday 02:00–04:00 Europe/Oslo", weekdays: []time.Weekday{time.Sunday}, start: 2 * time.Hour, end: 4 * time.Hour, zone: "Europe/Oslo"},
		{in: "every sundays 02:00 - 04:00 Europe/Oslo", weekdays: []time.Weekday{time.Sunday}, start: 2 * time.Hour, end: 4 * time.Hour, zone: "Europe/Oslo"},
		{in: "every thu,mon 22:00-01:30", weekdays: []time.Weekday{time.Monday, time.Thursday}, start: 22 * time.Hour, end: 90 * time.Minute, zone: "UTC"},
		{in: "every day 03:00-03:30 UTC", start: 3 * time.Hour, end: 210 * time.Minute, zone: "UTC"},
		{in: "sunday 02:00-04:00", bad: "cannot read"},
		{in: "every funday 02:00-04:00", bad: `unknown day "funday"`},
		{in: "every sunday 2-4", bad: "not a time of day"},
		{in: "every sunday 25:00-04:00", bad: `"25:00"`},
		{in: "every sunday 02:00", bad: "missing the end"},
		{in: "every sunday 02:00-04:00 Mars/Olympus", bad: "unknown time zone"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, err := ParseRecurrence(tt.in)
			if tt.bad != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != EINVALID || e.Field != "recurrence" || !strings.Contains(e.Message, tt.bad) || !strings.Contains(e.Message, "every sunday 02:00-04:00 Europe/Oslo") {
					t.Errorf("err = %v, want an invalid recurrence naming %q and showing the form", err, tt.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.Weekdays, tt.weekdays) || r.Start != tt.start || r.End != tt.end || r.TimeZone != tt.zone || r.Location == nil {
				t.Errorf("got %+v", r)
			}
			// The canonical text reads back to the same rule, so stores can
			// keep rules as text.
			back, err := ParseRecurrence(r.String())
			if err != nil || back.String() != r.String() || !slices.Equal(back.Weekdays, r.Weekdays) || back.Start != r.Start || back.End != r.End {
				t.Errorf("round trip of %q: %+v, %v", r.String(), back, err)
			}
		})
	}
}
