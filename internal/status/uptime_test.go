package status

import (
	"math"
	"testing"
	"time"

	"sitrep"
)

// hours builds hour rollups for [from, from+n h), down in the hours for
// which down returns true.
func hours(id string, from time.Time, n int, down func(time.Time) bool) []sitrep.Rollup {
	out := make([]sitrep.Rollup, n)
	for i := range out {
		start := from.Add(time.Duration(i) * time.Hour)
		r := sitrep.Rollup{MonitorID: id, Resolution: sitrep.ResolutionHour, Start: start, Up: 60}
		if down != nil && down(start) {
			r.Up, r.Down = 0, 60
		}
		out[i] = r
	}
	return out
}

func between(from, to time.Time) func(time.Time) bool {
	return func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
}

func TestDailyUptime(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	comp := &sitrep.Component{ID: "courses", Monitors: []string{"web", "db"}}
	// Day 20 clean; day 21 the database is down 06:00-12:00 while the web
	// server is fine; day 22 down 02:00-04:00 inside a maintenance window; day 23 no data.
	rollups := map[string][]sitrep.Rollup{
		"web": hours("web", day(20), 72, between(day(22).Add(2*time.Hour), day(22).Add(4*time.Hour))),
		"db":  hours("db", day(20), 72, between(day(21).Add(6*time.Hour), day(21).Add(12*time.Hour))),
	}
	maint := &sitrep.Maintenance{ID: "m1", Components: []string{"courses"}, Status: sitrep.MaintenanceCompleted,
		ActualStart: day(22).Add(2 * time.Hour), ActualEnd: day(22).Add(4 * time.Hour)}
	inc := &sitrep.Incident{ID: "i1", Components: []sitrep.AffectedComponent{{ComponentID: "courses"}},
		StartedAt: day(21).Add(6 * time.Hour), ResolvedAt: day(21).Add(12 * time.Hour), Status: sitrep.IncidentResolved}

	u := DailyUptime(UptimeInput{
		Component: comp, Rollups: rollups, Maintenances: []*sitrep.Maintenance{maint}, Incidents: []*sitrep.Incident{inc},
		Days: 4, End: day(23).Add(5 * time.Hour),
	})
	want := []struct {
		uptime    float64
		data      bool
		maint     bool
		incidents int
	}{
		{1, true, false, 0},
		{18.0 / 24, true, false, 1},
		{1, true, true, 0},
		{1, false, false, 0},
	}
	if len(u.Days) != len(want) {
		t.Fatalf("%d days", len(u.Days))
	}
	for i, w := range want {
		d := u.Days[i]
		t.Run(d.Day.Format("2006-01-02"), func(t *testing.T) {
			if math.Abs(d.Uptime-w.uptime) > 1e-9 || d.HasData != w.data || d.Maintenance != w.maint || len(d.Incidents) != w.incidents {
				t.Errorf("got %+v, want %+v", d, w)
			}
		})
	}
	if wantTotal := (24 + 18 + 22.0) / (24 + 24 + 22); math.Abs(u.Total-wantTotal) > 1e-9 {
		t.Errorf("total %v, want %v", u.Total, wantTotal)
	}
}

func TestDailyUptimeLocalDays(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	// 29 March 2026 has 23 hours in Oslo; one down hour costs 1/23 of it.
	dayStart := time.Date(2026, 3, 29, 0, 0, 0, 0, oslo)
	next := time.Date(2026, 3, 30, 0, 0, 0, 0, oslo)
	if h := next.Sub(dayStart); h != 23*time.Hour {
		t.Fatalf("day length %v", h)
	}
	comp := &sitrep.Component{ID: "c", Monitors: []string{"m"}}
	rs := hours("m", dayStart.UTC(), 23, between(dayStart.Add(5*time.Hour), dayStart.Add(6*time.Hour)))
	u := DailyUptime(UptimeInput{Component: comp, Rollups: map[string][]sitrep.Rollup{"m": rs}, Days: 1, End: dayStart.Add(20 * time.Hour), Location: oslo})
	if got := u.Days[0]; math.Abs(got.Uptime-22.0/23) > 1e-9 || !got.Day.Equal(dayStart) {
		t.Errorf("got %+v", got)
	}
}

func BenchmarkDailyUptime(b *testing.B) {
	end := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	from := end.Add(-90 * 24 * time.Hour).Truncate(24 * time.Hour)
	comp := &sitrep.Component{ID: "c", Monitors: []string{"a", "b"}}
	rs := map[string][]sitrep.Rollup{
		"a": hours("a", from, 90*24, nil),
		"b": hours("b", from, 90*24, func(t time.Time) bool { return t.Hour() == 3 }),
	}
	in := UptimeInput{Component: comp, Rollups: rs, Days: 90, End: end}
	b.ReportAllocs()
	for b.Loop() {
		DailyUptime(in)
	}
}
