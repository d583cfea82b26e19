package alert

import (
	"time"

	"sitrep"
)

// defaultStart anchors rotations that declare no start date, so that the
// order of members is the same on every node and after every restart.
var defaultStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// OnCall returns who is on call at t in each rotation of s, overrides
// applied. The shift bounds are wall-clock hand-offs in the schedule's time
// zone, so a 09:00 hand-off stays at 09:00 across daylight saving changes.
func OnCall(s sitrep.Schedule, at time.Time) []sitrep.OnCall {
	loc := s.TimeZone
	if loc == nil {
		loc = time.UTC
	}
	out := make([]sitrep.OnCall, 0, len(s.Rotations))
	for _, r := range s.Rotations {
		oc, ok := rotationOnCall(r, loc, at)
		if !ok {
			continue
		}
		oc.Schedule = s.ID
		// Later overrides win over earlier ones: the last word is the one
		// someone added most recently in the file.
		for _, o := range s.Overrides {
			if (o.Rotation == "" || o.Rotation == r.Name) && !at.Before(o.From) && at.Before(o.To) {
				oc.Member, oc.From, oc.Until, oc.Override = o.Member, o.From, o.To, true
			}
		}
		out = append(out, oc)
	}
	return out
}

func rotationOnCall(r sitrep.Rotation, loc *time.Location, at time.Time) (sitrep.OnCall, bool) {
	days := int(r.Length / (24 * time.Hour))
	if days < 1 || len(r.Members) == 0 {
		return sitrep.OnCall{}, false
	}
	start := r.Start
	if start.IsZero() {
		start = defaultStart
	}
	y, m, d := start.Date()
	first := civil(y, m, d)
	if wd := r.Handoff.Weekday; wd != nil {
		first += (int(*wd) - int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Weekday()) + 7) % 7
	}
	local := at.In(loc)
	ly, lm, ld := local.Date()
	day := civil(ly, lm, ld)
	if local.Hour()*60+local.Minute() < r.Handoff.Hour*60+r.Handoff.Minute {
		day-- // today's hand-off has not happened yet
	}
	period := floorDiv(day-first, days)
	shiftDay := first + period*days
	return sitrep.OnCall{
		Rotation: r.Name,
		Member:   r.Members[mod(period, len(r.Members))],
		From:     wallClock(shiftDay, r.Handoff, loc),
		Until:    wallClock(shiftDay+days, r.Handoff, loc),
	}, true
}

// civil counts days since 1970-01-01 for a calendar date, free of any time
// zone's daylight saving shifts.
func civil(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func wallClock(day int, h sitrep.Handoff, loc *time.Location) time.Time {
	y, m, d := time.Unix(int64(day)*86400, 0).UTC().Date()
	return time.Date(y, m, d, h.Hour, h.Minute, 0, 0, loc)
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func mod(a, b int) int { return ((a % b) + b) % b }
