package alert

import (
	"testing"
	"time"

	"sitrep"
)

func TestOnCall(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	monday := time.Monday
	members := []sitrep.OnCallMember{{Name: "ann", Channel: "ann-sms"}, {Name: "ben", Channel: "ben-sms"}, {Name: "cat", Channel: "cat-sms"}}
	weekly := sitrep.Rotation{Name: "weekly", Members: members, Length: 7 * 24 * time.Hour,
		Handoff: sitrep.Handoff{Weekday: &monday, Hour: 9},
		Start:   time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)} // a Saturday: first hand-off Monday 3 March
	daily := sitrep.Rotation{Name: "daily", Members: members[:2], Length: 24 * time.Hour,
		Handoff: sitrep.Handoff{Hour: 8, Minute: 30}, Start: time.Date(2025, 3, 29, 0, 0, 0, 0, time.UTC)}
	holiday := sitrep.Override{
		From:     time.Date(2025, 4, 1, 12, 0, 0, 0, oslo),
		To:       time.Date(2025, 4, 2, 12, 0, 0, 0, oslo),
		Member:   sitrep.OnCallMember{Name: "cat", Channel: "cat-sms"},
		Rotation: "weekly",
	}
	s := sitrep.Schedule{ID: "primary", TimeZone: oslo, Rotations: []sitrep.Rotation{weekly, daily}, Overrides: []sitrep.Override{holiday}}
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }

	tests := []struct {
		name     string
		at       time.Time
		rotation string
		member   string
		from     time.Time
		until    time.Time
		override bool
	}{
		// 3 Mar ann, 10 ben, 17 cat, 24 ann, 31 ben. Summer time began on
		// Sunday 30 March, so Monday's 09:00 hand-off is 07:00 UTC, not 08:00.
		{"before DST hand-off", utc(2025, 3, 31, 6, 59), "weekly", "ann", utc(2025, 3, 24, 8, 0), utc(2025, 3, 31, 7, 0), false},
		{"at DST hand-off", utc(2025, 3, 31, 7, 0), "weekly", "ben", utc(2025, 3, 31, 7, 0), utc(2025, 4, 7, 7, 0), false},
		{"holiday override", utc(2025, 4, 1, 10, 0), "weekly", "cat", utc(2025, 4, 1, 10, 0), utc(2025, 4, 2, 10, 0), true},
		{"after override", utc(2025, 4, 2, 10, 0), "weekly", "ben", utc(2025, 3, 31, 7, 0), utc(2025, 4, 7, 7, 0), false},
		{"before start wraps back", utc(2025, 2, 25, 12, 0), "weekly", "cat", utc(2025, 2, 24, 8, 0), utc(2025, 3, 3, 8, 0), false},
		// 29 Mar ann (08:30 CET = 07:30 UTC), 30 Mar ben: the night of the
		// change is an hour shorter, 08:30 CEST is 06:30 UTC.
		{"daily over DST", utc(2025, 3, 30, 7, 0), "daily", "ben", utc(2025, 3, 30, 6, 30), utc(2025, 3, 31, 6, 30), false},
		{"daily before hand-off", utc(2025, 3, 30, 6, 29), "daily", "ann", utc(2025, 3, 29, 7, 30), utc(2025, 3, 30, 6, 30), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got *sitrep.OnCall
			for _, oc := range OnCall(s, tc.at) {
				if oc.Rotation == tc.rotation {
					got = &oc
				}
			}
			if got == nil {
				t.Fatalf("no one on call in %s", tc.rotation)
			}
			if got.Member.Name != tc.member || !got.From.Equal(tc.from) || !got.Until.Equal(tc.until) || got.Override != tc.override || got.Schedule != "primary" {
				t.Fatalf("got %s %s–%s override=%v, want %s %s–%s override=%v", got.Member.Name, got.From.UTC(), got.Until.UTC(), got.Override,
					tc.member, tc.from, tc.until, tc.override)
			}
		})
	}
}
