package status

import (
	"math"
	"time"

	"sitrep"
)

// DayUptime is one bar of a component's uptime history.
type DayUptime struct {
	// Day is local midnight in the page's time zone.
	Day time.Time
	// Uptime is the fraction of the day the component was available (up or
	// degraded), 1 when there is no data.
	Uptime  float64
	HasData bool
	// Maintenance is set when part of the day fell in a maintenance window
	// and was left out of Uptime.
	Maintenance bool
	// Incidents are the ids of incidents affecting the component that were
	// open at some time that day, for the bar's tooltip.
	Incidents []string
}

// UptimeInput is what DailyUptime needs for one component.
type UptimeInput struct {
	Component *sitrep.Component
	// Rollups per monitor id, each oldest first and all at one resolution.
	// Hour rollups make maintenance exclusion and local days exact; day
	// rollups are cheaper but a day bucket that touches a maintenance
	// window is left out entirely.
	Rollups      map[string][]sitrep.Rollup
	Maintenances []*sitrep.Maintenance
	Incidents    []*sitrep.Incident
	// Days ending with the day containing End (90 for the page).
	Days     int
	End      time.Time
	Location *time.Location
}

// Uptime is a component's history over the requested days.
type Uptime struct {
	Days []DayUptime
	// Total is the uptime over all days with data (1 when none).
	Total float64
}

// DailyUptime computes per-day uptime for a component.
//
// Within one bucket (an hour, say) the component is as available as its
// worst monitor: pooling the counts would let a healthy web server hide a
// dead database behind it. A day's uptime is the mean over its buckets with
// data. Buckets overlapping one of the component's maintenance windows are
// left out, because planned work announced in advance is not downtime under
// any SLA we report.
func DailyUptime(in UptimeInput) Uptime {
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	if in.Days <= 0 {
		return Uptime{Total: 1}
	}
	// starts[i] is local midnight of day i; starts[Days] the end of the last.
	end := in.End.In(loc)
	last := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, loc)
	starts := make([]time.Time, in.Days+1)
	for i := 0; i <= in.Days; i++ {
		starts[i] = time.Date(last.Year(), last.Month(), last.Day()-(in.Days-1)+i, 0, 0, 0, 0, loc)
	}
	from, to := starts[0], starts[in.Days]

	windows := maintenanceSpans(in.Component.ID, in.Maintenances, to)
	out := Uptime{Days: make([]DayUptime, in.Days)}
	for i := range out.Days {
		out.Days[i] = DayUptime{Day: starts[i], Uptime: 1}
	}

	// worst[k] is the worst monitor uptime in bucket k (NaN: no data yet).
	res, first, n := bucketGrid(in.Component.Monitors, in.Rollups, from, to)
	var worst []float64
	if n > 0 {
		worst = make([]float64, n)
		for k := range worst {
			worst[k] = math.NaN()
		}
	}
	excluded := make([]bool, n)
	for _, id := range in.Component.Monitors {
		for _, r := range in.Rollups[id] {
			if r.Start.Before(from) || !r.Start.Before(to) || r.Count() == 0 {
				continue
			}
			k := int(r.Start.Sub(first) / res)
			if k < 0 || k >= n {
				continue
			}
			if overlaps(windows, r.Start, r.Start.Add(res)) {
				excluded[k] = true
				continue
			}
			if u := r.Uptime(); math.IsNaN(worst[k]) || u < worst[k] {
				worst[k] = u
			}
		}
	}

	sums := make([]float64, in.Days)
	counts := make([]int, in.Days)
	var total float64
	var totalN int
	day := 0
	for k := 0; k < n; k++ {
		// Buckets ascend, so the day only moves forward.
		start := first.Add(time.Duration(k) * res)
		for day < in.Days && !starts[day+1].After(start) {
			day++
		}
		if day >= in.Days {
			break
		}
		if excluded[k] {
			out.Days[day].Maintenance = true
			continue
		}
		if math.IsNaN(worst[k]) {
			continue
		}
		sums[day] += worst[k]
		counts[day]++
		total += worst[k]
		totalN++
	}
	for i := range out.Days {
		if counts[i] > 0 {
			out.Days[i].HasData = true
			out.Days[i].Uptime = sums[i] / float64(counts[i])
		}
		for _, w := range windows {
			if w.Start.Before(starts[i+1]) && w.End.After(starts[i]) {
				out.Days[i].Maintenance = true
			}
		}
	}
	out.Total = 1
	if totalN > 0 {
		out.Total = total / float64(totalN)
	}
	addIncidents(out.Days, starts, in.Component.ID, in.Incidents, to)
	return out
}

// bucketGrid finds the resolution of the rollups and the first bucket start
// at or after from, and how many buckets cover [from, to).
func bucketGrid(monitors []string, rollups map[string][]sitrep.Rollup, from, to time.Time) (time.Duration, time.Time, int) {
	var res time.Duration
	for _, id := range monitors {
		if rs := rollups[id]; len(rs) > 0 {
			res = rs[0].Resolution.Duration()
			break
		}
	}
	if res <= 0 {
		return time.Hour, from, 0
	}
	// Buckets are aligned to UTC; local midnight may fall inside one, which
	// then counts for the day it starts in.
	first := from.UTC().Truncate(res)
	if first.Before(from) {
		first = first.Add(res)
	}
	n := int((to.Sub(first) + res - 1) / res)
	if n < 0 {
		n = 0
	}
	return res, first, n
}

// maintenanceSpans returns the spans of the windows that covered component
// id, by their actual times: planned times would excuse downtime outside the
// work or blame the work's overrun on the service.
func maintenanceSpans(id string, ms []*sitrep.Maintenance, now time.Time) []sitrep.Window {
	var out []sitrep.Window
	for _, m := range ms {
		if !m.Affects(id) || m.ActualStart.IsZero() {
			continue
		}
		end := m.ActualEnd
		if end.IsZero() {
			end = now
		}
		out = append(out, sitrep.Window{Start: m.ActualStart, End: end})
	}
	return out
}

func overlaps(ws []sitrep.Window, start, end time.Time) bool {
	for _, w := range ws {
		if w.Start.Before(end) && w.End.After(start) {
			return true
		}
	}
	return false
}

func addIncidents(days []DayUptime, starts []time.Time, id string, incs []*sitrep.Incident, now time.Time) {
	for _, inc := range incs {
		if !inc.Affects(id) {
			continue
		}
		start := inc.StartedAt
		if start.IsZero() {
			start = inc.CreatedAt
		}
		end := inc.ResolvedAt
		if end.IsZero() {
			end = now
		}
		for i := range days {
			if start.Before(starts[i+1]) && !end.Before(starts[i]) {
				days[i].Incidents = append(days[i].Incidents, inc.ID)
			}
		}
	}
}
