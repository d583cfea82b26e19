package sitrep

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "sun": time.Sunday,
	"monday": time.Monday, "mon": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday,
	"wednesday": time.Wednesday, "wed": time.Wednesday,
	"thursday": time.Thursday, "thu": time.Thursday,
	"friday": time.Friday, "fri": time.Friday,
	"saturday": time.Saturday, "sat": time.Saturday,
}

const recurrenceForm = `"every DAYS HH:MM-HH:MM [ZONE]", e.g. "every sunday 02:00-04:00 Europe/Oslo" or "every mon,thu 22:00-01:00 UTC" or "every day 03:00-03:30"`

// ParseRecurrence reads a rule such as "every Sunday 02:00–04:00
// Europe/Oslo". DAYS is "day" or weekday names (full or three letters)
// separated by commas; the zone defaults to UTC. An end at or before the
// start ends the next day.
func ParseRecurrence(s string) (Recurrence, error) {
	var r Recurrence
	bad := func(format string, args ...any) (Recurrence, error) {
		return Recurrence{}, FieldErrorf(EINVALID, "recurrence",
			"%s in %q; the form is %s", fmt.Sprintf(format, args...), s, recurrenceForm)
	}
	norm := strings.NewReplacer("–", "-", "—", "-", " - ", "-").Replace(strings.TrimSpace(s))
	f := strings.Fields(norm)
	if len(f) < 3 || len(f) > 4 || !strings.EqualFold(f[0], "every") {
		return bad("cannot read the rule")
	}
	if !strings.EqualFold(f[1], "day") {
		for _, name := range strings.Split(strings.ToLower(f[1]), ",") {
			d, ok := weekdays[strings.TrimSuffix(name, "s")]
			if !ok {
				d, ok = weekdays[name]
			}
			if !ok {
				return bad("unknown day %q", name)
			}
			if !slices.Contains(r.Weekdays, d) {
				r.Weekdays = append(r.Weekdays, d)
			}
		}
		slices.Sort(r.Weekdays)
	}
	from, to, ok := strings.Cut(f[2], "-")
	if !ok {
		return bad("missing the end time")
	}
	var err error
	if r.Start, err = clockTime(from); err != nil {
		return bad("%v", err)
	}
	if r.End, err = clockTime(to); err != nil {
		return bad("%v", err)
	}
	r.TimeZone = "UTC"
	if len(f) == 4 {
		r.TimeZone = f[3]
	}
	if r.Location, err = time.LoadLocation(r.TimeZone); err != nil {
		return bad("unknown time zone %q", r.TimeZone)
	}
	return r, nil
}

func clockTime(s string) (time.Duration, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || len(m) != 2 {
		return 0, fmt.Errorf("%q is not a time of day (HH:MM)", s)
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, nil
}
