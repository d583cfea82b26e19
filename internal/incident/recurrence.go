package incident

import (
	"slices"
	"time"

	"sitrep"
)

// Occurrences returns the windows of r that start in [from, to), in order.
//
// Start and end are wall-clock times in r's zone, computed afresh for each
// day, so "02:00" stays 02:00 local across daylight-saving changes. On the
// day clocks spring forward past the start, the window starts when the
// clocks jump (02:30 becomes 03:30); on the day they fall back, an
// ambiguous time means its first occurrence. Either way the window may be an
// hour shorter or longer than usual: users read the announced local times.
func Occurrences(r sitrep.Recurrence, from, to time.Time) []sitrep.Window {
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	var out []sitrep.Window
	// Start a day early: a window that began yesterday in local terms may
	// start after from in absolute time when zones are far apart.
	f := from.In(loc).AddDate(0, 0, -1)
	for d := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc); d.Before(to); d = d.AddDate(0, 0, 1) {
		y, m, day := d.Date()
		if len(r.Weekdays) > 0 && !slices.Contains(r.Weekdays, d.Weekday()) {
			continue
		}
		start := wallTime(y, m, day, r.Start, loc)
		if start.Before(from) || !start.Before(to) {
			continue
		}
		if !r.Until.IsZero() && !start.Before(r.Until) {
			break
		}
		endDay := day
		if r.End <= r.Start {
			endDay++
		}
		out = append(out, sitrep.Window{Start: start, End: wallTime(y, m, endDay, r.End, loc)})
	}
	return out
}

// wallTime is local time of day off on a date, resolving the two
// daylight-saving cases time.Date leaves open: a time skipped by the clocks
// moves forward by the jump; a time that happens twice means the first.
func wallTime(y int, m time.Month, d int, off time.Duration, loc *time.Location) time.Time {
	hh, mm := int(off/time.Hour), int(off%time.Hour/time.Minute)
	t := time.Date(y, m, d, hh, mm, 0, 0, loc)
	zs, _ := t.ZoneBounds()
	if zs.IsZero() {
		return t
	}
	_, off1 := t.Zone()
	_, off0 := zs.Add(-time.Nanosecond).Zone()
	if off1 < off0 {
		// The clocks went back at zs; the same wall time may also exist in
		// the earlier zone.
		earlier := t.Add(-time.Duration(off0-off1) * time.Second)
		if eh, em, _ := earlier.In(loc).Clock(); eh == hh && em == mm && earlier.Before(t) {
			return earlier
		}
	}
	return t
}

// Materialize returns the occurrences of a recurring series that start in
// [from, to) and do not exist yet (have lists the planned starts already
// stored), as new scheduled windows copied from the series. Creating them
// ahead of time lets each occurrence be announced and reminded like any
// other window.
func Materialize(series *sitrep.Maintenance, have []time.Time, from, to, now time.Time) []*sitrep.Maintenance {
	if series.Recurrence == nil {
		return nil
	}
	var out []*sitrep.Maintenance
	for _, w := range Occurrences(*series.Recurrence, from, to) {
		if slices.ContainsFunc(have, w.Start.Equal) {
			continue
		}
		m := &sitrep.Maintenance{
			Title: series.Title, Description: series.Description, Components: slices.Clone(series.Components),
			PlannedStart: w.Start, PlannedEnd: w.End, Status: sitrep.MaintenanceScheduled,
			Recurrence: series.Recurrence, SeriesID: series.ID, CreatedAt: now, UpdatedAt: now, Author: series.Author,
		}
		msg := series.Description
		if msg == "" {
			msg = series.Title
		}
		m.Updates = []sitrep.MaintenanceUpdate{{Status: sitrep.MaintenanceScheduled, Message: msg, Public: true, At: now, CreatedAt: now, Author: sitrep.AutomationAuthor}}
		out = append(out, m)
	}
	return out
}
