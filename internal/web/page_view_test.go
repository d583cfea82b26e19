package web

import (
	"testing"
	"time"

	"sitrep"
)

func TestFormatting(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{fmtPercent(1), "100.00 %"},
		{fmtPercent(0.99996), "99.99 %"}, // truncated: never shows 100 % for a bad day
		{fmtPercent(0.5), "50.00 %"},
		{fmtPercent(0.0304), "3.04 %"},
		{fmtDuration(3 * time.Hour), "3 h"},
		{fmtDuration(4*time.Hour + 10*time.Minute + 20*time.Second), "4 h 10 min"},
		{fmtDuration(26 * time.Hour), "1 d 2 h"},
		{fmtDuration(30 * time.Second), "under a minute"},
		{label("in_progress"), "In progress"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestBarSegments(t *testing.T) {
	day := func(i int) time.Time { return time.Date(2026, 11, 1+i, 0, 0, 0, 0, time.UTC) }
	days := []sitrep.PageDay{
		{Day: day(0)}, {Day: day(1)}, // no data
		{Day: day(2), HasData: true, Uptime: 1}, {Day: day(3), HasData: true, Uptime: 1}, {Day: day(4), HasData: true, Uptime: 1},
		{Day: day(5), HasData: true, Uptime: 0.98, Incidents: []string{"i1", "gone"}},
		{Day: day(6), HasData: true, Uptime: 1, Incidents: []string{"i1"}}, // an incident day is never merged
		{Day: day(7), HasData: true, Uptime: 1, Maintenance: true},
		{Day: day(8), HasData: true, Uptime: 0.5},
	}
	segs := barSegments(days, time.UTC, func(id string) string {
		if id == "i1" {
			return "Slow exams"
		}
		return ""
	}, "x")
	want := []barSegment{
		{ID: "tx-0", Width: 2, Class: "nd", Label: "1 Nov 2026 – 2 Nov 2026 (2 days)", Tip: "1 Nov 2026 – 2 Nov 2026 (2 days): no data; no incidents"},
		{ID: "tx-1", Width: 3, Class: "ok", Label: "3 Nov 2026 – 5 Nov 2026 (3 days)", Tip: "3 Nov 2026 – 5 Nov 2026 (3 days): 100.00 % uptime each day; no incidents"},
		{ID: "tx-2", Width: 1, Class: "pa", Label: "6 Nov 2026", Tip: "6 Nov 2026: 98.00 % uptime; incidents: Slow exams; gone"},
		{ID: "tx-3", Width: 1, Class: "mi", Label: "7 Nov 2026", Tip: "7 Nov 2026: 100.00 % uptime; incidents: Slow exams"},
		{ID: "tx-4", Width: 1, Class: "mt", Label: "8 Nov 2026", Tip: "8 Nov 2026: 100.00 % uptime; planned maintenance, not counted; no incidents"},
		{ID: "tx-5", Width: 1, Class: "ma", Label: "9 Nov 2026", Tip: "9 Nov 2026: 50.00 % uptime; no incidents"},
	}
	if len(segs) != len(want) {
		t.Fatalf("got %d segments, want %d: %+v", len(segs), len(want), segs)
	}
	for i := range want {
		if segs[i] != want[i] {
			t.Errorf("segment %d:\n got %+v\nwant %+v", i, segs[i], want[i])
		}
	}
}
